import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764136800000 implements MigrationInterface {
  name = 'Foundation1764136800000';

  async up(q: QueryRunner): Promise<void> {
    // Diacritic-insensitive search (unaccent) and fast substring matching (trigram indexes).
    await q.query(`CREATE EXTENSION IF NOT EXISTS unaccent`);
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    // unaccent() is only STABLE; an IMMUTABLE wrapper with the dictionary named lets indexes use it.
    // It also folds đ/Đ, which unaccent's default rules already map to d/D.
    await q.query(`
      CREATE OR REPLACE FUNCTION f_fold(text) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
      AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$`);
    await q.query(`
      CREATE TABLE worker_heartbeat (
        worker_id text PRIMARY KEY,
        hostname text NOT NULL,
        pid int NOT NULL,
        started_at timestamptz NOT NULL,
        seen_at timestamptz NOT NULL,
        beats bigint NOT NULL DEFAULT 0
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE worker_heartbeat`);
    await q.query(`DROP FUNCTION f_fold(text)`);
  }
}
