import type pg from 'pg';

/** Rows of the `update` baseline's table; each request updates one at random (like `complete` touches one task). */
export const UPDATE_ROWS = 10_000;

/** The `update` baseline's database connections go by this name (how bench/lib/cpu.ts finds them); the API's go by `outreach-api`. */
export const BASELINE_APPLICATION_NAME = 'outreach-bench-update';

/** The `update` baseline's table, created once per bench database (bench-only, not an app migration). */
export async function ensureBenchCounter(client: pg.Pool | pg.Client): Promise<void> {
  await client.query('CREATE TABLE IF NOT EXISTS bench_counter (id int PRIMARY KEY, hits bigint NOT NULL DEFAULT 0, touched_at timestamptz)');
  await client.query('INSERT INTO bench_counter (id) SELECT generate_series(1, $1::int) ON CONFLICT DO NOTHING', [UPDATE_ROWS]);
}
