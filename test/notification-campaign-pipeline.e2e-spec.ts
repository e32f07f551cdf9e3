import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignPipelineService } from '../src/campaigns/fan-out.processor.js';
import { NotificationService } from '../src/notifications/notification.service.js';
import { type CampaignWorld, createCampaignWorld, createDraftCampaign } from './support/campaign-world.js';
import { completeTask } from './support/report-fixtures.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';

/**
 * The notifications follow the real campaign pipeline (routes and worker jobs, not direct calls):
 * a launch's fan-out, a reopened task, a reminder run, closing the campaign.
 */
describe('notifications along the campaign pipeline', () => {
  let ctx: TestContext;
  let worker: INestApplicationContext;
  let w: CampaignWorld;
  let campaignId: string;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { OUTBOX_POLL_MS: '50', QUIET_HOURS: '' } });
    w = await createCampaignWorld(ctx);
    worker = await ctx.startWorker();
  });
  afterAll(async () => ctx?.close());

  const inbox = async (headers: Record<string, string>, event: string) =>
    ((await ctx.app.inject({ method: 'GET', url: '/api/v1/me/notifications?limit=100', headers })).json().items as Array<{ event: string; body: string; data: Record<string, unknown> }>)
      .filter((i) => i.event === event && i.data.campaignId === campaignId);
  const digests = (): Promise<Array<{ collaborator_id: string; count: number }>> =>
    ctx.dataSource.query(
      `SELECT collaborator_id, (data->>'count')::int AS count FROM notification
        WHERE event = 'tasks.assigned' AND channel = 'in_app' AND data->>'campaignId' = $1 ORDER BY count DESC`,
      [campaignId],
    );

  it('a launch gives each assignee one digest of all their tasks, written by the fan-out', async () => {
    campaignId = await createDraftCampaign(ctx, w.admin.headers, {
      targets: { organisationIds: [w.unitA.id], platforms: ['facebook_page', 'zalo_group'], personalShares: true, collaboratorTags: ['party_member'] },
    });
    const launched = await ctx.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/launch`, headers: w.admin.headers });
    expect(launched.statusCode, launched.body).toBe(202);
    // personA: fanpage ×2, the cell's Zalo group (co-admin) ×2, personal ×2; personCellA: group ×2, personal ×2
    const rows = await waitFor(async () => ((await digests()).length === 2 ? digests() : null), { timeoutMs: 30_000, what: 'digests after the fan-out' });
    expect(rows).toEqual([
      { collaborator_id: w.personA.id, count: 6 },
      { collaborator_id: w.personCellA.id, count: 4 },
    ]);
    const mine = await inbox(w.collaboratorA.headers, 'tasks.assigned');
    expect(mine).toHaveLength(1);
    // the fan-out run again (a retried job) adds no digest
    await worker.get(CampaignPipelineService).fanOut(campaignId);
    expect(await digests()).toHaveLength(2);
  });

  it('reopening a done task tells its assignee, with the reason', async () => {
    const [task] = await ctx.dataSource.query(`SELECT id::text FROM share_task WHERE campaign_id = $1 AND collaborator_id = $2 ORDER BY id LIMIT 1`, [campaignId, w.personA.id]);
    await completeTask(ctx.dataSource, task.id, new Date(), w.personA.id);
    const reopened = await ctx.app.inject({ method: 'POST', url: `/api/v1/tasks/${task.id}/reopen`, headers: w.secretaryA.headers, payload: { reason: 'Bài chia sẻ đã bị xoá' } });
    expect(reopened.statusCode, reopened.body).toBe(200);
    const notices = await inbox(w.collaboratorA.headers, 'task.reopened');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.body).toContain('Bài chia sẻ đã bị xoá');
  });

  it('a reminder run reaches only people with tasks still open', async () => {
    // personCellA finishes everything; personA still has open tasks
    const cellTasks: Array<{ id: string }> = await ctx.dataSource.query(
      `SELECT t.id::text FROM share_task t WHERE t.campaign_id = $1 AND t.status = 'pending'
          AND (t.collaborator_id = $2 OR t.channel_id = $3)`,
      [campaignId, w.personCellA.id, w.zaloCellA.id],
    );
    for (const t of cellTasks) await completeTask(ctx.dataSource, t.id, new Date(), w.personCellA.id);
    const [{ deadline }] = await ctx.dataSource.query(`SELECT deadline FROM campaign WHERE id = $1`, [campaignId]);
    // the campaigns feature's reminder job at deadline − 24 h (REMINDER_OFFSETS default)
    expect(await worker.get(CampaignPipelineService).remind(campaignId, new Date(new Date(deadline).getTime() - 86_400_000))).toBe(true);
    await ctx.app.get(NotificationService).runScheduled();
    const reminded: Array<{ collaborator_id: string }> = await ctx.dataSource.query(
      `SELECT collaborator_id FROM notification WHERE event = 'tasks.reminder' AND channel = 'in_app' AND data->>'campaignId' = $1`,
      [campaignId],
    );
    expect(reminded.map((r) => r.collaborator_id)).toEqual([w.personA.id]);
  });

  it('closing the campaign sends the admins its summary', async () => {
    const closed = await ctx.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/close`, headers: w.admin.headers });
    expect(closed.statusCode, closed.body).toBeLessThan(300);
    const summary = await waitFor(async () => (await inbox(w.admin.headers, 'campaign.closed'))[0], { what: 'the closing summary' });
    expect(summary.data).toMatchObject({ total: 8 });
    expect(await inbox(w.secretaryA.headers, 'campaign.closed')).toHaveLength(0);
  });
});
