import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ImportJobs1764150000000 implements MigrationInterface {
  name = 'ImportJobs1764150000000';

  async up(q: QueryRunner): Promise<void> {
    // The uploaded file lives in Postgres, so a worker on any machine can process it.
    // `organisation_id` is the uploader's scope root (a secretary's unit; null for admins): who may read the import.
    await q.query(`
      CREATE TABLE import_job (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('organisations','collaborators','channels')),
        dry_run boolean NOT NULL,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed')),
        file_name text NOT NULL,
        file_format text NOT NULL CHECK (file_format IN ('xlsx','csv')),
        file_size int NOT NULL,
        file bytea NOT NULL,
        actor_user_id uuid NOT NULL REFERENCES app_user(id),
        actor_login text NOT NULL,
        actor_role text NOT NULL,
        organisation_id uuid REFERENCES organisation(id),
        request_id text,
        total_rows int,
        applied_count int,
        created_count int,
        updated_count int,
        unchanged_count int,
        rejected_count int,
        applied_rows int[],
        rejections jsonb,
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE INDEX import_job_actor_idx ON import_job (actor_user_id, created_at DESC)`);
    await q.query(`CREATE INDEX import_job_organisation_idx ON import_job (organisation_id) WHERE organisation_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE import_job`);
  }
}
