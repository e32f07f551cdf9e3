import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CampaignWorld, createCampaignWorld, createDraftCampaign, inHours } from './support/campaign-world.js';
import { createTestContext, type TestContext } from './support/test-app.js';

describe('admin drafts and edits campaigns', () => {
  let ctx: TestContext;
  let w: CampaignWorld;

  beforeAll(async () => {
    ctx = await createTestContext();
    w = await createCampaignWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
    ctx.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });

  it('creates a draft with targets normalised (defaults applied) and audits it', async () => {
    const res = await call('POST', '/campaigns', w.admin.headers, { title: 'Tháng 9', deadline: inHours(24), targets: { organisationIds: [w.unitA.id] } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ status: 'draft', targets: { organisationIds: [w.unitA.id], includeSubtree: true, personalShares: false } });
    expect(res.json().targets.platforms).toBeUndefined();
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'campaign.create' AND entity_id = $1`, [res.json().id]);
    expect(n).toBe(1);
  });

  it('refuses bad input with clear problems, never a 500', async () => {
    const cases: Array<[object, number, string]> = [
      [{ title: 'x', targets: {} }, 400, 'VALIDATION_FAILED'],
      [{ title: 'x', deadline: 'tomorrow', targets: {} }, 400, 'VALIDATION_FAILED'],
      [{ title: 'x', deadline: inHours(5), targets: { platforms: ['twitter'] } }, 400, 'VALIDATION_FAILED'],
      [{ title: 'x', deadline: inHours(5), targets: { organisationIds: ['nope'] } }, 400, 'VALIDATION_FAILED'],
      [{ title: 'x', deadline: inHours(5), targets: {}, extra: 1 }, 400, 'VALIDATION_FAILED'],
      [{ title: 'x', deadline: inHours(5), targets: { organisationIds: [randomUUID()] } }, 422, 'UNKNOWN_ORGANISATION'],
      [{ title: 'x', deadline: inHours(5), startsAt: inHours(6), targets: {} }, 422, 'STARTS_AFTER_DEADLINE'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await call('POST', '/campaigns', w.admin.headers, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.json().code).toBe(code);
    }
    expect((await call('GET', '/campaigns/not-a-uuid', w.admin.headers)).statusCode).toBe(404);
    expect((await call('GET', `/campaigns/${randomUUID()}`, w.admin.headers)).statusCode).toBe(404);
    expect((await call('GET', '/campaigns?cursor=garbage', w.admin.headers)).statusCode).toBe(422);
    expect((await call('GET', '/campaigns?status=nope', w.admin.headers)).statusCode).toBe(400);
  });

  it('edits a draft and its items, refuses launch without items or with a past deadline', async () => {
    const id = (await call('POST', '/campaigns', w.admin.headers, { title: 'Nháp', deadline: inHours(24), targets: {} })).json().id;
    expect((await call('POST', `/campaigns/${id}/launch`, w.admin.headers)).json().code).toBe('CAMPAIGN_HAS_NO_ITEMS');
    const item = await call('POST', `/campaigns/${id}/items`, w.admin.headers, { url: 'https://baophuyen.vn/a.html', title: 'Bài A', hashtags: ['#a'] });
    expect(item.statusCode).toBe(201);
    expect((await call('POST', `/campaigns/${id}/items`, w.admin.headers, { url: 'javascript:alert(1)', title: 'x' })).statusCode).toBe(400);
    const edited = await call('PATCH', `/campaigns/${id}/items/${item.json().id}`, w.admin.headers, { caption: 'Chú thích' });
    expect(edited.json()).toMatchObject({ caption: 'Chú thích', title: 'Bài A' });
    expect((await call('PATCH', `/campaigns/${id}/items/${randomUUID()}`, w.admin.headers, { caption: 'x' })).statusCode).toBe(404);
    expect((await call('GET', `/campaigns/${id}/items`, w.admin.headers)).json().items).toHaveLength(1);

    const patched = await call('PATCH', `/campaigns/${id}`, w.admin.headers, { title: 'Đợt 2', targets: { platforms: [] , personalShares: true } });
    expect(patched.json()).toMatchObject({ title: 'Đợt 2', targets: { platforms: [], personalShares: true } });
    await ctx.dataSource.query(`UPDATE campaign SET deadline = now() - interval '1 hour' WHERE id = $1`, [id]);
    const late = await call('POST', `/campaigns/${id}/launch`, w.admin.headers);
    expect(late.statusCode).toBe(422);
    expect(late.json().code).toBe('DEADLINE_IN_PAST');

    expect((await call('DELETE', `/campaigns/${id}/items/${item.json().id}`, w.admin.headers)).statusCode).toBe(204);
    expect((await call('DELETE', `/campaigns/${id}`, w.admin.headers)).statusCode).toBe(204);
    expect((await call('GET', `/campaigns/${id}`, w.admin.headers)).statusCode).toBe(404);
  });

  it('lets only admins write; secretaries read launched campaigns that reach their unit; close expires open tasks', async () => {
    const id = await createDraftCampaign(ctx, w.admin.headers, { targets: { organisationIds: [w.cellA.id] }, items: 1 });
    expect((await call('GET', `/campaigns/${id}`, w.secretaryA.headers)).statusCode).toBe(404); // drafts are the committee's
    expect((await call('POST', '/campaigns', w.secretaryA.headers, { title: 'x', deadline: inHours(5), targets: {} })).statusCode).toBe(403);
    expect((await call('GET', '/campaigns', w.collaboratorA.headers)).statusCode).toBe(403);
    expect((await call('POST', `/campaigns/${id}/launch`, w.admin.headers)).statusCode).toBe(202);
    expect((await call('GET', `/campaigns/${id}`, w.secretaryA.headers)).statusCode).toBe(200); // the cell is in A's subtree
    expect((await call('GET', `/campaigns/${id}`, w.secretaryB.headers)).statusCode).toBe(404);
    const listed = (await call('GET', '/campaigns?status=active', w.secretaryA.headers)).json().items.map((c: { id: string }) => c.id);
    expect(listed).toContain(id);
    expect((await call('DELETE', `/campaigns/${id}`, w.admin.headers)).json().code).toBe('CAMPAIGN_LAUNCHED');

    // Fan out in-process (no worker in this file), then close.
    const { CampaignPipelineService } = await import('../src/campaigns/fan-out.processor.js');
    await ctx.app.get(CampaignPipelineService).fanOut(id);
    const closed = await call('POST', `/campaigns/${id}/close`, w.admin.headers);
    expect(closed.statusCode).toBe(200);
    expect(closed.json().status).toBe('closed');
    const progress = (await call('GET', `/campaigns/${id}/progress`, w.admin.headers)).json();
    expect(progress.pending).toBe(0);
    expect(progress.expired).toBe(progress.total);
    expect(progress.total).toBe(1); // one item × the cell's Zalo group; no personal shares
    expect((await call('POST', `/campaigns/${id}/launch`, w.admin.headers)).json().code).toBe('CAMPAIGN_CLOSED');
    expect((await call('PATCH', `/campaigns/${id}`, w.admin.headers, { deadline: inHours(80) })).json().code).toBe('CAMPAIGN_CLOSED');
  });
});
