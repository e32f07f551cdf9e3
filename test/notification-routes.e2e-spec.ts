import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwoUnitWorld } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

/** The inbox, preferences, webhook and delivery-log routes: happy paths, bad input, other people's data. */
describe('notification routes', () => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof createTwoUnitWorld>>;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { QUIET_HOURS: '' } });
    world = await createTwoUnitWorld(ctx);
    // five messages for person A (collaborator login), two already read; one for person B
    for (let i = 1; i <= 5; i++) {
      await ctx.dataSource.query(
        `INSERT INTO notification (dedupe_key, event, channel, collaborator_id, title, body, state, created_at, read_at)
         VALUES ($1, 'tasks.assigned', 'in_app', $2, $3, 'nội dung', 'delivered', now() - make_interval(mins => $4::int), CASE WHEN $4::int <= 2 THEN now() END)`,
        [`seed:a:${i}`, world.personA.id, `Tin ${i}`, i],
      );
    }
    await ctx.dataSource.query(
      `INSERT INTO notification (dedupe_key, event, channel, collaborator_id, title, body, state) VALUES ('seed:b', 'tasks.assigned', 'in_app', $1, 'Tin B', 'x', 'delivered')`,
      [world.personB.id],
    );
  });
  afterAll(() => ctx?.close());

  const get = (url: string, headers: Record<string, string>) => ctx.app.inject({ method: 'GET', url, headers });

  it('lists my notifications unread first, newest first, with cursor pagination', async () => {
    const first = await get('/api/v1/me/notifications?limit=2', world.collaboratorA.headers);
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((i: { title: string }) => i.title)).toEqual(['Tin 3', 'Tin 4']);
    expect(first.json().unreadCount).toBe(3);
    const second = await get(`/api/v1/me/notifications?limit=2&cursor=${first.json().nextCursor}`, world.collaboratorA.headers);
    expect(second.json().items.map((i: { title: string; read: boolean }) => [i.title, i.read])).toEqual([
      ['Tin 5', false],
      ['Tin 1', true],
    ]);
    const third = await get(`/api/v1/me/notifications?limit=2&cursor=${second.json().nextCursor}`, world.collaboratorA.headers);
    expect(third.json().items.map((i: { title: string }) => i.title)).toEqual(['Tin 2']);
    expect(third.json().nextCursor).toBeNull();
    // nobody else sees person A's messages
    const other = await get('/api/v1/me/notifications', world.collaboratorB.headers);
    expect(other.json().items.map((i: { title: string }) => i.title)).toEqual(['Tin B']);
  });

  it('marks one read, refuses someone else’s as not found, and marks all read', async () => {
    const [mine] = await ctx.dataSource.query(`SELECT id FROM notification WHERE dedupe_key = 'seed:a:5'`);
    const [theirs] = await ctx.dataSource.query(`SELECT id FROM notification WHERE dedupe_key = 'seed:b'`);
    const read = await ctx.app.inject({ method: 'POST', url: `/api/v1/me/notifications/${mine.id}/read`, headers: world.collaboratorA.headers });
    expect(read.statusCode).toBe(204);
    const foreign = await ctx.app.inject({ method: 'POST', url: `/api/v1/me/notifications/${theirs.id}/read`, headers: world.collaboratorA.headers });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().code).toBe('NOT_FOUND');
    const [still] = await ctx.dataSource.query(`SELECT read_at FROM notification WHERE id = $1`, [theirs.id]);
    expect(still.read_at).toBeNull();
    const badId = await ctx.app.inject({ method: 'POST', url: '/api/v1/me/notifications/not-a-uuid/read', headers: world.collaboratorA.headers });
    expect(badId.statusCode).toBe(404);
    const all = await ctx.app.inject({ method: 'POST', url: '/api/v1/me/notifications/read-all', headers: world.collaboratorA.headers });
    expect(all.json()).toEqual({ marked: 2 });
    expect((await get('/api/v1/me/notifications', world.collaboratorA.headers)).json().unreadCount).toBe(0);
  });

  it('answers bad list parameters with a 400 problem', async () => {
    for (const query of ['limit=0', 'limit=500', 'cursor=garbage', 'unreadOnly=maybe', 'colour=red']) {
      const res = await get(`/api/v1/me/notifications?${query}`, world.collaboratorA.headers);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('reads and replaces preferences; validates them', async () => {
    const initial = await get('/api/v1/me/notification-preferences', world.secretaryA.headers);
    expect(initial.json()).toEqual({ email: true, zalo: true, quietHours: null, reportPeriods: [], inApp: true, effectiveQuietHours: '' });
    const put = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers: world.secretaryA.headers,
      payload: { email: false, zalo: true, quietHours: '22:00-06:30', reportPeriods: ['weekly', 'monthly'] },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ email: false, quietHours: '22:00-06:30', effectiveQuietHours: '22:00-06:30', reportPeriods: ['weekly', 'monthly'] });
    const [audit] = await ctx.dataSource.query(`SELECT action FROM audit_log WHERE entity = 'notification_preference' AND entity_id = $1`, [world.secretaryA.id]);
    expect(audit.action).toBe('notification_preference.update');
    for (const payload of [
      { email: 'yes', zalo: true, quietHours: null, reportPeriods: [] },
      { email: true, zalo: true, quietHours: '25:00-07:00', reportPeriods: [] },
      { email: true, zalo: true, quietHours: null, reportPeriods: ['daily'] },
      { email: true, zalo: true, quietHours: null, reportPeriods: [], extra: 1 },
    ]) {
      const bad = await ctx.app.inject({ method: 'PUT', url: '/api/v1/me/notification-preferences', headers: world.secretaryA.headers, payload });
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const collaboratorReports = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers: world.collaboratorA.headers,
      payload: { email: true, zalo: true, quietHours: null, reportPeriods: ['weekly'] },
    });
    expect(collaboratorReports.statusCode).toBe(400);
  });

  it('lets only admins manage webhooks, validates them, and never shows the secret again', async () => {
    const payload = { url: 'https://hooks.example.org/outreach', events: ['tasks.assigned', 'campaign.closed'] };
    const denied = await ctx.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: world.secretaryA.headers, payload });
    expect(denied.statusCode).toBe(403);
    const created = await ctx.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: world.admin.headers, payload });
    expect(created.statusCode).toBe(201);
    const { id, secret } = created.json();
    expect(secret).toBeTruthy();
    const list = await get('/api/v1/webhooks', world.admin.headers);
    expect(list.json().items).toHaveLength(1);
    expect(JSON.stringify(list.json())).not.toContain(secret);
    const [audit] = await ctx.dataSource.query(`SELECT after FROM audit_log WHERE entity = 'webhook' AND entity_id = $1`, [id]);
    expect(JSON.stringify(audit.after)).not.toContain(secret);
    for (const bad of [{ url: 'ftp://x.org', events: ['tasks.assigned'] }, { url: 'https://x.org', events: [] }, { url: 'https://x.org', events: ['nope'] }, { events: ['tasks.assigned'] }]) {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: world.admin.headers, payload: bad });
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
    const stale = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${id}`, headers: world.admin.headers, payload: { description: 'x', version: 9 } });
    expect(stale.statusCode).toBe(409);
    const missing = await ctx.app.inject({ method: 'GET', url: '/api/v1/webhooks/00000000-0000-4000-8000-000000000000', headers: world.admin.headers });
    expect(missing.statusCode).toBe(404);
    const removed = await ctx.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${id}`, headers: world.admin.headers });
    expect(removed.statusCode).toBe(204);
    expect((await get(`/api/v1/webhooks/${id}`, world.admin.headers)).statusCode).toBe(404);
  });

  it('shows the delivery log to admins only, with validated filters', async () => {
    expect((await get('/api/v1/notifications/deliveries', world.secretaryA.headers)).statusCode).toBe(403);
    expect((await get('/api/v1/notifications/deliveries', world.collaboratorA.headers)).statusCode).toBe(403);
    const ok = await get('/api/v1/notifications/deliveries?channel=email&state=failed', world.admin.headers);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ items: [], nextCursor: null });
    for (const q of ['channel=sms', 'state=lost', 'notificationId=1', 'from=yesterday', 'cursor=%%%']) {
      expect((await get(`/api/v1/notifications/deliveries?${q}`, world.admin.headers)).statusCode, q).toBe(400);
    }
  });
});
