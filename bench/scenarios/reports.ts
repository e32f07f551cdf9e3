import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { createApi } from '../../src/app/create-api.js';
import { createDataSource, runMigrations } from '../../src/common/database/data-source.js';
import { ensureDatabase } from '../../src/common/database/ensure-database.js';
import { TokenService } from '../../src/identity/token.service.js';
import { load, type LoadResult } from '../lib/http-load.js';
import type { BenchContext, ScenarioResult } from '../types.js';

const PREFIX = 'BRPT';
const UNITS = 73;
const PEOPLE = 4300;
const CAMPAIGNS = 40;

/**
 * `GET /reports/organisations` for the 73 units over a growing task table: first ~100k tasks
 * (the baseline), then ~1M (and ~10M at `--scale national`), same request, same run. Tasks are
 * written set-based (INSERT…SELECT), so the triggers keep the tallies as the fan-out would.
 * The year holds 40 campaigns; more tasks means more items and people per campaign, as at a
 * larger scale — the tallies grow with days × campaigns × units × platforms, not with tasks.
 */
export async function reports(ctx: BenchContext): Promise<ScenarioResult> {
  // A database of its own: other scenarios truncate share_task in the shared bench database.
  const url = new URL(String(ctx.env.DATABASE_URL));
  url.pathname = `${url.pathname}_reports`;
  await ensureDatabase(url.toString());
  const env = { ...ctx.env, DATABASE_URL: url.toString() };
  const migrator = createDataSource({ url: url.toString(), poolSize: 2, statementTimeoutMs: 0 });
  await migrator.initialize();
  await runMigrations(migrator);
  await migrator.destroy();
  const app = await createApi({ env: { ...env, LOG_LEVEL: 'warn' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  // Data generation runs minutes at 1M+ rows: its own connection, without the app's statement timeout.
  const ds: DataSource = createDataSource({ url: url.toString(), poolSize: 1, statementTimeoutMs: 0 });
  await ds.initialize();
  try {
    const { adminId, rootId } = await seed(ds);
    // The bench database is shared with other scenarios: ask for the bench's own 73 units.
    const URL_PATH = `/api/v1/reports/organisations?period=year&date=2026-06-15&kind=grassroots_committee&subtreeOf=${rootId}`;
    const token = app.get(TokenService).signAccessToken(adminId);
    const measure = () =>
      load({ url: `http://127.0.0.1:${port}${URL_PATH}`, duration: ctx.seconds, connections: 4, headers: { authorization: `Bearer ${token}` } });

    const phases: Array<{ tasks: number; tallyRows: number; insertSeconds: number; result: LoadResult }> = [];
    // REPORTS_BENCH_TASKS=100000,300000 for a quick run; the first size is the baseline.
    const targets = process.env.REPORTS_BENCH_TASKS
      ? process.env.REPORTS_BENCH_TASKS.split(',').map(Number)
      : ctx.scale === 'national' ? [100_000, 1_000_000, 10_000_000] : [100_000, 1_000_000];
    for (const target of targets) {
      const insertSeconds = await growTo(ds, target);
      const [{ tasks }] = await ds.query(`SELECT count(*)::int AS tasks FROM share_task t JOIN campaign c ON c.id = t.campaign_id WHERE c.title LIKE '${PREFIX}%'`);
      const [{ rows }] = await ds.query(`SELECT count(*)::int AS rows FROM report_org_tally`);
      await ds.query(`ANALYZE report_org_tally`);
      const result = await measure();
      if (result.non2xx || result.errors) throw new Error(`report requests failed: ${JSON.stringify(result)}`);
      phases.push({ tasks, tallyRows: rows, insertSeconds, result });
    }
    const base = phases[0]!;
    const last = phases[phases.length - 1]!;
    const ratio = last.result.p50Ms / Math.max(base.result.p50Ms, 0.001);
    return {
      name: 'reports',
      figures: { phases, request: URL_PATH },
      ratio,
      target: { description: `p50 < 50 ms at ${last.tasks} tasks and ≤ 2× the ${base.tasks}-task p50`, met: last.result.p50Ms < 50 && ratio <= 2 },
      summary: phases.map((p) => `${p.tasks} tasks: p50 ${p.result.p50Ms} ms, p99 ${p.result.p99Ms} ms, ${p.result.requestsPerSecond} req/s`).join('; ') + ` (ratio of p50, lower is better)`,
    };
  } finally {
    await app.close();
    await ds.destroy();
  }
}

/** The bench's own directory: a root, 73 units with 4 channels each, 4,300 people, 40 campaigns. */
async function seed(ds: DataSource): Promise<{ adminId: string; rootId: string }> {
  await ds.query(`DELETE FROM share_task WHERE campaign_id IN (SELECT id FROM campaign WHERE title LIKE '${PREFIX}%')`);
  await ds.query(`DELETE FROM content_item WHERE campaign_id IN (SELECT id FROM campaign WHERE title LIKE '${PREFIX}%')`);
  await ds.query(`DELETE FROM campaign WHERE title LIKE '${PREFIX}%'`);
  let [root] = await ds.query(`SELECT id FROM organisation WHERE code = '${PREFIX}-ROOT'`);
  root ??= (
    await ds.query(
      `INSERT INTO organisation (id, code, name, kind, ancestors, depth, is_demo)
       SELECT g, '${PREFIX}-ROOT', 'Đảng bộ Khối (bench)', 'bloc_committee', ARRAY[g], 0, true FROM gen_random_uuid() g RETURNING id`,
    )
  )[0];
  const [{ units }] = await ds.query(`SELECT count(*)::int AS units FROM organisation WHERE code LIKE '${PREFIX}-U%'`);
  if (units === 0) {
    await ds.query(
      `INSERT INTO organisation (id, code, name, kind, parent_id, ancestors, depth, is_demo)
       SELECT g, '${PREFIX}-U' || lpad(n::text, 2, '0'), 'Đảng bộ cơ sở số ' || n, 'grassroots_committee', $1, ARRAY[$1::uuid, g], 1, true
         FROM (SELECT n, gen_random_uuid() AS g FROM generate_series(1, ${UNITS}) n) s`,
      [root.id],
    );
    await ds.query(
      `INSERT INTO collaborator (code, organisation_id, full_name, is_demo)
       SELECT '${PREFIX}-P' || n, u.id, 'Cộng tác viên ' || n, true
         FROM generate_series(1, ${PEOPLE}) n
         JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS k FROM organisation WHERE code LIKE '${PREFIX}-U%') u ON u.k = n % ${UNITS}`,
    );
    await ds.query(
      `INSERT INTO channel (code, organisation_id, platform, name, url, audience_size, is_demo)
       SELECT '${PREFIX}-C' || u.code || '-' || n, u.id, 'facebook_page', 'Fanpage ' || u.name || ' ' || n,
              'https://facebook.com/bench' || lower(u.code) || n, 500, true
         FROM organisation u, generate_series(1, 4) n WHERE u.code LIKE '${PREFIX}-U%'`,
    );
  }
  await ds.query(
    `INSERT INTO campaign (title, deadline, status, is_demo)
     SELECT '${PREFIX} đợt ' || n, timestamptz '2026-01-05 10:00+07' + (n * 9) * interval '1 day', 'active', true
       FROM generate_series(1, ${CAMPAIGNS}) n`,
  );
  let [admin] = await ds.query(`SELECT id FROM app_user WHERE login = 'bench-reports-admin'`);
  admin ??= (await ds.query(`INSERT INTO app_user (login, password_hash, role) VALUES ('bench-reports-admin', 'x', 'admin') RETURNING id`))[0];
  return { adminId: admin.id, rootId: root.id };
}

/**
 * Adds items (each fanned out to people of the bench units) until about `target` tasks exist:
 * one INSERT…SELECT per batch of items, states drawn at random (55% done, some late, 10%
 * unable, 10% expired, the rest pending).
 */
async function growTo(ds: DataSource, target: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const [{ tasks }] = await ds.query(`SELECT count(*)::int AS tasks FROM share_task t JOIN campaign c ON c.id = t.campaign_id WHERE c.title LIKE '${PREFIX}%'`);
    const missing = target - tasks;
    if (missing < target * 0.05) break;
    // People per item: 2,500 for the baseline, everyone afterwards; at most ~1M rows per statement.
    const people = tasks === 0 ? Math.min(PEOPLE, Math.ceil(missing / CAMPAIGNS)) : PEOPLE;
    const itemsPerCampaign = Math.max(1, Math.min(Math.round(missing / (CAMPAIGNS * people)), Math.floor(1_000_000 / (CAMPAIGNS * people))));
    await ds.query(
      `INSERT INTO content_item (campaign_id, title, url, position)
       SELECT c.id, 'Tin bài ' || n, 'https://baophuyen.vn/bench/' || c.id || '/' || n || '-' || (extract(epoch FROM clock_timestamp()) * 1000)::bigint, n
         FROM campaign c, generate_series(1, ${itemsPerCampaign}) n WHERE c.title LIKE '${PREFIX}%'`,
    );
    await ds.query(
      `INSERT INTO share_task (campaign_id, item_id, organisation_id, platform, collaborator_id, deadline, status, completed_at, late, completed_by_collaborator_id)
       SELECT i.campaign_id, i.id, p.organisation_id, 'facebook_group', p.id, k.deadline, s.status,
              CASE WHEN s.status = 'done' THEN k.deadline + (s.r - 0.4) * interval '2 days' END,
              s.status = 'done' AND s.r > 0.4, CASE WHEN s.status = 'done' THEN p.id END
         FROM content_item i
         JOIN campaign k ON k.id = i.campaign_id AND k.title LIKE '${PREFIX}%'
         CROSS JOIN (SELECT id, organisation_id FROM collaborator WHERE code LIKE '${PREFIX}-P%' ORDER BY code LIMIT ${people}) p
         CROSS JOIN LATERAL (SELECT r, CASE WHEN r < 0.55 THEN 'done' WHEN r < 0.65 THEN 'unable' WHEN r < 0.75 THEN 'expired' ELSE 'pending' END AS status
                               FROM (SELECT random() + 0 * length(p.id::text) AS r) x) s
        WHERE NOT EXISTS (SELECT 1 FROM share_task t WHERE t.item_id = i.id)`,
    );
  }
  return Math.round((Date.now() - started) / 100) / 10;
}
