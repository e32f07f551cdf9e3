import type { MigrationInterface, QueryRunner } from 'typeorm';
import { applyBody, TALLY_COLUMNS, TALLY_COUNTS_SQL, TALLY_DAY_SQL } from './1764180000000-ReportTallies.js';

/**
 * One mechanism for every counter: the statement-level triggers on share_task (transition tables,
 * one grouped upsert per statement) now keep campaign_progress as well as the report tallies, so
 * no code path maintains a counter by hand and none can forget to.
 *
 * Hot rows: every completion in one unit adds to the same (campaign, organisation) counter rows,
 * and a row lock is held until COMMIT. campaign_progress and report_org_tally get a `shard`
 * column (part of the key) taken from the writing transaction's id, so concurrent transactions
 * mostly add to different rows; readers sum over shards. `fold_counter_shards(table)` folds the
 * shards back into shard 0 (the worker runs it periodically) so the tables stay small.
 */
export const COUNTER_SHARDS = 16;
const SHARD = `(txid_current() % ${COUNTER_SHARDS})::smallint`;

const PROGRESS_COLUMNS = ['total', 'pending', 'done', 'unable', 'expired', 'late'];
const PROGRESS_COUNTS = `
  count(*) AS total,
  count(*) FILTER (WHERE status = 'pending') AS pending,
  count(*) FILTER (WHERE status = 'done') AS done,
  count(*) FILTER (WHERE status = 'unable') AS unable,
  count(*) FILTER (WHERE status = 'expired') AS expired,
  count(*) FILTER (WHERE status = 'done' AND late) AS late`;

export interface Counter {
  table: string;
  keys: string[];
  columns: string[];
  counts: string;
  where: string;
  sharded: boolean;
  /** Keys computed from a task's columns other than period_day (its deadline's local day): key → SQL expression. */
  expressions?: Record<string, string>;
}

export const ORG_TALLY: Counter = {
  table: 'report_org_tally', keys: ['period_day', 'campaign_id', 'organisation_id', 'platform'],
  columns: TALLY_COLUMNS, counts: TALLY_COUNTS_SQL, where: 'TRUE', sharded: true,
};
export const COLLABORATOR_TALLY: Counter = {
  table: 'report_collaborator_tally', keys: ['period_day', 'campaign_id', 'organisation_id', 'collaborator_id', 'platform'],
  columns: TALLY_COLUMNS, counts: TALLY_COUNTS_SQL, where: 'collaborator_id IS NOT NULL', sharded: false,
};
export const PROGRESS: Counter = {
  table: 'campaign_progress', keys: ['campaign_id', 'organisation_id'],
  columns: PROGRESS_COLUMNS, counts: PROGRESS_COUNTS, where: 'TRUE', sharded: true,
};
/** In this order in every statement, so concurrent statements lock counter rows in one order. */
const COUNTERS = [ORG_TALLY, COLLABORATOR_TALLY, PROGRESS];

/** One grouped upsert of signed deltas from the transition tables in `sources` (sign, table). */
export function upsert(c: Counter, sources: Array<[number, string]>): string {
  const keyList = c.keys.join(', ');
  const select = c.keys.map((k) => (c.expressions?.[k] ? `${c.expressions[k]} AS ${k}` : k === 'period_day' ? `${TALLY_DAY_SQL} AS period_day` : k)).join(', ');
  const parts = sources
    .map(([sign, rel]) => `SELECT ${keyList}, ${c.columns.map((col) => `${sign} * ${col} AS ${col}`).join(', ')}
        FROM (SELECT ${select}, ${c.counts} FROM ${rel} WHERE ${c.where} GROUP BY ${c.keys.map((_, i) => i + 1).join(', ')}) g`)
    .join(' UNION ALL ');
  const conflict = c.sharded ? `${keyList}, shard` : keyList;
  return `
    INSERT INTO ${c.table} (${keyList}${c.sharded ? ', shard' : ''}, ${c.columns.join(', ')})
    SELECT ${keyList}${c.sharded ? `, ${SHARD}` : ''}, ${c.columns.map((col) => `sum(${col})`).join(', ')}
      FROM (${parts}) d
     GROUP BY ${keyList}
    HAVING ${c.columns.map((col) => `sum(${col}) <> 0`).join(' OR ')}
     ORDER BY ${keyList}
    ON CONFLICT (${conflict}) DO UPDATE SET ${c.columns.map((col) => `${col} = ${c.table}.${col} + excluded.${col}`).join(', ')};`;
}

const body = (sources: Array<[number, string]>) => COUNTERS.map((c) => upsert(c, sources)).join('');

