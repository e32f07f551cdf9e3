import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Report aggregates kept right by Postgres itself: statement-level triggers on share_task with
 * transition tables apply one grouped delta per statement, so a fan-out INSERT…SELECT of a million
 * rows costs one grouped upsert, and a single complete costs a two-row one — in the same
 * transaction as the change, whatever code path made it.
 *
 * Attribution (see README, Reports): a task belongs to the day (Asia/Ho_Chi_Minh) containing its
 * deadline. `done` counts only completions the review allows (review_status not_required or
 * approved); a done task still awaiting review (or rejected but not yet returned) is
 * `awaiting_review`. On time = completed_at <= deadline; a done task without completed_at is late.
 *
 * Two tables: report_org_tally (no person dimension: the organisation, campaign and board reports
 * sum a few rows per unit) and report_collaborator_tally (personal-share tasks only).
 */
const COUNTS = `
  count(*) AS assigned,
  count(*) FILTER (WHERE status = 'pending') AS pending,
  count(*) FILTER (WHERE status = 'done' AND review_status IN ('not_required','approved') AND completed_at <= deadline) AS done_on_time,
  count(*) FILTER (WHERE status = 'done' AND review_status IN ('not_required','approved') AND (completed_at <= deadline) IS NOT TRUE) AS done_late,
  count(*) FILTER (WHERE status = 'done' AND review_status NOT IN ('not_required','approved')) AS awaiting_review,
  count(*) FILTER (WHERE status = 'unable') AS unable,
  count(*) FILTER (WHERE status = 'expired') AS expired`;

const COLUMNS = ['assigned', 'pending', 'done_on_time', 'done_late', 'awaiting_review', 'unable', 'expired'];
const DAY = `(deadline AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`;

/** One grouped upsert of signed deltas from the transition tables named in `sources` (sign, table). */
function upsert(table: string, keys: string[], sources: Array<[number, string]>, where = 'TRUE'): string {
  const keyList = keys.join(', ');
  const parts = sources
    .map(([sign, rel]) => `SELECT ${keyList}, ${COLUMNS.map((c) => `${sign} * ${c} AS ${c}`).join(', ')}
        FROM (SELECT ${keys.map((k) => (k === 'period_day' ? `${DAY} AS period_day` : k)).join(', ')}, ${COUNTS}
                FROM ${rel} WHERE ${where} GROUP BY 1${keys.slice(1).map((_, i) => `, ${i + 2}`).join('')}) g`)
    .join(' UNION ALL ');
  return `
    INSERT INTO ${table} (${keyList}, ${COLUMNS.join(', ')})
    SELECT ${keyList}, ${COLUMNS.map((c) => `sum(${c})`).join(', ')}
      FROM (${parts}) d
     GROUP BY ${keyList}
    HAVING ${COLUMNS.map((c) => `sum(${c}) <> 0`).join(' OR ')}
     ORDER BY ${keyList}
    ON CONFLICT (${keyList}) DO UPDATE SET ${COLUMNS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')};`;
}

const ORG_KEYS = ['period_day', 'campaign_id', 'organisation_id', 'platform'];
const PERSON_KEYS = ['period_day', 'campaign_id', 'organisation_id', 'collaborator_id', 'platform'];

export function applyBody(sources: Array<[number, string]>): string {
  return upsert('report_org_tally', ORG_KEYS, sources) + upsert('report_collaborator_tally', PERSON_KEYS, sources, 'collaborator_id IS NOT NULL');
}

const tallyColumns = COLUMNS.map((c) => `${c} bigint NOT NULL DEFAULT 0`).join(',\n        ');

