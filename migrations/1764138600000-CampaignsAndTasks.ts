import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CampaignsAndTasks1764138600000 implements MigrationInterface {
  name = 'CampaignsAndTasks1764138600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE campaign (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        description text,
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','scheduled','active','closed')),
        starts_at timestamptz,
        deadline timestamptz NOT NULL,
        review_required boolean NOT NULL DEFAULT false,
        -- {organisationIds?, includeSubtree, platforms?, personalShares, collaboratorTags?}
        targets jsonb NOT NULL DEFAULT '{}'::jsonb,
        launched_at timestamptz,
        fanned_out_at timestamptz,
        closed_at timestamptz,
        created_by uuid REFERENCES app_user(id),
        is_demo boolean NOT NULL DEFAULT false,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX campaign_status_idx ON campaign (status, deadline)`);

    await q.query(`
      CREATE TABLE content_item (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaign(id) ON DELETE CASCADE,
        position int NOT NULL DEFAULT 0,
        url text NOT NULL,
        title text NOT NULL,
        caption text,
        hashtags text[] NOT NULL DEFAULT '{}',
        category text,
        image_urls text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX content_item_campaign_idx ON content_item (campaign_id, position)`);

    // One row per content item x channel, or per content item x collaborator (personal share).
    // bigint identity keys: fan-out inserts millions of rows set-based, in key order.
    await q.query(`
      CREATE TABLE share_task (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        campaign_id uuid NOT NULL REFERENCES campaign(id),
        item_id uuid NOT NULL REFERENCES content_item(id),
        organisation_id uuid NOT NULL REFERENCES organisation(id),
        platform text NOT NULL,
        channel_id uuid REFERENCES channel(id),
        collaborator_id uuid REFERENCES collaborator(id),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','done','unable','expired')),
        deadline timestamptz NOT NULL,
        completed_at timestamptz,
        -- done after the deadline: counted as late in reports
        late boolean NOT NULL DEFAULT false,
        completed_by_user_id uuid,
        completed_by_collaborator_id uuid,
        proof_url text,
        note text,
        unable_reason text,
        -- not_required | pending | approved | rejected (campaigns that require review)
        review_status text NOT NULL DEFAULT 'not_required',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version int NOT NULL DEFAULT 1,
        CONSTRAINT share_task_target CHECK ((channel_id IS NULL) <> (collaborator_id IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX share_task_item_channel_key ON share_task (item_id, channel_id) WHERE channel_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX share_task_item_collaborator_key ON share_task (item_id, collaborator_id) WHERE collaborator_id IS NOT NULL`);
    await q.query(`CREATE INDEX share_task_campaign_idx ON share_task (campaign_id, organisation_id, status)`);
    await q.query(`CREATE INDEX share_task_collaborator_idx ON share_task (collaborator_id, status, deadline) WHERE collaborator_id IS NOT NULL`);
    await q.query(`CREATE INDEX share_task_channel_idx ON share_task (channel_id, status, deadline) WHERE channel_id IS NOT NULL`);
    await q.query(`CREATE INDEX share_task_organisation_idx ON share_task (organisation_id, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE share_task`);
    await q.query(`DROP TABLE content_item`);
    await q.query(`DROP TABLE campaign`);
  }
}
