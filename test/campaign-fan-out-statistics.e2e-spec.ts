import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignPipelineService } from '../src/campaigns/fan-out.processor.js';
import { type CampaignWorld, createCampaignWorld, createDraftCampaign, taskCount } from './support/campaign-world.js';
import { createTestContext, type TestContext } from './support/test-app.js';

/**
 * A large fan-out leaves the planner's statistics of share_task behind (autovacuum analyses at 10%
 * growth), and the launch digests written right after it were planned for a handful of rows: nested
 * loops over millions (the 5M-task digest ran for over ten minutes). A fan-out of
 * FANOUT_ANALYZE_MIN_TASKS+ tasks (10,000 here) refreshes the statistics first, so the planner sees
 * the campaign's real size.
 */
describe('fan-out statistics', () => {
  let ctx: TestContext;
  let w: CampaignWorld;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { FANOUT_ANALYZE_MIN_TASKS: '10000' } });
    w = await createCampaignWorld(ctx);
    await ctx.dataSource.query(
      `INSERT INTO collaborator (code, organisation_id, full_name, tags, active)
       SELECT 'STATS-' || n, $1, 'Cộng tác viên ' || n, ARRAY['party_member'], true FROM generate_series(1, 2000) n`,
      [w.unitB.id],
    );
  });
  afterAll(async () => ctx?.close());

  it('after a fan-out of 10,000+ tasks the planner estimates the campaign at its real size', async () => {
    const id = await createDraftCampaign(ctx, w.admin.headers, { targets: { personalShares: true, platforms: [] }, items: 5 });
    await ctx.dataSource.query(`UPDATE campaign SET status = 'active', launched_at = now() WHERE id = $1`, [id]);
    const created = await ctx.app.get(CampaignPipelineService).fanOut(id);
    expect(created).toBeGreaterThanOrEqual(10_000);
    expect(await taskCount(ctx, id)).toBe(created);
    const [{ 'QUERY PLAN': plan }] = await ctx.dataSource.query(`EXPLAIN (FORMAT JSON) SELECT id FROM share_task WHERE campaign_id = '${id}'`);
    const estimated = (plan as Array<{ Plan: { 'Plan Rows': number } }>)[0]!.Plan['Plan Rows'];
    expect(estimated).toBeGreaterThan(created / 2);
    expect(estimated).toBeLessThan(created * 2);
    // The digests were written by the same fan-out, one per person.
    const [{ digests }] = await ctx.dataSource.query(`SELECT count(*)::int AS digests FROM notification WHERE event = 'tasks.assigned' AND channel = 'in_app' AND data->>'campaignId' = $1`, [id]);
    expect(digests).toBe(created / 5);
  });
});