export class ReportTallies1764180000000 implements MigrationInterface {
  name = 'ReportTallies1764180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_org_tally (
        period_day date NOT NULL,
        campaign_id uuid NOT NULL,
        organisation_id uuid NOT NULL,
        platform text NOT NULL,
        ${tallyColumns},
        PRIMARY KEY (period_day, campaign_id, organisation_id, platform)
      )`);
    await q.query(`CREATE INDEX report_org_tally_campaign_idx ON report_org_tally (campaign_id, organisation_id)`);
    await q.query(`
      CREATE TABLE report_collaborator_tally (
        period_day date NOT NULL,
        campaign_id uuid NOT NULL,
        organisation_id uuid NOT NULL,
        collaborator_id uuid NOT NULL,
        platform text NOT NULL,
        ${tallyColumns},
        PRIMARY KEY (period_day, campaign_id, organisation_id, collaborator_id, platform)
      )`);
    await q.query(`CREATE INDEX report_collaborator_tally_person_idx ON report_collaborator_tally (collaborator_id, period_day)`);
    await q.query(`CREATE INDEX report_collaborator_tally_org_idx ON report_collaborator_tally (organisation_id, period_day)`);

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
    await q.query(`CREATE TRIGGER share_task_tally_insert AFTER INSERT ON share_task REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION report_tally_apply()`);
    await q.query(`CREATE TRIGGER share_task_tally_update AFTER UPDATE ON share_task REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION report_tally_apply()`);
    await q.query(`CREATE TRIGGER share_task_tally_delete AFTER DELETE ON share_task REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION report_tally_apply()`);
    await q.query(`
      CREATE FUNCTION report_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        TRUNCATE report_org_tally, report_collaborator_tally;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER share_task_tally_truncate AFTER TRUNCATE ON share_task FOR EACH STATEMENT EXECUTE FUNCTION report_tally_truncate()`);
    // Last activity per person, for the collaborator report.
    await q.query(`CREATE INDEX share_task_completed_by_idx ON share_task (completed_by_collaborator_id, completed_at) WHERE completed_by_collaborator_id IS NOT NULL`);
    // Tasks existing before this migration.
    await q.query(`INSERT INTO report_org_tally (${ORG_KEYS.join(', ')}, ${COLUMNS.join(', ')})
      SELECT ${DAY}, campaign_id, organisation_id, platform, ${COUNTS} FROM share_task GROUP BY 1, 2, 3, 4`);
    await q.query(`INSERT INTO report_collaborator_tally (${PERSON_KEYS.join(', ')}, ${COLUMNS.join(', ')})
      SELECT ${DAY}, campaign_id, organisation_id, collaborator_id, platform, ${COUNTS} FROM share_task WHERE collaborator_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5`);

    await q.query(`
      CREATE TABLE report_export (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        requested_by uuid NOT NULL REFERENCES app_user(id),
        report text NOT NULL,
        format text NOT NULL CHECK (format IN ('xlsx','csv','pdf')),
        filters jsonb NOT NULL DEFAULT '{}'::jsonb,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','ready','failed','expired')),
        file_name text,
        storage_path text,
        byte_size bigint,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        expires_at timestamptz
      )`);
    await q.query(`CREATE INDEX report_export_expiry_idx ON report_export (expires_at) WHERE status = 'ready'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE report_export`);
    await q.query(`DROP INDEX share_task_completed_by_idx`);
    await q.query(`DROP TRIGGER share_task_tally_truncate ON share_task`);
    await q.query(`DROP TRIGGER share_task_tally_delete ON share_task`);
    await q.query(`DROP TRIGGER share_task_tally_update ON share_task`);
    await q.query(`DROP TRIGGER share_task_tally_insert ON share_task`);
    await q.query(`DROP FUNCTION report_tally_truncate()`);
    await q.query(`DROP FUNCTION report_tally_apply()`);
    await q.query(`DROP TABLE report_collaborator_tally`);
    await q.query(`DROP TABLE report_org_tally`);
  }
}

/** The counting expressions, shared with the consistency check so both count the same way. */
export const TALLY_COUNTS_SQL = COUNTS;
export const TALLY_COLUMNS = COLUMNS;
export const TALLY_DAY_SQL = DAY;
