import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, createOrganisation, createTwoUnitWorld } from './support/fixtures.js';
import { approveTask, completeTask, createCampaign, createItem, createTask, markUnable } from './support/report-fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

/**
 * A known set of tasks, hand-counted. Campaign K1 is due 23:59:59 on 30 Nov 2026 local time
 * (16:59:59Z): its tasks belong to November. Campaign K2 (review required) is due 00:30 on
 * 1 Dec local time (17:30Z on 30 Nov): its tasks belong to December although the UTC date is
 * still 30 Nov. Completions at 23:30 local (on time) and 00:30 local (late) straddle midnight.
 */
describe('reports: every figure equals the hand count', () => {
  let ctx: TestContext;
  let w: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  let unitC: { id: string };
  let k1: { id: string };
  let k2: { id: string };
  let i1: { id: string };
  let i2: { id: string };
  const get = (url: string, headers: Record<string, string>) => ctx.app.inject({ method: 'GET', url, headers });

  beforeAll(async () => {
    ctx = await createTestContext();
    const ds = ctx.dataSource;
    w = await createTwoUnitWorld(ctx);
    unitC = await createOrganisation(ds, { parentId: w.root.id, kind: 'grassroots_cell', name: 'Chi bộ Ban Quản lý Dự án' });
    const chA = await createChannel(ds, { organisationId: w.unitA.id, platform: 'facebook_page', audienceSize: 1000 });
    const chCellA = await createChannel(ds, { organisationId: w.cellA.id, platform: 'zalo_group', audienceSize: 200 });
    const chB = await createChannel(ds, { organisationId: w.unitB.id, platform: 'facebook_page', audienceSize: 500 });
    await ds.query(`UPDATE collaborator SET board_opt_out = true WHERE id = $1`, [w.personB.id]);

    const D1 = '2026-11-30T16:59:59Z';
    k1 = await createCampaign(ds, { title: 'Gương người tốt việc tốt', deadline: D1 });
    i1 = await createItem(ds, k1.id, { title: 'Tấm gương ở Sông Cầu', position: 0 });
    i2 = await createItem(ds, k1.id, { title: 'Thông tin chính thống', position: 1 });
    const task = (item: string, org: string, platform: string, target: { channelId?: string; collaboratorId?: string }, deadline = D1, campaignId = k1.id) =>
      createTask(ds, { campaignId, itemId: item, organisationId: org, platform, deadline, ...target });
    const t1 = await task(i1.id, w.unitA.id, 'facebook_page', { channelId: chA.id });
    const t2 = await task(i2.id, w.unitA.id, 'facebook_page', { channelId: chA.id });
    const t3 = await task(i1.id, w.cellA.id, 'zalo_group', { channelId: chCellA.id });
    const t4 = await task(i2.id, w.cellA.id, 'zalo_group', { channelId: chCellA.id });
    const t5 = await task(i1.id, w.unitB.id, 'facebook_page', { channelId: chB.id });
    await task(i2.id, w.unitB.id, 'facebook_page', { channelId: chB.id }); // t6 stays pending
    const t7 = await task(i1.id, w.unitA.id, 'zalo_group', { collaboratorId: w.personA.id });
    await task(i1.id, w.cellA.id, 'zalo_group', { collaboratorId: w.personCellA.id }); // t8 stays pending
    const t9 = await task(i1.id, w.unitB.id, 'zalo_group', { collaboratorId: w.personB.id });
    await completeTask(ds, t1, '2026-11-30T16:30:00Z', w.personA.id); // 23:30 local: on time
    await completeTask(ds, t2, '2026-11-30T17:30:00Z', w.personA.id); // 00:30 local next day: late
    await markUnable(ds, t3);
    await ds.query(`UPDATE share_task SET status = 'expired' WHERE id = $1`, [t4]);
    await completeTask(ds, t5, '2026-11-29T03:00:00Z', w.personB.id);
    await completeTask(ds, t7, '2026-11-30T10:00:00Z', w.personA.id);
    await completeTask(ds, t9, '2026-12-01T02:00:00Z', w.personB.id); // late

    const D2 = '2026-11-30T17:30:00Z';
    k2 = await createCampaign(ds, { title: 'Đợt cần duyệt', deadline: D2, reviewRequired: true });
    const j1 = await createItem(ds, k2.id, { title: 'Bài cần duyệt' });
    const u1 = await task(j1.id, w.unitA.id, 'facebook_page', { channelId: chA.id }, D2, k2.id);
    const u2 = await task(j1.id, w.unitB.id, 'facebook_page', { channelId: chB.id }, D2, k2.id);
    const u3 = await task(j1.id, w.unitA.id, 'zalo_group', { collaboratorId: w.personA.id }, D2, k2.id);
    await task(j1.id, w.unitB.id, 'zalo_group', { collaboratorId: w.personB.id }, D2, k2.id); // u4 pending
    await completeTask(ds, u1, '2026-11-30T16:30:00Z', w.personA.id); // awaiting review
    await completeTask(ds, u2, '2026-11-30T17:00:00Z', w.personB.id);
    await approveTask(ds, u2);
    await completeTask(ds, u3, '2026-11-30T18:00:00Z', w.personA.id); // late
    await approveTask(ds, u3);
  });
  afterAll(async () => ctx?.close());

  const zero = { assigned: 0, done: 0, onTime: 0, late: 0, awaitingReview: 0, unable: 0, expired: 0, pending: 0, completionRate: null, onTimeRate: null };

  it('ranks units for November with rolled-up sub-units, rates and previous period', async () => {
    const res = await get('/api/v1/reports/organisations?period=month&date=2026-11-15', w.admin.headers);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.period).toEqual({ kind: 'month', from: '2026-11-01', to: '2026-11-30', previous: { from: '2026-10-01', to: '2026-10-31' } });
    const by = Object.fromEntries(body.items.map((r: { organisationId: string }) => [r.organisationId, r]));
    expect(by[w.unitA.id]).toMatchObject({ name: 'Đảng bộ Sở Y tế', assigned: 6, done: 3, onTime: 2, late: 1, awaitingReview: 0, unable: 1, expired: 1, pending: 1, completionRate: 0.5, onTimeRate: 0.3333, rank: 2 });
    expect(by[w.cellA.id]).toMatchObject({ assigned: 3, done: 0, onTime: 0, late: 0, unable: 1, expired: 1, pending: 1, completionRate: 0, onTimeRate: 0, rank: 1 });
    expect(by[w.unitB.id]).toMatchObject({ name: 'Chi bộ Sở Tư pháp', assigned: 3, done: 2, onTime: 1, late: 1, pending: 1, completionRate: 0.6667, onTimeRate: 0.3333, rank: 1 });
    expect(by[unitC.id]).toMatchObject({ ...zero, rank: 3, channels: 0, activeCollaborators: 0, noChannel: true, noActiveCollaborator: true });
    expect(by[w.root.id]).toMatchObject({ assigned: 9, done: 5, onTime: 3, late: 2, unable: 1, expired: 1, pending: 2, rank: 1 });
    expect(by[w.unitA.id]).toMatchObject({ channels: 2, activeCollaborators: 2, noChannel: false, noActiveCollaborator: false });
    expect(by[w.unitB.id].previous).toEqual({ completionRate: null, onTimeRate: null });
    expect(by[w.unitB.id].change).toEqual({ completionRate: null, onTimeRate: null });
  });

  it('puts a task due 00:30 local on 1 December in December, with review-pending completions apart', async () => {
    const res = await get('/api/v1/reports/organisations?period=month&date=2026-12-10', w.admin.headers);
    const by = Object.fromEntries(res.json().items.map((r: { organisationId: string }) => [r.organisationId, r]));
    expect(by[w.unitA.id]).toMatchObject({ assigned: 2, done: 1, onTime: 0, late: 1, awaitingReview: 1, pending: 0, completionRate: 0.5, onTimeRate: 0, rank: 2 });
    expect(by[w.unitB.id]).toMatchObject({ assigned: 2, done: 1, onTime: 1, late: 0, pending: 1, completionRate: 0.5, onTimeRate: 0.5, rank: 1 });
    expect(by[w.unitA.id].previous).toEqual({ completionRate: 0.5, onTimeRate: 0.3333 });
    expect(by[w.unitA.id].change).toEqual({ completionRate: 0, onTimeRate: -0.3333 });
    expect(by[w.unitB.id].change).toEqual({ completionRate: -0.1667, onTimeRate: 0.1667 });
  });

  it('cuts weeks on Monday: the week of Sunday 29 Nov holds nothing, the week of Monday 30 Nov both campaigns', async () => {
    const sunday = (await get(`/api/v1/reports/organisations?period=week&date=2026-11-29&subtreeOf=${w.root.id}&kind=bloc_committee`, w.admin.headers)).json();
    expect(sunday.period).toMatchObject({ from: '2026-11-23', to: '2026-11-29' });
    expect(sunday.items).toHaveLength(1);
    expect(sunday.items[0]).toMatchObject({ organisationId: w.root.id, assigned: 0 });
    const monday = (await get(`/api/v1/reports/organisations?period=week&date=2026-11-30&kind=bloc_committee`, w.admin.headers)).json();
    expect(monday.period).toMatchObject({ from: '2026-11-30', to: '2026-12-06' });
    expect(monday.items[0]).toMatchObject({ assigned: 13, done: 7, onTime: 4, late: 3, awaitingReview: 1, pending: 3 });
    const range = (await get(`/api/v1/reports/organisations?from=2026-12-01&to=2026-12-01&campaignId=${k2.id}&kind=grassroots_cell`, w.admin.headers)).json();
    expect(range.items.map((r: { organisationId: string; assigned: number }) => [r.organisationId, r.assigned]).sort()).toEqual([[unitC.id, 0], [w.unitB.id, 2]].sort());
  });

  it('scopes a secretary to its own subtree and answers 404 for another unit', async () => {
    const mine = (await get('/api/v1/reports/organisations?period=month&date=2026-11-15', w.secretaryA.headers)).json();
    expect(mine.items.map((r: { organisationId: string }) => r.organisationId).sort()).toEqual([w.unitA.id, w.cellA.id].sort());
    expect((await get(`/api/v1/reports/organisations/${w.unitB.id}`, w.secretaryA.headers)).statusCode).toBe(404);
    expect((await get(`/api/v1/reports/organisations?subtreeOf=${w.unitB.id}`, w.secretaryA.headers)).statusCode).toBe(404);
    expect((await get(`/api/v1/reports/collaborators?organisationId=${w.unitB.id}`, w.secretaryA.headers)).statusCode).toBe(404);
    expect((await get(`/api/v1/reports/organisations/${w.unitB.id}`, w.secretaryB.headers)).statusCode).toBe(200);
  });

  it('rejects bad input with 400 problems, never a 500', async () => {
    for (const url of [
      '/api/v1/reports/organisations?period=fortnight',
      '/api/v1/reports/organisations?from=2026-13-01',
      '/api/v1/reports/organisations?from=2026-02-30',
      '/api/v1/reports/organisations?from=2026-12-01&to=2026-11-01',
      '/api/v1/reports/organisations?period=month&from=2026-11-01',
      '/api/v1/reports/organisations?campaignId=nope',
      '/api/v1/reports/organisations/not-a-uuid',
      '/api/v1/reports/campaigns/123',
      '/api/v1/reports/board?limit=0',
      '/api/v1/reports/organisations?unknown=1',
    ]) {
      const res = await get(url, w.admin.headers);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect((await get('/api/v1/reports/campaigns/00000000-0000-4000-8000-000000000000', w.admin.headers)).statusCode).toBe(404);
  });

  it('shows one unit: totals, per campaign, open tasks and how late, sub-units', async () => {
    const res = await get(`/api/v1/reports/organisations/${w.unitA.id}?period=month&date=2026-11-01`, w.secretaryA.headers);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.totals).toMatchObject({ assigned: 6, done: 3, onTime: 2, late: 1, unable: 1, expired: 1, pending: 1 });
    expect(body.campaigns).toHaveLength(1);
    expect(body.campaigns[0]).toMatchObject({ campaignId: k1.id, title: 'Gương người tốt việc tốt', assigned: 6, done: 3 });
    expect(body.openTasks).toHaveLength(1);
    // Lateness is against the clock: the deadline 30 Nov 16:59:59Z may be past or still ahead.
    const lateMs = Date.now() - Date.parse('2026-11-30T16:59:59Z');
    expect(body.openTasks[0]).toMatchObject({ collaboratorId: w.personCellA.id, fullName: 'Trần Thị Bình', open: 1, overdue: lateMs > 0 ? 1 : 0 });
    expect(body.openTasks[0].maxDaysLate).toBe(Math.max(0, Math.floor(lateMs / 86_400_000)));
    expect(body.subUnits.map((u: { organisationId: string }) => u.organisationId)).toEqual([w.cellA.id]);
    expect(body.subUnits[0]).toMatchObject({ assigned: 3, done: 0 });
    expect(body.collaborators.map((c: { collaboratorId: string }) => c.collaboratorId).sort()).toEqual([w.personA.id, w.personCellA.id].sort());
  });

  it('reports one campaign per organisation, platform and item, with estimated reach', async () => {
    const res = await get(`/api/v1/reports/campaigns/${k1.id}`, w.admin.headers);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.totals).toMatchObject({ assigned: 9, done: 5, onTime: 3, late: 2, unable: 1, expired: 1, pending: 2, estimatedReach: 2500 });
    const orgs = Object.fromEntries(body.organisations.map((o: { organisationId: string }) => [o.organisationId, o]));
    expect(orgs[w.unitA.id]).toMatchObject({ assigned: 3, done: 3, onTime: 2, late: 1 });
    expect(orgs[w.cellA.id]).toMatchObject({ assigned: 3, done: 0, unable: 1, expired: 1, pending: 1 });
    expect(orgs[w.unitB.id]).toMatchObject({ assigned: 3, done: 2, onTime: 1, late: 1, pending: 1 });
    const platforms = Object.fromEntries(body.platforms.map((p: { platform: string }) => [p.platform, p]));
    expect(platforms.facebook_page).toMatchObject({ assigned: 4, done: 3, onTime: 2, late: 1, pending: 1 });
    expect(platforms.zalo_group).toMatchObject({ assigned: 5, done: 2, onTime: 1, late: 1, unable: 1, expired: 1, pending: 1 });
    expect(body.items.map((i: { itemId: string }) => i.itemId)).toEqual([i1.id, i2.id]);
    expect(body.items[0]).toMatchObject({ title: 'Tấm gương ở Sông Cầu', assigned: 6, done: 4, onTime: 3, late: 1, unable: 1, pending: 1, estimatedReach: 1500 });
    expect(body.items[1]).toMatchObject({ assigned: 3, done: 1, onTime: 0, late: 1, expired: 1, pending: 1, estimatedReach: 1000 });

    const scoped = (await get(`/api/v1/reports/campaigns/${k1.id}`, w.secretaryA.headers)).json();
    expect(scoped.totals).toMatchObject({ assigned: 6, done: 3, estimatedReach: 2000 });
    expect(scoped.organisations.map((o: { organisationId: string }) => o.organisationId).sort()).toEqual([w.unitA.id, w.cellA.id].sort());
  });

  it('lists people with tasks, done, on time, last activity, and surfaces the inactive', async () => {
    const res = await get('/api/v1/reports/collaborators?period=month&date=2026-11-20', w.admin.headers);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const by = Object.fromEntries(body.items.map((c: { collaboratorId: string }) => [c.collaboratorId, c]));
    expect(by[w.personA.id]).toMatchObject({ fullName: 'Nguyễn Văn An', assigned: 1, done: 1, onTime: 1, unable: 0, lastActivityAt: '2026-11-30T18:00:00.000Z', inactive: false });
    expect(by[w.personCellA.id]).toMatchObject({ assigned: 1, done: 0, pending: 1, lastActivityAt: null, inactive: true });
    expect(by[w.personB.id]).toMatchObject({ assigned: 1, done: 1, onTime: 0, late: 1, lastActivityAt: '2026-12-01T02:00:00.000Z', inactive: false });
    expect(body.inactiveCount).toBe(1);
    const mine = (await get(`/api/v1/reports/collaborators?organisationId=${w.cellA.id}`, w.secretaryA.headers)).json();
    expect(mine.items.map((c: { collaboratorId: string }) => c.collaboratorId)).toEqual([w.personCellA.id]);
  });

  it('builds the emulation board, leaving off people who opted out', async () => {
    const res = await get('/api/v1/reports/board?period=month&date=2026-11-20', w.admin.headers);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.topUnits.map((u: { organisationId: string }) => u.organisationId)).toEqual([w.unitB.id, w.unitA.id, w.cellA.id]);
    expect(body.topUnits[0]).toMatchObject({ position: 1, onTimeRate: 0.3333, completionRate: 0.6667 });
    expect(body.topCollaborators).toEqual([{ position: 1, collaboratorId: w.personA.id, fullName: 'Nguyễn Văn An', organisationName: 'Đảng bộ Sở Y tế', done: 1, onTime: 1 }]);
  });

  it('proves the tallies against a direct count, finds a corruption and repairs it (admin only)', async () => {
    expect((await get('/api/v1/reports/consistency', w.secretaryA.headers)).statusCode).toBe(403);
    const ok = (await get('/api/v1/reports/consistency', w.admin.headers)).json();
    expect(ok.consistent).toBe(true);
    expect(ok.tables.map((t: { mismatches: number }) => t.mismatches)).toEqual([0, 0, 0, 0]);
    await ctx.dataSource.query(`UPDATE report_org_tally SET done_on_time = done_on_time + 5 WHERE organisation_id = $1`, [w.unitB.id]);
    const bad = (await get('/api/v1/reports/consistency', w.admin.headers)).json();
    expect(bad.consistent).toBe(false);
    expect(bad.sample[0]).toMatchObject({ table: 'report_org_tally', key: { organisation_id: w.unitB.id } });
    const repaired = await ctx.app.inject({ method: 'POST', url: '/api/v1/reports/consistency/repair', headers: w.admin.headers });
    expect(repaired.statusCode).toBe(200);
    expect(repaired.json()).toMatchObject({ consistent: true, repaired: true });
    const after = (await get('/api/v1/reports/organisations?period=month&date=2026-11-15', w.admin.headers)).json();
    expect(after.items.find((r: { organisationId: string }) => r.organisationId === w.unitB.id)).toMatchObject({ onTime: 1, done: 2 });
  });
});
