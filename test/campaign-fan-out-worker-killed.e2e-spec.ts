import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBenchDirectory } from '../bench/lib/campaign-data.js';
import { CampaignService } from '../src/campaigns/campaign.service.js';
import { ReportConsistencyService } from '../src/reports/report-consistency.service.js';
import { createDraftCampaign } from './support/campaign-world.js';
import { createUser, type TestUser } from './support/fixtures.js';
import { databaseUrl } from './support/postgres.js';
import { type SpawnedService, spawnService } from './support/spawn-service.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';

const ITEMS = 4;
const MEMBERS = 25_000;
const CHUNK_ORGANISATIONS = 10;

/**
 * A real worker process (the built dist) fans out a campaign of 100,000 tasks in chunks and is
 * killed with SIGKILL after some chunks have committed; a new worker process takes the job back
 * (its lock lapses, QUEUE_LOCK_MS) and finishes: exact count, no duplicates, counters exact.
 *
 * "Half-way" is a condition, not a sleep: a test transaction holds an uncommitted task of an
 * organisation in the middle of the fan-out order, so the chunk that reaches it waits on that
 * row's lock — the worker is seen waiting in pg_stat_activity with earlier chunks committed.
 */
describe('a worker killed with SIGKILL half-way through a large fan-out', () => {
  let ctx: TestContext;
  let admin: TestUser;
  let rootId: string;
  const workers: SpawnedService[] = [];

  beforeAll(async () => {
    // The API in this process (launch); the workers are separate processes.
    ctx = await createTestContext({ env: { FANOUT_CHUNK_ORGANISATIONS: String(CHUNK_ORGANISATIONS) } });
    admin = await createUser(ctx, { role: 'admin' });
    ({ rootId } = await seedBenchDirectory(ctx.dataSource, { units: 100, cellsPerUnit: 1, collaborators: MEMBERS, channels: 0 }));
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await ctx?.close();
  });

  const workerEnv = () => ({ ...ctx.env, FANOUT_CHUNK_ORGANISATIONS: String(CHUNK_ORGANISATIONS), QUEUE_LOCK_MS: '2000', OUTBOX_POLL_MS: '50', LOG_LEVEL: 'warn' });
  const count = async (campaignId: string) => Number((await ctx.dataSource.query(`SELECT count(*)::int AS n FROM share_task WHERE campaign_id = $1`, [campaignId]))[0].n);

  it('a new worker finishes it: exact count, no duplicates, progress and tallies equal a direct count', { timeout: 300_000 }, async () => {
    const campaignId = await createDraftCampaign(ctx, admin.headers, {
      targets: { organisationIds: [rootId], includeSubtree: true, platforms: [], personalShares: true },
      items: ITEMS,
    });
    const [{ people }] = await ctx.dataSource.query(
      `SELECT count(*)::int AS people FROM collaborator WHERE active AND organisation_id IN (SELECT id FROM organisation WHERE ancestors @> ARRAY[$1::uuid])`,
      [rootId],
    );
    const expected = people * ITEMS;
    expect(expected).toBeGreaterThanOrEqual(100_000);

    // The blocker: one task of an organisation in the middle of the fan-out order, uncommitted.
    const blocker = new pg.Client({ connectionString: databaseUrl(ctx.dbName) });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(
      `WITH o AS (SELECT id FROM organisation WHERE ancestors @> ARRAY[$2::uuid] ORDER BY id OFFSET 100 LIMIT 1)
       INSERT INTO share_task (campaign_id, item_id, organisation_id, platform, collaborator_id, deadline)
       SELECT k.id, i.id, c.organisation_id, 'personal', c.id, k.deadline
         FROM campaign k JOIN content_item i ON i.campaign_id = k.id
         JOIN collaborator c ON c.organisation_id = (SELECT id FROM o)
        WHERE k.id = $1 ORDER BY i.position, c.id LIMIT 1`,
      [campaignId, rootId],
    );

    const launched = await ctx.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/launch`, headers: admin.headers });
    expect(launched.statusCode, launched.body).toBe(202);
    const first = await spawnService('worker', workerEnv());
    workers.push(first);

    const watcher = new pg.Client({ connectionString: databaseUrl(ctx.dbName) });
    await watcher.connect();
    await waitFor(
      async () => {
        const { rowCount } = await watcher.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'outreach-worker' AND wait_event_type = 'Lock'`,
        );
        return rowCount ? true : null;
      },
      { timeoutMs: 120_000, intervalMs: 20, what: `the fan-out to reach the held organisation\n${first.output()}` },
    );
    await watcher.end();
    const before = await count(campaignId);
    // Some chunks committed, not all.
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(expected);

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await blocker.query('ROLLBACK');
    await blocker.end();

    const second = await spawnService('worker', workerEnv());
    workers.push(second);
    await waitFor(
      async () => {
        const [row] = await ctx.dataSource.query(`SELECT fanned_out_at FROM campaign WHERE id = $1`, [campaignId]);
        return row.fanned_out_at ? true : null;
      },
      { timeoutMs: 180_000, intervalMs: 100, what: `the new worker to finish the fan-out\n${second.output()}` },
    );

    expect(await count(campaignId)).toBe(expected);
    const [{ duplicates }] = await ctx.dataSource.query(
      `SELECT count(*)::int AS duplicates FROM (SELECT 1 FROM share_task WHERE campaign_id = $1 GROUP BY item_id, collaborator_id HAVING count(*) > 1) d`,
      [campaignId],
    );
    expect(duplicates).toBe(0);
    expect(await ctx.app.get(CampaignService).checkProgress(campaignId)).toEqual([]);
    const progress = await ctx.app.inject({ method: 'GET', url: `/api/v1/campaigns/${campaignId}/progress`, headers: admin.headers });
    expect(progress.json()).toMatchObject({ total: expected, pending: expected, done: 0 });
    expect((await ctx.app.get(ReportConsistencyService).check()).consistent).toBe(true);

    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });
});
