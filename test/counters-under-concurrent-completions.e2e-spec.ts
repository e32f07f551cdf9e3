import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignService } from '../src/campaigns/campaign.service.js';
import { CounterFoldingService } from '../src/campaigns/counter-folding.service.js';
import { CampaignPipelineService } from '../src/campaigns/fan-out.processor.js';
import { ReportConsistencyService } from '../src/reports/report-consistency.service.js';
import { type CampaignWorld, createCampaignWorld, createDraftCampaign } from './support/campaign-world.js';
import { createCollaborator, createUser, type TestUser } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

const PEOPLE = 12;
const ITEMS = 4;

/**
 * Everyone of one unit completing at once: every completion adds to the same (campaign,
 * organisation) counters. The counters stay exact (progress, report tallies), spread over shard
 * rows while it happens, and folding them back changes no figure.
 */
describe('counters while many members of one unit complete at once', () => {
  let ctx: TestContext;
  let w: CampaignWorld;
  let members: TestUser[];
  let campaignId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    w = await createCampaignWorld(ctx);
    members = [];
    for (let n = 0; n < PEOPLE; n++) {
      const person = await createCollaborator(ctx.dataSource, { organisationId: w.unitB.id });
      members.push(await createUser(ctx, { role: 'collaborator', collaboratorId: person.id }));
    }
    campaignId = await createDraftCampaign(ctx, w.admin.headers, { targets: { organisationIds: [w.unitB.id], includeSubtree: false, platforms: [], personalShares: true }, items: ITEMS });
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/launch`, headers: w.admin.headers })).statusCode).toBe(202);
    await ctx.app.get(CampaignPipelineService).fanOut(campaignId);
  });
  afterAll(async () => ctx?.close());

  it('progress and report tallies equal a direct count; folding the shards keeps every figure', async () => {
    const tasks: Array<{ id: string; user: TestUser }> = [];
    for (const user of members) {
      const [me] = await ctx.dataSource.query(`SELECT collaborator_id FROM app_user WHERE id = $1`, [user.id]);
      const rows: Array<{ id: string }> = await ctx.dataSource.query(
        `SELECT id::text FROM share_task WHERE campaign_id = $1 AND collaborator_id = $2 ORDER BY id LIMIT 3`,
        [campaignId, me.collaborator_id],
      );
      for (const r of rows) tasks.push({ id: r.id, user });
    }
    const answers = await Promise.all(tasks.map((t, n) => ctx.app.inject({
      method: 'POST',
      url: `/api/v1/tasks/${t.id}/complete`,
      headers: { ...t.user.headers, 'idempotency-key': `k-${n}` },
      payload: { proofUrl: `https://www.facebook.com/member${n}/posts/${n}001` },
    })));
    expect(answers.map((a) => a.statusCode)).toEqual(tasks.map(() => 200));

    const progress = async () => (await ctx.app.inject({ method: 'GET', url: `/api/v1/campaigns/${campaignId}/progress`, headers: w.admin.headers })).json();
    const before = await progress();
    expect(before).toMatchObject({ total: (PEOPLE + 1) * ITEMS, done: tasks.length, pending: (PEOPLE + 1) * ITEMS - tasks.length });
    expect(await ctx.app.get(CampaignService).checkProgress(campaignId)).toEqual([]);
    expect((await ctx.app.get(ReportConsistencyService).check()).consistent).toBe(true);
    const rowsPerKey = async () => (await ctx.dataSource.query(
      `SELECT max(n)::int AS n FROM (SELECT count(*) AS n FROM campaign_progress WHERE campaign_id = $1 GROUP BY organisation_id) k`, [campaignId],
    ))[0].n as number;
    // The fan-out wrote one row; the completions, in their own transactions, add shard rows.
    expect(await rowsPerKey()).toBeGreaterThan(1);

    await ctx.app.get(CounterFoldingService).fold();
    expect(await rowsPerKey()).toBe(1);
    const [{ n: shardedTallies }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM report_org_tally WHERE shard <> 0`);
    expect(shardedTallies).toBe(0);
    expect(await progress()).toEqual(before);
    expect(await ctx.app.get(CampaignService).checkProgress(campaignId)).toEqual([]);
    expect((await ctx.app.get(ReportConsistencyService).check()).consistent).toBe(true);
  });
});
