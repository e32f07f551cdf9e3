import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ProofImagesAndReview1764200000000 implements MigrationInterface {
  name = 'ProofImagesAndReview1764200000000';

  async up(q: QueryRunner): Promise<void> {
    // Screenshots that prove a share; the bytes live in proof storage (a directory or S3), not here.
    await q.query(`
      CREATE TABLE proof_image (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        task_id bigint NOT NULL REFERENCES share_task(id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL REFERENCES campaign(id),
        storage_key text NOT NULL,
        -- SHA-256 (hex) of the stored, re-encoded bytes and of the bytes as uploaded
        checksum text NOT NULL,
        original_checksum text NOT NULL,
        width int NOT NULL,
        height int NOT NULL,
        bytes int NOT NULL,
        content_type text NOT NULL,
        original_content_type text NOT NULL,
        uploaded_by uuid REFERENCES app_user(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT proof_image_storage_key_key UNIQUE (storage_key)
      )`);
    await q.query(`CREATE INDEX proof_image_task_idx ON proof_image (task_id)`);
    await q.query(`CREATE INDEX proof_image_campaign_idx ON proof_image (campaign_id)`);
    // The same picture used for several tasks is flagged to reviewers.
    await q.query(`CREATE INDEX proof_image_checksum_idx ON proof_image (checksum)`);
    await q.query(`CREATE INDEX proof_image_original_checksum_idx ON proof_image (original_checksum)`);

    await q.query(`
      ALTER TABLE share_task
        ADD COLUMN proof_image_id uuid REFERENCES proof_image(id) ON DELETE SET NULL,
        ADD COLUMN review_reason text,
        ADD COLUMN reviewed_at timestamptz,
        ADD COLUMN reviewed_by_user_id uuid REFERENCES app_user(id),
        ADD CONSTRAINT share_task_review_status_check
          CHECK (review_status IN ('not_required','pending','approved','rejected'))`);
    // The review queue: completions awaiting review, oldest first.
    await q.query(`
      CREATE INDEX share_task_review_queue_idx ON share_task (completed_at, id)
        WHERE status = 'done' AND review_status = 'pending'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX share_task_review_queue_idx`);
    await q.query(`
      ALTER TABLE share_task
        DROP CONSTRAINT share_task_review_status_check,
        DROP COLUMN reviewed_by_user_id,
        DROP COLUMN reviewed_at,
        DROP COLUMN review_reason,
        DROP COLUMN proof_image_id`);
    await q.query(`DROP TABLE proof_image`);
  }
}
