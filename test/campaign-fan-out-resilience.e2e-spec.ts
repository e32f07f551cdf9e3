import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignService } from '../src/campaigns/campaign.service.js';
import { CampaignPipelineService } from '../src/campaigns/fan-out.processor.js';
import { OutboxRelayService } from '../src/outbox/outbox-relay.service.js';
import { outboxJobId } from '../src/outbox/outbox.service.js';
import { type JobName, QueueName } from '../src/common/queue/queue.constants.js';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { type CampaignWorld, createCampaignWorld, createDraftCampaign, inHours, taskCount } from './support/campaign-world.js';
import { createCollaborator } from './support/fixtures.js';
import { clearRedisPrefix, createTestContext, type TestContext, waitFor } from './support/test-app.js';

/** Every channel and member of the world: 5 active channels; 7 active members across A, its cell and B. */
const EVERYTHING = { personalShares: true };

describe('fan-out survives Redis loss, crashes and duplicates', () => {
  let ctx: TestContext;
  let w: CampaignWorld;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { OUTBOX_POLL_MS: '50', FANOUT_CHUNK_ORGANISATIONS: '1' } });
    w = await createCampaignWorld(ctx);
    for (let n = 0; n < 3; n++) await createCollaborator(ctx.dataSource, { organisationId: w.unitB.id });
  });
  afterAll(async () => ctx?.close());

  const launch = async (id: string) => {
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/campaigns/${id}/launch`, headers: w.admin.headers });
    expect(res.statusCode, res.body).toBe(202);
  };
  const expected = async () => {
    const [{ channels }] = await ctx.dataSource.query(`SELECT count(*)::int AS channels FROM channel WHERE active`);
    const [{ people }] = await ctx.dataSource.query(`SELECT count(*)::int AS people FROM collaborator WHERE active`);
    return (channels + people) * 3;
  };

  it('a crash half-way (some chunks done), then a rerun → exact count, no duplicates, exact counters', async () => {
    const id = await createDraftCampaign(ctx, w.admin.headers, { targets: EVERYTHING, items: 3 });
    await launch(id); // no worker runs in this test: the outbox row waits
    const pipeline = ctx.app.get(CampaignPipelineService);
    const partial = await pipeline.fanOutChunk(id, [w.cellA.id, w.unitB.id]);
    expect(partial).toBeGreaterThan(0);
    expect(await taskCount(ctx, id)).toBe(partial);
    // Two runs at once (two workers after a retry) and one more after.
    await Promise.all([pipeline.fanOut(id), pipeline.fanOut(id)]);
    await pipeline.fanOut(id);
    expect(await taskCount(ctx, id)).toBe(await expected());
    expect(await ctx.app.get(CampaignService).checkProgress(id)).toEqual([]);

    // Any code path changing a task keeps the counters right (the share_task triggers), even raw SQL
    // over several statements; a counter row changed behind the triggers' back is found.
    const [t1, t2] = await ctx.dataSource.query(`SELECT id, organisation_id FROM share_task WHERE campaign_id = $1 ORDER BY id LIMIT 2`, [id]);
    await ctx.dataSource.transaction(async (m) => {
      await m.query(`UPDATE share_task SET status = 'done', completed_at = now(), late = true WHERE id = $1`, [t1.id]);
      await m.query(`UPDATE share_task SET status = 'unable' WHERE id = $1`, [t2.id]);
    });
    expect(await ctx.app.get(CampaignService).checkProgress(id)).toEqual([]);
    const progress = await ctx.app.inject({ method: 'GET', url: `/api/v1/campaigns/${id}/progress`, headers: w.admin.headers });
    expect(progress.json()).toMatchObject({ total: await expected(), done: 1, late: 1, unable: 1 });
    await ctx.dataSource.query(`UPDATE campaign_progress SET done = done + 1 WHERE ctid = (SELECT ctid FROM campaign_progress WHERE campaign_id = $1 LIMIT 1)`, [id]);
    expect(await ctx.app.get(CampaignService).checkProgress(id)).toHaveLength(1);
  });

  it('FLUSH of the Redis prefix after launch, then a fresh worker → exact count, and reminders and expiry still happen', async () => {
    const id = await createDraftCampaign(ctx, w.admin.headers, { targets: EVERYTHING, items: 3, deadline: inHours(30) });
    await launch(id);
    // The relay puts the fan-out, reminders and expiry on the queue…
    const relay = ctx.app.get(OutboxRelayService);
    while ((await relay.relayOnce()) > 0);
    const [{ queued }] = await ctx.dataSource.query(`SELECT count(*)::int AS queued FROM outbox WHERE processed_at IS NOT NULL AND payload->>'campaignId' = $1`, [id]);
    expect(queued).toBe(4); // fan-out, 24 h and 2 h reminders, expiry
    // …and Redis loses everything before any worker ran.
    await clearRedisPrefix(String(ctx.env.REDIS_PREFIX));

    const worker = await ctx.startWorker();
    await waitFor(async () => (await ctx.dataSource.query(`SELECT fanned_out_at FROM campaign WHERE id = $1`, [id]))[0].fanned_out_at, { what: 'fan-out after reconciliation' });
    expect(await taskCount(ctx, id)).toBe(await expected());
    await worker.close();

    // The reminders' time comes (test clock: their intents become due) and Redis is lost again:
    // the next worker's reconciliation still runs both reminders.
    await ctx.dataSource.query(`UPDATE outbox SET available_at = now() - interval '1 second' WHERE kind = 'campaigns.remind' AND payload->>'campaignId' = $1`, [id]);
    await clearRedisPrefix(String(ctx.env.REDIS_PREFIX));
    const reminding = await ctx.startWorker();
    const reminders = async () => (await ctx.dataSource.query(`SELECT count(*)::int AS n FROM reminder_run WHERE campaign_id = $1`, [id]))[0].n as number;
    await waitFor(async () => ((await reminders()) === 2 ? true : null), { what: 'both reminders after Redis loss' });
    await reminding.close();

    // The deadline passes (test clock) and Redis is lost again: the next worker's reconciliation still expires.
    await ctx.dataSource.query(`UPDATE campaign SET deadline = now() - interval '1 second' WHERE id = $1`, [id]);
    await ctx.dataSource.query(`UPDATE share_task SET deadline = now() - interval '1 second' WHERE campaign_id = $1`, [id]);
    await ctx.dataSource.query(`UPDATE outbox SET available_at = now() - interval '1 second' WHERE kind = 'campaigns.expire' AND payload->>'campaignId' = $1`, [id]);
    await clearRedisPrefix(String(ctx.env.REDIS_PREFIX));
    await ctx.startWorker();
    await waitFor(async () => (await ctx.dataSource.query(`SELECT status FROM campaign WHERE id = $1`, [id]))[0].status === 'closed', { what: 'expiry after Redis loss' });
    const [{ pending, expired }] = await ctx.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending, count(*) FILTER (WHERE status = 'expired')::int AS expired FROM share_task WHERE campaign_id = $1`,
      [id],
    );
    expect(pending).toBe(0);
    expect(expired).toBe(await expected());
    expect(await ctx.app.get(CampaignService).checkProgress(id)).toEqual([]);
  });

  it('records a reminder once, ignores one made stale by a moved deadline', async () => {
    const id = await createDraftCampaign(ctx, w.admin.headers, { targets: { organisationIds: [w.unitB.id] }, items: 1, deadline: inHours(30) });
    await launch(id);
    const pipeline = ctx.app.get(CampaignPipelineService);
    const [{ deadline }] = await ctx.dataSource.query(`SELECT deadline FROM campaign WHERE id = $1`, [id]);
    const at = new Date(new Date(deadline).getTime() - 2 * 3_600_000);
    expect(await pipeline.remind(id, at)).toBe(true);
    expect(await pipeline.remind(id, at)).toBe(false);
    expect(await pipeline.remind(id, new Date(at.getTime() - 60_000))).toBe(false);
    const runs = await ctx.dataSource.query(`SELECT remind_at, notified_at FROM reminder_run WHERE campaign_id = $1`, [id]);
    expect(runs).toHaveLength(1);
    expect(runs[0].notified_at).toBeNull();
  });

  it('a campaign scheduled for later fans out only from its start', async () => {
    const id = await createDraftCampaign(ctx, w.admin.headers, { targets: EVERYTHING, items: 1, startsAt: inHours(1), deadline: inHours(30) });
    await launch(id);
    const [campaign] = await ctx.dataSource.query(`SELECT status FROM campaign WHERE id = $1`, [id]);
    expect(campaign.status).toBe('scheduled');
    const [intent] = await ctx.dataSource.query(`SELECT available_at FROM outbox WHERE kind = 'campaigns.fan-out' AND payload->>'campaignId' = $1`, [id]);
    expect(new Date(intent.available_at).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    // Start time reached (test clock): the relay's delay is computed from available_at.
    const [row] = await ctx.dataSource.query(
      `UPDATE outbox SET available_at = now() WHERE kind = 'campaigns.fan-out' AND payload->>'campaignId' = $1 RETURNING id, kind`,
      [id],
    ).then(([rows]: [Array<{ id: string; kind: JobName }>]) => rows);
    await ctx.dataSource.query(`UPDATE campaign SET starts_at = now() WHERE id = $1`, [id]);
    // If the relay already put the intent on the queue, it waits there with its one-hour delay:
    // the test clock moves Redis's time too by promoting it.
    const queued = await ctx.app.get<Queue>(getQueueToken(QueueName.Campaigns)).getJob(outboxJobId(row!));
    if (queued && (await queued.isDelayed())) await queued.promote();
    await waitFor(async () => (await ctx.dataSource.query(`SELECT status FROM campaign WHERE id = $1`, [id]))[0].status === 'active', { what: 'scheduled fan-out' });
    expect(await taskCount(ctx, id)).toBe((await expected()) / 3);
  });
});