/** Adds every non-zero shard into shard 0 of the same key; rows are locked in key order. */
export function fold(c: Counter): string {
  const keyList = c.keys.join(', ');
  return `
    WITH moved AS (
      DELETE FROM ${c.table} WHERE shard <> 0
       RETURNING ${keyList}, ${c.columns.join(', ')})
    INSERT INTO ${c.table} (${keyList}, shard, ${c.columns.join(', ')})
    SELECT ${keyList}, 0, ${c.columns.map((col) => `sum(${col})`).join(', ')} FROM moved GROUP BY ${keyList} ORDER BY ${keyList}
    ON CONFLICT (${keyList}, shard) DO UPDATE SET ${c.columns.map((col) => `${col} = ${c.table}.${col} + excluded.${col}`).join(', ')};`;
}

export const TRIGGERS: Array<[string, string]> = [
  ['share_task_tally_insert', 'AFTER INSERT ON share_task REFERENCING NEW TABLE AS n'],
  ['share_task_tally_update', 'AFTER UPDATE ON share_task REFERENCING OLD TABLE AS o NEW TABLE AS n'],
  ['share_task_tally_delete', 'AFTER DELETE ON share_task REFERENCING OLD TABLE AS o'],
];

export class ShardedCounters1764300000000 implements MigrationInterface {
  name = 'ShardedCounters1764300000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['campaign_progress', 'report_org_tally']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN shard smallint NOT NULL DEFAULT 0`);
      await q.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_pkey`);
    }
    await q.query(`ALTER TABLE campaign_progress ADD PRIMARY KEY (campaign_id, organisation_id, shard)`);
    await q.query(`ALTER TABLE report_org_tally ADD PRIMARY KEY (period_day, campaign_id, organisation_id, platform, shard)`);

    await q.query(`
      CREATE FUNCTION share_task_counters_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${body([[1, 'n']])}
        ELSIF TG_OP = 'UPDATE' THEN
          ${body([[1, 'n'], [-1, 'o']])}
        ELSE
          ${body([[-1, 'o']])}
        END IF;
        RETURN NULL;
      END $$`);
    for (const [name, on] of TRIGGERS) {
      await q.query(`DROP TRIGGER ${name} ON share_task`);
      await q.query(`CREATE TRIGGER ${name} ${on} FOR EACH STATEMENT EXECUTE FUNCTION share_task_counters_apply()`);
    }
    await q.query(`DROP FUNCTION report_tally_apply()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION report_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE report_org_tally, report_collaborator_tally;
        -- DELETE, not TRUNCATE: a TRUNCATE … CASCADE from organisation already truncates it in this statement.
        DELETE FROM campaign_progress;
        RETURN NULL;
      END $$`);
    // One table per call: a fold then holds the locks of one counter table only, in its own transaction.
    await q.query(`
      CREATE FUNCTION fold_counter_shards(counter text) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        IF counter = 'report_org_tally' THEN
          ${fold(ORG_TALLY)}
        ELSIF counter = 'campaign_progress' THEN
          ${fold(PROGRESS)}
        ELSE
          RAISE EXCEPTION 'no sharded counter named %', counter;
        END IF;
      END $$`);

    // From now on the trigger keeps campaign_progress; start it from a direct count.
    await q.query(`DELETE FROM campaign_progress`);
    await q.query(`INSERT INTO campaign_progress (campaign_id, organisation_id, ${PROGRESS_COLUMNS.join(', ')})
      SELECT campaign_id, organisation_id, ${PROGRESS_COUNTS} FROM share_task GROUP BY 1, 2`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION fold_counter_shards(text)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION report_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE report_org_tally, report_collaborator_tally;
        RETURN NULL;
      END $$`);
    // Shards collapse into one row per key again.
    for (const c of [ORG_TALLY, PROGRESS]) {
      const keyList = c.keys.join(', ');
      await q.query(`CREATE TEMP TABLE folded AS
        SELECT ${keyList}, ${c.columns.map((col) => `sum(${col}) AS ${col}`).join(', ')} FROM ${c.table} GROUP BY ${keyList}`);
      await q.query(`DELETE FROM ${c.table}`);
      await q.query(`ALTER TABLE ${c.table} DROP CONSTRAINT ${c.table}_pkey`);
      await q.query(`ALTER TABLE ${c.table} DROP COLUMN shard`);
      await q.query(`INSERT INTO ${c.table} (${keyList}, ${c.columns.join(', ')}) SELECT * FROM folded`);
      await q.query(`DROP TABLE folded`);
      await q.query(`ALTER TABLE ${c.table} ADD PRIMARY KEY (${keyList})`);
    }
    await q.query(`
      CREATE FUNCTION report_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          ${applyBody([[1, 'n']])}
        ELSIF TG_OP = 'UPDATE' THEN
          ${applyBody([[1, 'n'], [-1, 'o']])}
        ELSE
          ${applyBody([[-1, 'o']])}
        END IF;
        RETURN NULL;
      END $$`);
    for (const [name, on] of TRIGGERS) {
      await q.query(`DROP TRIGGER ${name} ON share_task`);
      await q.query(`CREATE TRIGGER ${name} ${on} FOR EACH STATEMENT EXECUTE FUNCTION report_tally_apply()`);
    }
    await q.query(`DROP FUNCTION share_task_counters_apply()`);
  }
}
