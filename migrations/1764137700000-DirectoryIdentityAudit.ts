import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DirectoryIdentityAudit1764137700000 implements MigrationInterface {
  name = 'DirectoryIdentityAudit1764137700000';

  async up(q: QueryRunner): Promise<void> {
    // Organisations form a tree. `ancestors` holds the ids from the root down to the row itself,
    // so a subtree is one indexed query (`ancestors @> ARRAY[id]`) and a cycle is easy to refuse.
    await q.query(`
      CREATE TABLE organisation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL,
        name text NOT NULL,
        short_name text,
        kind text NOT NULL CHECK (kind IN ('bloc_committee','grassroots_committee','grassroots_cell','affiliated_cell','staff_office')),
        parent_id uuid REFERENCES organisation(id),
        ancestors uuid[] NOT NULL,
        depth int NOT NULL,
        secretary_collaborator_id uuid,
        active boolean NOT NULL DEFAULT true,
        is_demo boolean NOT NULL DEFAULT false,
        search text GENERATED ALWAYS AS (f_fold(code || ' ' || name || ' ' || coalesce(short_name, ''))) STORED,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT organisation_code_key UNIQUE (code),
        CONSTRAINT organisation_not_own_parent CHECK (parent_id IS DISTINCT FROM id)
      )`);
    await q.query(`CREATE INDEX organisation_ancestors_idx ON organisation USING gin (ancestors)`);
    await q.query(`CREATE INDEX organisation_parent_idx ON organisation (parent_id)`);
    await q.query(`CREATE INDEX organisation_search_idx ON organisation USING gin (search gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE collaborator (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL,
        organisation_id uuid NOT NULL REFERENCES organisation(id),
        full_name text NOT NULL,
        phone text,
        email text,
        position text,
        tags text[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        joined_on date,
        board_opt_out boolean NOT NULL DEFAULT false,
        is_demo boolean NOT NULL DEFAULT false,
        search text GENERATED ALWAYS AS (f_fold(full_name || ' ' || code)) STORED,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT collaborator_code_key UNIQUE (code)
      )`);
    await q.query(`CREATE INDEX collaborator_organisation_idx ON collaborator (organisation_id, id)`);
    await q.query(`CREATE INDEX collaborator_tags_idx ON collaborator USING gin (tags)`);
    await q.query(`CREATE INDEX collaborator_search_idx ON collaborator USING gin (search gin_trgm_ops)`);
    await q.query(`CREATE INDEX collaborator_phone_idx ON collaborator (phone) WHERE phone IS NOT NULL`);
    await q.query(`
      ALTER TABLE organisation ADD CONSTRAINT organisation_secretary_fk
        FOREIGN KEY (secretary_collaborator_id) REFERENCES collaborator(id)`);

    await q.query(`
      CREATE TABLE channel (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text,
        organisation_id uuid NOT NULL REFERENCES organisation(id),
        platform text NOT NULL CHECK (platform IN ('facebook_page','facebook_group','zalo_group','zalo_oa','mocha_group','website')),
        name text NOT NULL,
        url text NOT NULL,
        audience_size int CHECK (audience_size >= 0),
        audience_counted_at timestamptz,
        active boolean NOT NULL DEFAULT true,
        is_demo boolean NOT NULL DEFAULT false,
        search text GENERATED ALWAYS AS (f_fold(name || ' ' || coalesce(code, ''))) STORED,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT channel_url_key UNIQUE (url),
        CONSTRAINT channel_code_key UNIQUE (code)
      )`);
    await q.query(`CREATE INDEX channel_organisation_idx ON channel (organisation_id, platform)`);
    await q.query(`CREATE INDEX channel_search_idx ON channel USING gin (search gin_trgm_ops)`);
    await q.query(`
      CREATE TABLE channel_admin (
        channel_id uuid NOT NULL REFERENCES channel(id) ON DELETE CASCADE,
        collaborator_id uuid NOT NULL REFERENCES collaborator(id),
        PRIMARY KEY (channel_id, collaborator_id)
      )`);
    await q.query(`CREATE INDEX channel_admin_collaborator_idx ON channel_admin (collaborator_id)`);

    await q.query(`
      CREATE TABLE app_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        login text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin','secretary','collaborator')),
        organisation_id uuid REFERENCES organisation(id),
        collaborator_id uuid REFERENCES collaborator(id),
        display_name text,
        disabled_at timestamptz,
        last_login_at timestamptz,
        is_demo boolean NOT NULL DEFAULT false,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT app_user_secretary_has_organisation CHECK (role <> 'secretary' OR organisation_id IS NOT NULL),
        CONSTRAINT app_user_collaborator_has_person CHECK (role <> 'collaborator' OR collaborator_id IS NOT NULL)
      )`);
    await q.query(`CREATE UNIQUE INDEX app_user_login_key ON app_user (lower(login))`);
    await q.query(`CREATE UNIQUE INDEX app_user_collaborator_key ON app_user (collaborator_id) WHERE collaborator_id IS NOT NULL`);

    // Refresh tokens are stored as hashes; a family is one login's chain of rotations.
    await q.query(`
      CREATE TABLE refresh_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        token_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz,
        revoked_at timestamptz,
        ip text,
        user_agent text,
        CONSTRAINT refresh_token_hash_key UNIQUE (token_hash)
      )`);
    await q.query(`CREATE INDEX refresh_token_family_idx ON refresh_token (family_id)`);
    await q.query(`CREATE INDEX refresh_token_user_idx ON refresh_token (user_id) WHERE revoked_at IS NULL`);

    // Append-only: a trigger refuses UPDATE and DELETE, so history cannot be rewritten through the app.
    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_user_id uuid,
        actor_login text NOT NULL,
        actor_role text,
        action text NOT NULL,
        entity text NOT NULL,
        entity_id text,
        before jsonb,
        after jsonb,
        request_id text,
        ip text
      )`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, id)`);
    await q.query(`CREATE INDEX audit_log_at_idx ON audit_log (at)`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
    await q.query(`DROP TABLE refresh_token`);
    await q.query(`DROP TABLE app_user`);
    await q.query(`DROP TABLE channel_admin`);
    await q.query(`DROP TABLE channel`);
    await q.query(`ALTER TABLE organisation DROP CONSTRAINT organisation_secretary_fk`);
    await q.query(`DROP TABLE collaborator`);
    await q.query(`DROP TABLE organisation`);
  }
}
