import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1764190000000 implements MigrationInterface {
  name = 'Notifications1764190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        events text[] NOT NULL,
        description text,
        -- needed in clear to sign bodies; shown to the admin once, never returned afterwards
        secret text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        consecutive_failures int NOT NULL DEFAULT 0,
        disabled_at timestamptz,
        disabled_reason text,
        created_by uuid REFERENCES app_user(id),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX webhook_events_idx ON webhook USING gin (events) WHERE active`);

    // The outbox: one row per event x person (or webhook) x channel. The unique dedupe key is what
    // makes "never twice for the same event and person" hold across retries and Redis loss.
    await q.query(`
      CREATE TABLE notification (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        dedupe_key text NOT NULL,
        event text NOT NULL,
        channel text NOT NULL CHECK (channel IN ('in_app','email','zalo','webhook')),
        collaborator_id uuid REFERENCES collaborator(id),
        user_id uuid REFERENCES app_user(id) ON DELETE CASCADE,
        webhook_id uuid REFERENCES webhook(id) ON DELETE CASCADE,
        address text,
        title text NOT NULL,
        body text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sending','delivered','failed','cancelled')),
        not_before timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        -- when the relay last handed it to a queue; it re-enqueues only after RELAY_RETRY (Redis loss)
        relayed_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        read_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notification_dedupe_key UNIQUE (dedupe_key),
        CONSTRAINT notification_has_recipient CHECK (num_nonnulls(collaborator_id, user_id, webhook_id) >= 1)
      )`);
    await q.query(`CREATE INDEX notification_due_idx ON notification (not_before) WHERE state IN ('pending','sending')`);
    await q.query(`CREATE INDEX notification_inbox_user_idx ON notification (user_id, created_at DESC) WHERE channel = 'in_app'`);
    await q.query(`CREATE INDEX notification_inbox_collaborator_idx ON notification (collaborator_id, created_at DESC) WHERE channel = 'in_app'`);
    await q.query(`CREATE INDEX notification_event_idx ON notification (event, created_at DESC)`);

    // Every attempt at an external channel, with what the provider answered.
    await q.query(`
      CREATE TABLE notification_delivery (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        notification_id uuid NOT NULL REFERENCES notification(id) ON DELETE CASCADE,
        channel text NOT NULL,
        attempt int NOT NULL,
        state text NOT NULL CHECK (state IN ('delivered','retry','failed','deferred')),
        error text,
        provider_response jsonb,
        attempted_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX notification_delivery_notification_idx ON notification_delivery (notification_id, attempt)`);
    await q.query(`CREATE INDEX notification_delivery_attempted_idx ON notification_delivery (attempted_at DESC, id DESC)`);

    // Per-person preferences (by login). Missing row = defaults: every channel on, QUIET_HOURS.
    await q.query(`
      CREATE TABLE notification_preference (
        user_id uuid PRIMARY KEY REFERENCES app_user(id) ON DELETE CASCADE,
        email boolean NOT NULL DEFAULT true,
        zalo boolean NOT NULL DEFAULT true,
        -- NULL = the installation's QUIET_HOURS; '' = none; 'HH:MM-HH:MM' local time
        quiet_hours text,
        -- scheduled report subscriptions: 'weekly' and/or 'monthly'
        report_periods text[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Provider OAuth tokens (Zalo rotates its refresh token on every refresh: it must survive restarts).
    await q.query(`
      CREATE TABLE provider_token (
        provider text PRIMARY KEY,
        access_token text NOT NULL,
        refresh_token text,
        refreshed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE provider_token`);
    await q.query(`DROP TABLE notification_preference`);
    await q.query(`DROP TABLE notification_delivery`);
    await q.query(`DROP TABLE notification`);
    await q.query(`DROP TABLE webhook`);
  }
}
