import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Env } from '../src/common/config/env.schema.js';
import { QueueName } from '../src/common/queue/queue.constants.js';
import { Clock } from '../src/notifications/clock.js';
import { NotificationDeliveryService, RELAY_RETRY_MS } from '../src/notifications/notification-delivery.service.js';
import { NotificationService } from '../src/notifications/notification.service.js';
import { createChannel, createCollaborator, createTwoUnitWorld } from './support/fixtures.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';
import { createCampaign, createChannelTasks, createManyCollaborators, createPersonalTasks, startZnsPeer } from './notification-peers.js';

/**
 * What is sent to whom: digests per person per launch (not per task), reminders only to people
 * with open work, secretaries' summaries and escalations, admins' summaries, scheduled reports.
 * Tasks are SQL fixtures (the campaigns feature is built separately).
 */
describe('notification triggers', () => {
  let ctx: TestContext;
  let worker: INestApplicationContext;
  let zns: Awaited<ReturnType<typeof startZnsPeer>>;
  let world: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  let now = new Date('2026-11-26T03:00:00Z'); // 10:00 local
  const service = () => ctx.app.get(NotificationService);
  const emit = (event: Parameters<NotificationService['enqueueForEvent']>[1]) => ctx.dataSource.transaction((m) => service().enqueueForEvent(m, event));

  beforeAll(async () => {
    zns = await startZnsPeer({ accessToken: 'access-1', refreshToken: 'refresh-1', appId: 'a', appSecret: 's' });
    ctx = await createTestContext({
      env: {
        ZALO_ZNS_BASE_URL: zns.url,
        ZALO_ZNS_ACCESS_TOKEN: 'access-1',
        ZALO_ZNS_TEMPLATES: JSON.stringify({ 'tasks.assigned': 'tpl-a', 'tasks.reminder': 'tpl-r' }),
        WORKER_CONCURRENCY: '8',
      },
    });
    worker = await ctx.startWorker();
    for (const c of [worker.get(Clock), ctx.app.get(Clock)]) c.now = () => now;
    world = await createTwoUnitWorld(ctx);
  });

  afterAll(async () => {
    await ctx?.close();
    await zns?.close();
  });

  it('a launch to 500 collaborators → exactly 500 digests listing each person’s tasks; a retry sends none twice, even after Redis loses the jobs', async () => {
    const people = await createManyCollaborators(ctx.dataSource, world.unitA.id, 500, 'L500');
    // the first 50 also administer a channel each: their digest lists the channel's tasks too
    const channels = [];
    for (let i = 0; i < 50; i++) channels.push((await createChannel(ctx.dataSource, { organisationId: world.unitA.id, adminIds: [people[i]!] })).id);
    const deadline = new Date(now.getTime() + 5 * 86_400_000);
    const campaign = await createCampaign(ctx.dataSource, { title: 'Đợt tuyên truyền toàn quốc', deadline, items: 3 });
    await createPersonalTasks(ctx.dataSource, campaign.id, deadline, people);
    await createChannelTasks(ctx.dataSource, campaign.id, deadline, channels);
    const [{ tasks }] = await ctx.dataSource.query(`SELECT count(*)::int AS tasks FROM share_task WHERE campaign_id = $1`, [campaign.id]);
    expect(tasks).toBe(1500 + 150);

    expect(await emit({ type: 'tasks.assigned', campaignId: campaign.id })).toBe(500);
    // the fan-out job retried: nothing new
    expect(await emit({ type: 'tasks.assigned', campaignId: campaign.id })).toBe(0);
    const counts = await ctx.dataSource.query(
      `SELECT channel, count(*)::int AS n, count(DISTINCT collaborator_id)::int AS people FROM notification
        WHERE event = 'tasks.assigned' AND data->>'campaignId' = $1 GROUP BY channel ORDER BY channel`,
      [campaign.id],
    );
    expect(counts).toEqual([
      { channel: 'in_app', n: 500, people: 500 },
      { channel: 'zalo', n: 500, people: 500 },
    ]);
    // each digest lists exactly that person's open tasks: personal ones plus their channel's
    const [{ wrong }] = await ctx.dataSource.query(
      `SELECT count(*)::int AS wrong FROM notification n
        WHERE n.event = 'tasks.assigned' AND n.data->>'campaignId' = $1 AND n.channel = 'in_app'
          AND (SELECT array_agg(x::bigint ORDER BY x::bigint) FROM jsonb_array_elements_text(n.data->'taskIds') x)
              IS DISTINCT FROM
              (SELECT array_agg(t.id ORDER BY t.id) FROM share_task t
                WHERE t.campaign_id = $1::uuid AND (t.collaborator_id = n.collaborator_id
                   OR t.channel_id IN (SELECT channel_id FROM channel_admin WHERE collaborator_id = n.collaborator_id)))`,
      [campaign.id],
    );
    expect(wrong).toBe(0);
    const [admin] = await ctx.dataSource.query(`SELECT body, data FROM notification WHERE collaborator_id = $1 AND channel = 'in_app'`, [people[0]]);
    expect(admin.data.count).toBe(6);
    expect(admin.body).toContain('tài khoản cá nhân');
    expect(admin.body).toContain('Kênh');

    // deliver; Redis "loses" the queue midway; the relay re-enqueues from Postgres
    const delivery = worker.get(NotificationDeliveryService);
    await delivery.relay();
    const queue = worker.get<Queue>(getQueueToken(QueueName.NotificationsZalo));
    await queue.obliterate({ force: true });
    // rows already handed over are handed over again once the relay's retry interval has passed
    expect((await delivery.relay()).enqueued).toBe(0);
    now = new Date(now.getTime() + RELAY_RETRY_MS + 1000);
    await delivery.relay();
    await waitFor(async () => {
      const [{ left }] = await ctx.dataSource.query(
        `SELECT count(*)::int AS left FROM notification WHERE data->>'campaignId' = $1 AND channel = 'zalo' AND state <> 'delivered'`,
        [campaign.id],
      );
      return left === 0;
    }, { timeoutMs: 90_000, intervalMs: 250, what: '500 Zalo digests delivered' });
    await delivery.relay();
    const sent = zns.accepted.filter((c) => c.template_id === 'tpl-a');
    expect(sent).toHaveLength(500);
    expect(new Set(sent.map((c) => c.tracking_id)).size).toBe(500);
    expect(new Set(sent.map((c) => c.phone)).size).toBe(500);
    // a job for a delivered row, re-run, does nothing
    expect(await delivery.deliver(sent[0]!.tracking_id)).toEqual({ outcome: 'skipped' });
    expect(zns.accepted.filter((c) => c.template_id === 'tpl-a')).toHaveLength(500);
    now = new Date('2026-11-26T03:00:00Z');
  }, 150_000);

  it('reminds only people with tasks still open', async () => {
    const done = await createCollaborator(ctx.dataSource, { organisationId: world.unitB.id, phone: '+84933000001' });
    const open = await createCollaborator(ctx.dataSource, { organisationId: world.unitB.id, phone: '+84933000002' });
    const deadline = new Date(now.getTime() + 20 * 3_600_000);
    const campaign = await createCampaign(ctx.dataSource, { title: 'Chiến dịch nhắc việc', deadline });
    await createPersonalTasks(ctx.dataSource, campaign.id, deadline, [done.id, open.id]);
    await ctx.dataSource.query(`UPDATE share_task SET status = 'done', completed_at = now() WHERE collaborator_id = $1`, [done.id]);
    await ctx.dataSource.query(`UPDATE share_task SET status = 'done', completed_at = now() WHERE id = (SELECT min(id) FROM share_task WHERE collaborator_id = $1)`, [open.id]);

    // the campaigns feature records the 24 h reminder run (REMINDER_OFFSETS); the scheduler delivers it
    await ctx.dataSource.query(`INSERT INTO reminder_run (campaign_id, remind_at, pending_tasks) VALUES ($1, $2, 1)`, [campaign.id, new Date(deadline.getTime() - 86_400_000)]);
    expect((await service().runScheduled()).reminders).toBe(1);
    const rows = await ctx.dataSource.query(`SELECT collaborator_id, channel, data, title FROM notification WHERE event = 'tasks.reminder' AND data->>'campaignId' = $1`, [campaign.id]);
    expect(rows.map((r: { collaborator_id: string }) => r.collaborator_id)).toEqual([open.id, open.id]);
    expect(rows[0].data.count).toBe(1);
    expect(rows[0].title).toBe('Nhắc việc (còn 24h): Chiến dịch nhắc việc');
    const [run] = await ctx.dataSource.query(`SELECT notified_at FROM reminder_run WHERE campaign_id = $1`, [campaign.id]);
    expect(run.notified_at).not.toBeNull();
    // the run is delivered once; the same reminder emitted again is the same message
    expect((await service().runScheduled()).reminders).toBe(0);
    expect(await emit({ type: 'tasks.reminder', campaignId: campaign.id, offset: '24h' })).toBe(0);
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM notification WHERE event = 'tasks.reminder' AND data->>'campaignId' = $1`, [campaign.id]);
    expect(n).toBe(2);

    // a backlog (the worker was down): the 24 h and 2 h runs both due → only the 2 h reminder goes out
    const late = await createCampaign(ctx.dataSource, { title: 'Chiến dịch tồn đọng', deadline: new Date(now.getTime() + 3_600_000) });
    await createPersonalTasks(ctx.dataSource, late.id, new Date(now.getTime() + 3_600_000), [open.id]);
    await ctx.dataSource.query(
      `INSERT INTO reminder_run (campaign_id, remind_at, pending_tasks) SELECT $1, deadline - make_interval(hours => h), 2 FROM campaign, unnest(ARRAY[24, 2]) h WHERE id = $1`,
      [late.id],
    );
    await service().runScheduled();
    const titles = await ctx.dataSource.query(`SELECT DISTINCT title FROM notification WHERE event = 'tasks.reminder' AND data->>'campaignId' = $1`, [late.id]);
    expect(titles).toEqual([{ title: 'Nhắc việc (còn 2h): Chiến dịch tồn đọng' }]);
    const [{ unnotified }] = await ctx.dataSource.query(`SELECT count(*)::int AS unnotified FROM reminder_run WHERE campaign_id = $1 AND notified_at IS NULL`, [late.id]);
    expect(unnotified).toBe(0);
  });

  it('notifies a reopened task to its assignee once per reopening', async () => {
    const deadline = new Date(now.getTime() + 3 * 86_400_000);
    const campaign = await createCampaign(ctx.dataSource, { title: 'Chiến dịch mở lại', deadline, items: 1 });
    await createPersonalTasks(ctx.dataSource, campaign.id, deadline, [world.personA.id]);
    const [task] = await ctx.dataSource.query(`SELECT id FROM share_task WHERE campaign_id = $1`, [campaign.id]);
    expect(await emit({ type: 'task.reopened', taskId: task.id, reopenKey: 2, reason: 'Đường dẫn minh chứng không mở được' })).toBe(1);
    expect(await emit({ type: 'task.reopened', taskId: task.id, reopenKey: 2 })).toBe(0);
    const page = await ctx.app.inject({ method: 'GET', url: '/api/v1/me/notifications', headers: world.collaboratorA.headers });
    const notice = page.json().items.find((i: { event: string }) => i.event === 'task.reopened');
    expect(notice.body).toContain('Đường dẫn minh chứng không mở được');
    expect(notice.read).toBe(false);
  });

  it('sends secretaries a daily summary, escalates open tasks near the deadline, tells admins which units are behind', async () => {
    const idle = await createCollaborator(ctx.dataSource, { organisationId: world.unitB.id, fullName: 'Phạm Thị Dung' });
    const idle2 = await createCollaborator(ctx.dataSource, { organisationId: world.unitB.id, fullName: 'Hoàng Văn Em' });
    const deadline = new Date(now.getTime() + 10 * 3_600_000);
    const campaign = await createCampaign(ctx.dataSource, { title: 'Chiến dịch sát hạn', deadline });
    await createPersonalTasks(ctx.dataSource, campaign.id, deadline, [world.personB.id, idle.id, idle2.id]);
    await ctx.dataSource.query(`UPDATE share_task SET status = 'done' WHERE campaign_id = $1 AND collaborator_id = $2`, [campaign.id, world.personB.id]);

    now = new Date('2026-11-26T10:30:00Z'); // 17:30 local: summary time
    // the lead time is configuration: 2.5 h before the deadline is not yet within a 2 h lead time
    const env = ctx.app.get(Env);
    env.ESCALATION_HOURS_BEFORE = 2;
    await service().runScheduled();
    const [{ early }] = await ctx.dataSource.query(
      `SELECT count(*)::int AS early FROM notification WHERE event IN ('tasks.escalated', 'units.behind') AND data->>'campaignId' = $1`,
      [campaign.id],
    );
    expect(early).toBe(0);
    env.ESCALATION_HOURS_BEFORE = 24;
    await service().runScheduled();
    const forB = await ctx.app.inject({ method: 'GET', url: '/api/v1/me/notifications?limit=50', headers: world.secretaryB.headers });
    const events = forB.json().items.map((i: { event: string }) => i.event);
    expect(events).toContain('secretary.daily_summary');
    expect(events).toContain('tasks.escalated');
    const summary = forB.json().items.find((i: { event: string }) => i.event === 'secretary.daily_summary');
    expect(summary.title).toContain('Chi bộ Sở Tư pháp');
    expect(summary.body).toContain('Phạm Thị Dung');
    expect(summary.body).not.toContain('Lê Văn Cường'); // personB has done something
    const escalation = forB.json().items.find((i: { event: string; data: { campaignId: string } }) => i.event === 'tasks.escalated' && i.data.campaignId === campaign.id);
    expect(escalation.data.count).toBe(4);
    // secretary A sees nothing of unit B's escalation
    const forA = await ctx.app.inject({ method: 'GET', url: '/api/v1/me/notifications?limit=100', headers: world.secretaryA.headers });
    expect(forA.json().items.some((i: { event: string; data: { campaignId?: string } }) => i.event === 'tasks.escalated' && i.data.campaignId === campaign.id)).toBe(false);
    const forAdmin = await ctx.app.inject({ method: 'GET', url: '/api/v1/me/notifications?limit=100', headers: world.admin.headers });
    const behind = forAdmin.json().items.find((i: { event: string; data: { campaignId?: string } }) => i.event === 'units.behind' && i.data.campaignId === campaign.id);
    expect(behind.body).toContain('Chi bộ Sở Tư pháp 33%');

    // a second run the same day writes nothing new
    const [{ n: before }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM notification`);
    await service().runScheduled();
    const [{ n: after }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM notification`);
    expect(after).toBe(before);
    now = new Date('2026-11-26T03:00:00Z');
  });

  it('summarises a closed campaign for the admins', async () => {
    const deadline = new Date(now.getTime() - 3_600_000);
    const campaign = await createCampaign(ctx.dataSource, { title: 'Chiến dịch đã đóng', deadline, status: 'closed' });
    await createPersonalTasks(ctx.dataSource, campaign.id, deadline, [world.personA.id, world.personB.id]);
    await ctx.dataSource.query(`UPDATE share_task SET status = 'done', late = true WHERE campaign_id = $1 AND collaborator_id = $2`, [campaign.id, world.personA.id]);
    await ctx.dataSource.query(`UPDATE share_task SET status = 'expired' WHERE campaign_id = $1 AND collaborator_id = $2`, [campaign.id, world.personB.id]);
    expect(await emit({ type: 'campaign.closed', campaignId: campaign.id })).toBe(1);
    const page = await ctx.app.inject({ method: 'GET', url: '/api/v1/me/notifications', headers: world.admin.headers });
    const item = page.json().items.find((i: { event: string }) => i.event === 'campaign.closed');
    expect(item.data).toMatchObject({ total: 4, done: 2, late: 2, expired: 2 });
    expect(item.body).toContain('Chi bộ Sở Tư pháp 0%');
  });

  it('sends subscribed admins and secretaries their weekly report (the e-mail with the export: notification-scheduled-reports)', async () => {
    const put = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers: world.secretaryB.headers,
      payload: { email: true, zalo: false, quietHours: null, reportPeriods: ['weekly'] },
    });
    expect(put.statusCode).toBe(200);
    now = new Date('2026-11-30T02:00:00Z'); // Monday 09:00 local
    expect((await service().runScheduled()).reports).toBe(1);
    const page = await ctx.app.inject({ method: 'GET', url: '/api/v1/me/notifications', headers: world.secretaryB.headers });
    const report = page.json().items.find((i: { event: string }) => i.event === 'report.scheduled');
    expect(report.title).toBe('Báo cáo tuần 2026-11-23');
    expect(report.data.exportFilters).toEqual({ period: 'week', date: '2026-11-23' });

    // a monthly subscription: on the 1st, last month's report (export of that calendar month)
    await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers: world.secretaryB.headers,
      payload: { email: true, zalo: false, quietHours: null, reportPeriods: ['weekly', 'monthly'] },
    });
    now = new Date('2026-12-01T02:00:00Z'); // Tuesday 1 December, 09:00 local
    expect((await service().runScheduled()).reports).toBe(1);
    const [monthly] = await ctx.dataSource.query(`SELECT title, data FROM notification WHERE event = 'report.scheduled' AND channel = 'in_app' AND data->>'period' = 'monthly'`);
    expect(monthly.title).toBe('Báo cáo tháng 2026-11');
    expect(monthly.data.exportFilters).toEqual({ period: 'month', date: '2026-11-01' });
    now = new Date('2026-11-26T03:00:00Z');
  });
});
