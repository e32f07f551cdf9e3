import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The campaign pipeline's own tables: the transactional outbox, per-organisation progress
 * counters, idempotency keys of task completions, and the record of reminder runs.
 */
export class CampaignPipeline1764170000000 implements MigrationInterface {
  name = 'CampaignPipeline1764170000000';

  async up(q: QueryRunner): Promise<void> {
    // An intent (fan out, remind, expire) written in the same transaction as the state change.
    // processed_at: put on the queue; completed_at: its job finished (reconciliation re-enqueues the rest).
    await q.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        kind text NOT NULL,
        payload jsonb NOT NULL,
        available_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        completed_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX outbox_unprocessed_idx ON outbox (id) WHERE processed_at IS NULL`);
    await q.query(`CREATE INDEX outbox_open_idx ON outbox (id) WHERE processed_at IS NOT NULL AND completed_at IS NULL`);

    // Kept in the same transactions as task state changes; progress reads these few rows.
    await q.query(`
      CREATE TABLE campaign_progress (
        campaign_id uuid NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
        organisation_id uuid NOT NULL REFERENCES organisation(id),
        total int NOT NULL DEFAULT 0,
        pending int NOT NULL DEFAULT 0,
        done int NOT NULL DEFAULT 0,
        unable int NOT NULL DEFAULT 0,
        expired int NOT NULL DEFAULT 0,
        late int NOT NULL DEFAULT 0,
        PRIMARY KEY (campaign_id, organisation_id)
      )`);

    await q.query(`
      CREATE TABLE task_idempotency_key (
        user_id uuid NOT NULL,
        key text NOT NULL,
        task_id bigint NOT NULL REFERENCES share_task(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);

    // One proof URL proves one share. Reopening clears it.
    await q.query(`CREATE UNIQUE INDEX share_task_proof_url_key ON share_task (proof_url) WHERE proof_url IS NOT NULL`);

    // The hook for notifications: one row per reminder due; notified_at is set by whoever delivers it.
    await q.query(`
      CREATE TABLE reminder_run (
        campaign_id uuid NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
        remind_at timestamptz NOT NULL,
        pending_tasks int NOT NULL,
        ran_at timestamptz NOT NULL DEFAULT now(),
        notified_at timestamptz,
        PRIMARY KEY (campaign_id, remind_at)
      )`);
    await q.query(`CREATE INDEX reminder_run_unnotified_idx ON reminder_run (ran_at) WHERE notified_at IS NULL`);

    // The closing summary per organisation, frozen when the campaign closes.
    await q.query(`ALTER TABLE campaign ADD COLUMN closing_summary jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaign DROP COLUMN closing_summary`);
    await q.query(`DROP TABLE reminder_run`);
    await q.query(`DROP INDEX share_task_proof_url_key`);
    await q.query(`DROP TABLE task_idempotency_key`);
    await q.query(`DROP TABLE campaign_progress`);
    await q.query(`DROP TABLE outbox`);
  }
}
