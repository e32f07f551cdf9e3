import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TALLY_COLUMNS, TALLY_COUNTS_SQL, TALLY_DAY_SQL } from './1764180000000-ReportTallies.js';
import { COLLABORATOR_TALLY, type Counter, fold, ORG_TALLY, PROGRESS, upsert } from './1764300000000-ShardedCounters.js';

/**
 * Two rollups of the report tallies, for the reports that sum many days:
 *
 * - report_org_month: the organisation tallies by calendar month (of the deadline's local day)
 *   without the campaign and platform dimensions, one row per (organisation, month). The
 *   organisation report (and the board, and one unit's totals) sums a unit's figures over a period
 *   and the one before: report_org_tally holds campaigns × platforms rows per unit and day
 *   (≈ 38k rows for the province's two years of campaigns), this table 12 a year per unit
 *   (≈ 3.5k) whatever the number of campaigns, platforms, days or tasks. Whole months are read
 *   here, the days of a partly covered month from report_org_tally.
 * - report_collaborator_month: the per-person tallies by calendar month (of the deadline's local
 *   day) without campaign, platform and organisation. The per-collaborator report (and its
 *   export) reads whole months here and only the days of a partly covered month from
 *   report_collaborator_tally: one row per person and month instead of one per person and
 *   campaign (≈ 4× fewer at four campaigns a month).
 *
 * Kept by the same statement-level triggers on share_task, in the same statement as the other
 * counters (one more grouped upsert each), so they equal a direct count whatever code path
 * changed a task. Both sharded like report_org_tally and folded by the worker with the others
 * (fold_counter_shards): every completion in a unit adds to the same (unit, month) row, and
 * concurrent fan-outs of different campaigns to the same people add to the same (person, month)
 * rows, which would otherwise wait for each other's commits. Room on each page and early
 * autovacuum as for the other tallies (ReportTallyStorage).
 */
/** The first day of the calendar month of a task's deadline, local time (as period_day). */
export const TALLY_MONTH_SQL = `date_trunc('month', ${TALLY_DAY_SQL})::date`;
export const ORG_MONTH: Counter = {
  table: 'report_org_month', keys: ['organisation_id', 'period_month'],
  columns: TALLY_COLUMNS, counts: TALLY_COUNTS_SQL, where: 'TRUE', sharded: true,
  expressions: { period_month: TALLY_MONTH_SQL },
};
export const COLLABORATOR_MONTH: Counter = {
  table: 'report_collaborator_month', keys: ['collaborator_id', 'period_month'],
  columns: TALLY_COLUMNS, counts: TALLY_COUNTS_SQL, where: 'collaborator_id IS NOT NULL', sharded: true,
  expressions: { period_month: TALLY_MONTH_SQL },
};

/** Lock order of the counter rows in every statement: the previous order with each rollup after its source. */
const WITH_ROLLUPS = [ORG_TALLY, ORG_MONTH, COLLABORATOR_TALLY, COLLABORATOR_MONTH, PROGRESS];
const WITHOUT_ROLLUPS = [ORG_TALLY, COLLABORATOR_TALLY, PROGRESS];
const STORAGE = 'fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 500, autovacuum_analyze_scale_factor = 0.05';
const COUNT_COLUMNS = TALLY_COLUMNS.map((c) => `${c} bigint NOT NULL DEFAULT 0`).join(',\n        ');
const SUMS = TALLY_COLUMNS.map((c) => `sum(${c})`).join(', ');
const NON_ZERO = TALLY_COLUMNS.map((c) => `sum(${c}) <> 0`).join(' OR ');

function applyFunction(counters: Counter[]): string {
  const body = (sources: Array<[number, string]>) => counters.map((c) => upsert(c, sources)).join('');
  return `
    CREATE OR REPLACE FUNCTION share_task_counters_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        ${body([[1, 'n']])}
      ELSIF TG_OP = 'UPDATE' THEN
        ${body([[1, 'n'], [-1, 'o']])}
      ELSE
        ${body([[-1, 'o']])}
      END IF;
      RETURN NULL;
    END $$`;
}

function foldFunction(counters: Counter[]): string {
  const branches = counters
    .filter((c) => c.sharded)
    .map((c, i) => `${i === 0 ? 'IF' : 'ELSIF'} counter = '${c.table}' THEN ${fold(c)}`)
    .join('\n');
  return `
    CREATE OR REPLACE FUNCTION fold_counter_shards(counter text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      ${branches}
      ELSE
        RAISE EXCEPTION 'no sharded counter named %', counter;
      END IF;
    END $$`;
}

function truncateFunction(tables: string[]): string {
  return `
    CREATE OR REPLACE FUNCTION report_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE ${tables.join(', ')};
      -- DELETE, not TRUNCATE: a TRUNCATE … CASCADE from organisation already truncates it in this statement.
      DELETE FROM campaign_progress;
      RETURN NULL;
    END $$`;
}

export class ReportRollups1764500000001 implements MigrationInterface {
  name = 'ReportRollups1764500000001';

  async up(q: QueryRunner): Promise<void> {
    // No task write between the fill below and the new trigger body (this transaction holds the lock).
    await q.query(`LOCK TABLE share_task IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(`
      CREATE TABLE report_org_month (
        organisation_id uuid NOT NULL,
        period_month date NOT NULL CHECK (extract(day FROM period_month) = 1),
        shard smallint NOT NULL DEFAULT 0,
        ${COUNT_COLUMNS},
        PRIMARY KEY (organisation_id, period_month, shard)
      ) WITH (${STORAGE})`);
    await q.query(`
      CREATE TABLE report_collaborator_month (
        collaborator_id uuid NOT NULL,
        period_month date NOT NULL CHECK (extract(day FROM period_month) = 1),
        shard smallint NOT NULL DEFAULT 0,
        ${COUNT_COLUMNS},
        PRIMARY KEY (collaborator_id, period_month, shard)
      ) WITH (${STORAGE})`);
    // Existing tasks: from the tallies the same triggers keep (summed over the dropped dimensions and shards).
    await q.query(`
      INSERT INTO report_org_month (organisation_id, period_month, ${TALLY_COLUMNS.join(', ')})
      SELECT organisation_id, date_trunc('month', period_day)::date, ${SUMS} FROM report_org_tally GROUP BY 1, 2 HAVING ${NON_ZERO}`);
    await q.query(`
      INSERT INTO report_collaborator_month (collaborator_id, period_month, ${TALLY_COLUMNS.join(', ')})
      SELECT collaborator_id, date_trunc('month', period_day)::date, ${SUMS} FROM report_collaborator_tally GROUP BY 1, 2 HAVING ${NON_ZERO}`);
    await q.query(applyFunction(WITH_ROLLUPS));
    await q.query(foldFunction(WITH_ROLLUPS));
    await q.query(truncateFunction(['report_org_tally', 'report_org_month', 'report_collaborator_tally', 'report_collaborator_month']));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(applyFunction(WITHOUT_ROLLUPS));
    await q.query(foldFunction(WITHOUT_ROLLUPS));
    await q.query(truncateFunction(['report_org_tally', 'report_collaborator_tally']));
    await q.query(`DROP TABLE report_collaborator_month`);
    await q.query(`DROP TABLE report_org_month`);
  }
}
