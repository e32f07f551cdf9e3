import type { INestApplicationContext } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../src/notifications/clock.js';
import { verifyWebhookSignature } from '../src/notifications/channels/webhook-signature.util.js';
import { NotificationDeliveryService } from '../src/notifications/notification-delivery.service.js';
import { NotificationService } from '../src/notifications/notification.service.js';
import { createChannel, createCollaborator, createTwoUnitWorld } from './support/fixtures.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';
import { createCampaign, createChannelTasks, createPersonalTasks, startSmtpPeer, startWebhookPeer, startZnsPeer } from './notification-peers.js';

/**
 * Every external channel against a real protocol peer on loopback, driven by an injected clock
 * (daytime unless a test says otherwise): SMTP, Zalo ZNS (with token refresh), signed webhooks.
 */
describe('notification channels', () => {
  let ctx: TestContext;
  let worker: INestApplicationContext;
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
  let zns: Awaited<ReturnType<typeof startZnsPeer>>;
  let hooks: Awaited<ReturnType<typeof startWebhookPeer>>;
  let world: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  let now = new Date('2026-11-26T03:00:00Z'); // 10:00 in Hanoi
  const delivery = () => worker.get(NotificationDeliveryService);

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    zns = await startZnsPeer({ accessToken: 'access-1', refreshToken: 'refresh-1', appId: 'app-42', appSecret: 'app-secret' });
    hooks = await startWebhookPeer();
    ctx = await createTestContext({
      env: {
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Ban Chỉ đạo 35 <bcd35@example.org>',
        ZALO_ZNS_BASE_URL: zns.url,
        ZALO_OAUTH_BASE_URL: zns.url,
        // the configured token has already expired: the first send must refresh it
        ZALO_ZNS_ACCESS_TOKEN: 'access-expired',
        ZALO_ZNS_REFRESH_TOKEN: 'refresh-1',
        ZALO_APP_ID: 'app-42',
        ZALO_APP_SECRET: 'app-secret',
        ZALO_ZNS_TEMPLATES: JSON.stringify({ 'tasks.assigned': 'tpl-assigned', 'task.reopened': 'tpl-reopened' }),
        WEBHOOK_MAX_FAILURES: '3',
      },
    });
    worker = await ctx.startWorker();
    for (const c of [worker.get(Clock), ctx.app.get(Clock)]) c.now = () => now;
    world = await createTwoUnitWorld(ctx);
  });

  afterAll(async () => {
    await ctx?.close();
    await Promise.all([smtp?.close(), zns?.close(), hooks?.close()]);
  });

  const launch = async (collaboratorIds: string[], title: string) => {
    const deadline = new Date(now.getTime() + 3 * 86_400_000);
    const campaign = await createCampaign(ctx.dataSource, { title, deadline });
    await createPersonalTasks(ctx.dataSource, campaign.id, deadline, collaboratorIds);
    const people = await ctx.dataSource.transaction((m) =>
      ctx.app.get(NotificationService).enqueueForEvent(m, { type: 'tasks.assigned', campaignId: campaign.id }),
    );
    return { campaign, people };
  };
  const rowsOf = (campaignId: string): Promise<Array<{ id: string; channel: string; state: string; address: string; attempts: number; collaborator_id: string; not_before: Date; last_error: string | null }>> =>
    ctx.dataSource.query(`SELECT id, channel, state, address, attempts, collaborator_id, not_before, last_error FROM notification WHERE data->>'campaignId' = $1 ORDER BY channel`, [campaignId]);

  it('e-mails the digest over SMTP with a correctly encoded Vietnamese subject, plain text and HTML', async () => {
    const { campaign, people } = await launch([world.personA.id], 'Tuyên truyền Đại hội Đảng bộ tỉnh Phú Yên');
    expect(people).toBe(1);
    await delivery().relay();
    const mail = await waitFor(() => smtp.mails.find((m) => m.subject?.includes('Phú Yên')), { what: 'the digest e-mail' });
    expect(mail.subject).toBe('Nhiệm vụ chia sẻ mới: Tuyên truyền Đại hội Đảng bộ tỉnh Phú Yên');
    // on the wire the subject is an RFC 2047 encoded word, not raw 8-bit
    const rawSubject = mail.headerLines.find((h) => h.key === 'subject')!.line;
    expect(rawSubject).toMatch(/=\?UTF-8\?[BQ]\?/i);
    expect(rawSubject).not.toContain('Phú');
    expect(mail.to && 'value' in mail.to ? mail.to.value[0]?.address : undefined).toBe('an@example.org');
    expect(mail.from?.value[0]?.name).toBe('Ban Chỉ đạo 35');
    expect(mail.text).toContain('Bài viết số 1');
    expect(mail.text).toContain('Bài viết số 2');
    expect(mail.html).toContain('Bài viết số 2');
    const email = await waitFor(async () => (await rowsOf(campaign.id)).find((r) => r.channel === 'email' && r.state === 'delivered'), { what: 'email row delivered' });
    const [attempt] = await ctx.dataSource.query(`SELECT state, provider_response FROM notification_delivery WHERE notification_id = $1`, [email.id]);
    expect(attempt.state).toBe('delivered');
    expect(attempt.provider_response.accepted).toEqual(['an@example.org']);
  });

  it('sends the ZNS template to the phone, refreshing an expired access token and retrying once', async () => {
    const { campaign } = await launch([world.personA.id], 'Chiến dịch Zalo');
    await delivery().relay();
    const zalo = await waitFor(async () => (await rowsOf(campaign.id)).find((r) => r.channel === 'zalo' && r.state === 'delivered'), { what: 'zalo delivered' });
    // the very first ZNS call of this suite (the previous test's digest) met the expired token:
    // refreshed once, retried once with the new token; this one used the new token directly
    const first = zns.calls.filter((c) => c.tracking_id === zns.calls[0]!.tracking_id);
    expect(first.map((c) => c.token)).toEqual(['access-expired', 'access-2']);
    expect(zns.state.refreshes).toBe(1);
    const calls = zns.calls.filter((c) => c.tracking_id === zalo.id);
    expect(calls.map((c) => c.token)).toEqual(['access-2']);
    expect(calls[0]).toMatchObject({ phone: '84905123456', template_id: 'tpl-assigned' });
    expect(calls[0]!.template_data.title).toBe('Nhiệm vụ chia sẻ mới: Chiến dịch Zalo');
    // the rotated refresh token is kept for the next refresh
    const [token] = await ctx.dataSource.query(`SELECT access_token, refresh_token FROM provider_token WHERE provider = 'zalo_zns'`);
    expect(token).toEqual({ access_token: 'access-2', refresh_token: 'refresh-2' });
  });

  it('marks an invalid phone failed for good and a quota refusal for a later retry with backoff', async () => {
    const bad = await createCollaborator(ctx.dataSource, { organisationId: world.unitA.id, phone: '+84900000001' });
    const quota = await createCollaborator(ctx.dataSource, { organisationId: world.unitA.id, phone: '+84900000002' });
    zns.invalidPhones.add('84900000001');
    zns.quotaPhones.add('84900000002');
    const { campaign } = await launch([bad.id, quota.id], 'Chiến dịch lỗi');
    await delivery().relay();
    const rows = await waitFor(async () => {
      const r = (await rowsOf(campaign.id)).filter((x) => x.channel === 'zalo');
      return r.length === 2 && r.every((x) => x.attempts === 1 && x.state !== 'sending') ? r : null;
    }, { what: 'both zalo attempts' });
    const invalid = rows.find((r) => r.collaborator_id === bad.id)!;
    const limited = rows.find((r) => r.collaborator_id === quota.id)!;
    expect(invalid).toMatchObject({ state: 'failed' });
    expect(invalid.last_error).toContain('-108');
    expect(limited).toMatchObject({ state: 'pending' });
    expect(limited.last_error).toContain('-115');
    expect(new Date(limited.not_before).getTime()).toBe(now.getTime() + 30_000);

    // once the quota is topped up and the backoff has passed, the relay sends it again
    zns.quotaPhones.clear();
    now = new Date(now.getTime() + 30_000);
    await delivery().relay();
    await waitFor(async () => (await rowsOf(campaign.id)).find((r) => r.id === limited.id && r.state === 'delivered'), { what: 'quota retry delivered' });
    const admin = await ctx.app.inject({ method: 'GET', url: `/api/v1/notifications/deliveries?notificationId=${limited.id}`, headers: world.admin.headers });
    expect(admin.statusCode).toBe(200);
    expect(admin.json().items.map((d: { state: string; attempt: number }) => [d.attempt, d.state])).toEqual([
      [2, 'delivered'],
      [1, 'retry'],
    ]);
    expect(admin.json().items[1].providerResponse).toMatchObject({ error: -115 });
  });

  it('fails a phone without a Zalo account and a template not approved for the OA, keeping Zalo’s answer', async () => {
    const noZalo = await createCollaborator(ctx.dataSource, { organisationId: world.unitA.id, phone: '+84900000003' });
    zns.noZaloPhones.add('84900000003');
    const { campaign } = await launch([noZalo.id], 'Chiến dịch không Zalo');
    await delivery().relay();
    const row = await waitFor(async () => (await rowsOf(campaign.id)).find((r) => r.channel === 'zalo' && r.state === 'failed'), { what: 'no-Zalo failed' });
    expect(row.last_error).toBe('ZNS -118: no Zalo account for this phone number');
    expect(row.attempts).toBe(1);

    // the reopen template has not been approved for this OA: refused for good, not retried
    zns.unapprovedTemplates.add('tpl-reopened');
    const deadline = new Date(now.getTime() + 86_400_000);
    const reopened = await createCampaign(ctx.dataSource, { title: 'Chiến dịch mở lại Zalo', deadline, items: 1 });
    await createPersonalTasks(ctx.dataSource, reopened.id, deadline, [world.personA.id]);
    const [task] = await ctx.dataSource.query(`SELECT id FROM share_task WHERE campaign_id = $1`, [reopened.id]);
    await ctx.dataSource.transaction((m) => ctx.app.get(NotificationService).enqueueForEvent(m, { type: 'task.reopened', taskId: task.id, reopenKey: 1 }));
    await delivery().relay();
    const refused = await waitFor(async () => {
      const [x] = await ctx.dataSource.query(`SELECT id, state, last_error FROM notification WHERE event = 'task.reopened' AND channel = 'zalo' AND data->>'taskId' = $1`, [String(task.id)]);
      return x?.state === 'failed' ? x : null;
    }, { what: 'reopen notice refused' });
    expect(refused.last_error).toContain('ZNS -117: template not approved');
    const log = await ctx.app.inject({ method: 'GET', url: `/api/v1/notifications/deliveries?notificationId=${refused.id}`, headers: world.admin.headers });
    expect(log.json().items).toHaveLength(1);
    expect(log.json().items[0]).toMatchObject({ state: 'failed', providerResponse: { error: -117 } });
    zns.unapprovedTemplates.clear();
  });

  it('refreshes the token again when it expires later; a refused refresh keeps the message waiting, not lost', async () => {
    const refreshesBefore = zns.state.refreshes;
    zns.expireToken();
    const first = await launch([world.personA.id], 'Chiến dịch token hết hạn');
    await delivery().relay();
    await waitFor(async () => (await rowsOf(first.campaign.id)).find((r) => r.channel === 'zalo' && r.state === 'delivered'), { what: 'sent after a second refresh' });
    expect(zns.state.refreshes).toBe(refreshesBefore + 1);
    const [stored] = await ctx.dataSource.query(`SELECT access_token, refresh_token FROM provider_token WHERE provider = 'zalo_zns'`);
    expect(stored).toEqual({ access_token: zns.state.validToken, refresh_token: zns.state.refreshToken });

    // the token expires and Zalo refuses our refresh token (revoked): the message waits with the reason
    zns.expireToken();
    const kept = zns.state.refreshToken;
    zns.state.refreshToken = 'revoked-by-zalo';
    const second = await launch([world.personA.id], 'Chiến dịch token bị thu hồi');
    await delivery().relay();
    const waiting = await waitFor(async () => (await rowsOf(second.campaign.id)).find((r) => r.channel === 'zalo' && r.state === 'pending' && r.attempts === 1), { what: 'zalo waiting' });
    expect(waiting.last_error).toContain('Zalo token refresh failed');
    const log = await ctx.app.inject({ method: 'GET', url: `/api/v1/notifications/deliveries?notificationId=${waiting.id}`, headers: world.admin.headers });
    expect(log.json().items[0]).toMatchObject({ state: 'retry', providerResponse: { send: { error: -124 }, refresh: { error: -14020 } } });

    // the operator re-authorises (Zalo accepts the refresh token again): the retry goes out
    zns.state.refreshToken = kept;
    now = new Date(now.getTime() + 30_000);
    await delivery().relay();
    await waitFor(async () => (await rowsOf(second.campaign.id)).find((r) => r.id === waiting.id && r.state === 'delivered'), { what: 'sent after re-authorisation' });
    now = new Date('2026-11-26T03:00:00Z');
  });

  it('holds a message due in quiet hours and delivers it at 07:00 local', async () => {
    now = new Date('2026-11-26T15:30:00Z'); // 22:30 in Hanoi
    const person = await createCollaborator(ctx.dataSource, { organisationId: world.unitA.id, email: 'dem@example.org' });
    const { campaign } = await launch([person.id], 'Chiến dịch ban đêm');
    await delivery().relay();
    const held = await waitFor(async () => {
      const r = (await rowsOf(campaign.id)).find((x) => x.channel === 'email');
      return r && r.state === 'pending' && new Date(r.not_before).getTime() > now.getTime() ? r : null;
    }, { what: 'the e-mail held' });
    expect(new Date(held.not_before).toISOString()).toBe('2026-11-27T00:00:00.000Z'); // 07:00 local
    expect(smtp.mails.some((m) => m.subject?.includes('ban đêm'))).toBe(false);
    // in-app is not held
    expect((await rowsOf(campaign.id)).find((x) => x.channel === 'in_app')?.state).toBe('delivered');

    now = new Date('2026-11-26T23:59:00Z'); // 06:59: still quiet, nothing due
    expect((await delivery().relay()).enqueued).toBe(0);
    now = new Date('2026-11-27T00:00:00Z'); // 07:00
    await delivery().relay();
    await waitFor(() => smtp.mails.find((m) => m.subject?.includes('ban đêm')), { what: 'the morning e-mail' });
    const row = await waitFor(async () => {
      const [x] = await ctx.dataSource.query(`SELECT delivered_at FROM notification WHERE id = $1 AND state = 'delivered'`, [held.id]);
      return x;
    }, { what: 'the held row delivered' });
    expect(new Date(row.delivered_at).toISOString()).toBe('2026-11-27T00:00:00.000Z');
    now = new Date('2026-11-26T03:00:00Z');
  });

  it('never e-mails or texts demo people: in-app only', async () => {
    const demo = await createCollaborator(ctx.dataSource, { organisationId: world.unitA.id, phone: '+84900000009', email: 'demo@example.org' });
    await ctx.dataSource.query(`UPDATE collaborator SET is_demo = true WHERE id = $1`, [demo.id]);
    const { campaign } = await launch([demo.id], 'Chiến dịch demo');
    expect((await rowsOf(campaign.id)).map((r) => r.channel)).toEqual(['in_app']);
  });

  it('posts signed webhooks the receiver can verify', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: world.admin.headers,
      payload: { url: `${hooks.url}/ok`, events: ['tasks.assigned'], description: 'Cổng thông tin' },
    });
    expect(created.statusCode).toBe(201);
    const { id, secret } = created.json();
    expect(secret).toMatch(/^whsec_/);
    const shown = await ctx.app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}`, headers: world.admin.headers });
    expect(shown.json().secret).toBeUndefined();

    const { campaign } = await launch([world.personB.id], 'Chiến dịch webhook');
    await delivery().relay();
    const hit = await waitFor(() => hooks.hits.find((h) => h.body.includes(campaign.id)), { what: 'the webhook call' });
    const signature = String(hit.headers['x-outreach-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    expect(verifyWebhookSignature(secret, hit.body, signature, nowSeconds)).toBe(true);
    expect(verifyWebhookSignature('whsec_wrong', hit.body, signature, nowSeconds)).toBe(false);
    expect(verifyWebhookSignature(secret, hit.body.replace('tasks.assigned', 'tasks.reminder'), signature, nowSeconds)).toBe(false);
    expect(JSON.parse(hit.body)).toMatchObject({ event: 'tasks.assigned', data: { campaignId: campaign.id, recipients: 1 } });
    expect(hit.headers['x-outreach-event']).toBe('tasks.assigned');
    await ctx.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${id}`, headers: world.admin.headers });
  });

  it('retries a failing webhook with backoff, then disables it and shows the admin why', async () => {
    hooks.control.status = 500;
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: world.admin.headers,
      payload: { url: `${hooks.url}/broken`, events: ['tasks.assigned'] },
    });
    const hookId = created.json().id as string;
    const channel = await createChannel(ctx.dataSource, { organisationId: world.unitA.id, adminIds: [world.personCellA.id] });
    const deadline = new Date(now.getTime() + 86_400_000);
    const campaign = await createCampaign(ctx.dataSource, { title: 'Chiến dịch hỏng', deadline });
    await createChannelTasks(ctx.dataSource, campaign.id, deadline, [channel.id]);
    await ctx.dataSource.transaction((m) => ctx.app.get(NotificationService).enqueueForEvent(m, { type: 'tasks.assigned', campaignId: campaign.id }));
    const [row] = await ctx.dataSource.query(`SELECT id FROM notification WHERE webhook_id = $1`, [hookId]);
    const before = hooks.hits.filter((h) => h.body.includes(campaign.id)).length;

    const expectedGaps = [30_000, 60_000];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await delivery().relay();
      const r = await waitFor(async () => {
        const [x] = await ctx.dataSource.query(`SELECT state, attempts, not_before FROM notification WHERE id = $1`, [row.id]);
        return x.attempts === attempt && x.state !== 'sending' ? x : null;
      }, { what: `webhook attempt ${attempt}` });
      if (attempt < 3) {
        expect(r.state).toBe('pending');
        expect(new Date(r.not_before).getTime() - now.getTime()).toBe(expectedGaps[attempt - 1]);
        // not due before the backoff has passed
        expect((await delivery().relay()).enqueued).toBe(0);
        now = new Date(new Date(r.not_before).getTime());
      } else {
        expect(r.state).toBe('cancelled');
      }
    }
    expect(hooks.hits.filter((h) => h.body.includes(campaign.id)).length - before).toBe(3);
    const shown = await ctx.app.inject({ method: 'GET', url: `/api/v1/webhooks/${hookId}`, headers: world.admin.headers });
    expect(shown.json()).toMatchObject({ active: false, consecutiveFailures: 3 });
    expect(shown.json().disabledReason).toContain('3 consecutive failed deliveries; last: HTTP 500');
    const log = await ctx.app.inject({ method: 'GET', url: `/api/v1/notifications/deliveries?webhookId=${hookId}&channel=webhook`, headers: world.admin.headers });
    expect(log.json().items).toHaveLength(3);
    expect(log.json().items[0].providerResponse).toEqual({ status: 500, body: 'receiver broken' });

    // re-enabling clears the count and the reason
    hooks.control.status = 200;
    const enabled = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${hookId}`, headers: world.admin.headers, payload: { active: true } });
    expect(enabled.json()).toMatchObject({ active: true, consecutiveFailures: 0, disabledReason: null });
  });
  it('follows a person’s own preferences: a channel turned off gets nothing, their own quiet hours hold the rest', async () => {
    const put = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers: world.collaboratorA.headers,
      payload: { email: false, zalo: true, quietHours: '09:30-11:00', reportPeriods: [] },
    });
    expect(put.statusCode, put.body).toBe(200);
    const { campaign } = await launch([world.personA.id], 'Chiến dịch theo lựa chọn riêng'); // 10:00 local
    const rows = await rowsOf(campaign.id);
    expect(rows.map((r) => r.channel).filter((c) => c !== 'webhook')).toEqual(['in_app', 'zalo']); // no e-mail row at all
    await delivery().relay();
    const held = await waitFor(async () => {
      const r = (await rowsOf(campaign.id)).find((x) => x.channel === 'zalo');
      return r && r.state === 'pending' && new Date(r.not_before).getTime() > now.getTime() ? r : null;
    }, { what: 'zalo held by the person’s quiet hours' });
    expect(new Date(held.not_before).toISOString()).toBe('2026-11-26T04:00:00.000Z'); // 11:00 local
    await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers: world.collaboratorA.headers,
      payload: { email: true, zalo: true, quietHours: null, reportPeriods: [] },
    });
  });
});
