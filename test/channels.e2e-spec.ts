import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel, createCollaborator, createTwoUnitWorld } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

describe('managing channels and their administrators', () => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  beforeAll(async () => {
    ctx = await createTestContext();
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, headers: Record<string, string>, payload?: unknown) =>
    ctx.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const ids = (res: { json(): { items: Array<{ id: string }> } }) => res.json().items.map((c) => c.id);
  const auditCount = async (entityId: string) => Number((await ctx.dataSource.query(`SELECT count(*) FROM audit_log WHERE entity_id = $1`, [entityId]))[0].count);

  it('registers a channel with a normalised URL; the same page twice is a 409 naming the holder', async () => {
    const res = await call('POST', '/api/v1/channels', world.secretaryA.headers, {
      organisationId: world.unitA.id,
      platform: 'facebook_page',
      name: 'Trang tin Sở Y tế',
      url: 'https://m.facebook.com/SoYTePhuYen/?ref=bookmarks',
      audienceSize: 1200,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ platform: 'facebook_page', organisation: { id: world.unitA.id }, admins: [], version: 1 });
    expect(body.url).toMatch(/^https:\/\/facebook\.com\//);
    expect(res.headers.etag).toBe('W/"1"');
    expect(await auditCount(body.id)).toBe(1);

    const again = await call('POST', '/api/v1/channels', world.secretaryB.headers, {
      organisationId: world.unitB.id,
      platform: 'facebook_page',
      name: 'Trùng',
      url: 'https://www.fb.com/SoYTePhuYen',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      code: 'CHANNEL_URL_TAKEN',
      existing: { id: body.id, name: 'Trang tin Sở Y tế', organisation: { id: world.unitA.id, name: 'Đảng bộ Sở Y tế' } },
    });
  });

  it('answers bad input with field problems', async () => {
    const badUrl = await call('POST', '/api/v1/channels', world.admin.headers, { organisationId: world.unitA.id, platform: 'zalo_group', name: 'X', url: 'https://facebook.com/abc' });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().errors[0].field).toBe('url');
    const bad = await call('POST', '/api/v1/channels', world.admin.headers, { organisationId: 'nope', platform: 'myspace', name: '', url: 42, audienceSize: -1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['organisationId', 'platform', 'name', 'url', 'audienceSize']));
    expect((await call('GET', '/api/v1/channels?platform=myspace', world.admin.headers)).statusCode).toBe(400);
    expect((await call('GET', '/api/v1/channels/zzz', world.admin.headers)).statusCode).toBe(404);
  });

  it('keeps secretaries inside their subtree and collaborators to the channels they administer', async () => {
    const outside = await call('POST', '/api/v1/channels', world.secretaryA.headers, { organisationId: world.unitB.id, platform: 'website', name: 'B', url: 'https://b.example.org' });
    expect(outside.statusCode).toBe(422);
    const chB = await createChannel(ctx.dataSource, { organisationId: world.unitB.id, adminIds: [world.personB.id] });
    const chA = await createChannel(ctx.dataSource, { organisationId: world.cellA.id, adminIds: [world.personA.id] });
    const chA2 = await createChannel(ctx.dataSource, { organisationId: world.unitA.id });
    const secA = ids(await call('GET', '/api/v1/channels?limit=200', world.secretaryA.headers));
    expect(secA).toEqual(expect.arrayContaining([chA.id, chA2.id]));
    expect(secA).not.toContain(chB.id);
    expect(ids(await call('GET', '/api/v1/channels', world.collaboratorA.headers))).toEqual([chA.id]);
    expect((await call('GET', `/api/v1/channels/${chA2.id}`, world.collaboratorA.headers)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/channels/${chA.id}`, world.secretaryB.headers)).statusCode).toBe(404);
    expect((await call('PATCH', `/api/v1/channels/${chA.id}`, world.secretaryB.headers, { name: 'x', version: 1 })).statusCode).toBe(404);
    expect((await call('PUT', `/api/v1/channels/${chA.id}/admins`, world.secretaryB.headers, { collaboratorIds: [] })).statusCode).toBe(404);
    expect((await call('DELETE', `/api/v1/channels/${chA.id}`, world.collaboratorA.headers)).statusCode).toBe(403);
    const admin = await call('GET', `/api/v1/channels/${chA.id}`, world.secretaryA.headers);
    expect(admin.json().admins).toEqual([{ id: world.personA.id, code: world.personA.code, fullName: 'Nguyễn Văn An' }]);
  });

  it('sets administrators from the channel organisation subtree only', async () => {
    const ch = await createChannel(ctx.dataSource, { organisationId: world.unitA.id, platform: 'zalo_group' });
    const ok = await call('PUT', `/api/v1/channels/${ch.id}/admins`, world.secretaryA.headers, { collaboratorIds: [world.personA.id, world.personCellA.id] });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().admins.map((a: { id: string }) => a.id).sort()).toEqual([world.personA.id, world.personCellA.id].sort());
    expect(ok.json().version).toBe(2);
    expect(ids(await call('GET', `/api/v1/channels?adminId=${world.personCellA.id}`, world.admin.headers))).toEqual([ch.id]);

    const foreign = await call('PUT', `/api/v1/channels/${ch.id}/admins`, world.admin.headers, { collaboratorIds: [world.personA.id, world.personB.id] });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json()).toMatchObject({ code: 'CHANNEL_ADMIN_OUTSIDE', collaboratorIds: [world.personB.id] });
    expect(foreign.json().errors[0].field).toBe('collaboratorIds.1');
    const inactive = await createCollaborator(ctx.dataSource, { organisationId: world.unitA.id, active: false });
    expect((await call('PUT', `/api/v1/channels/${ch.id}/admins`, world.admin.headers, { collaboratorIds: [inactive.id] })).statusCode).toBe(422);
    expect((await call('PUT', `/api/v1/channels/${ch.id}/admins`, world.admin.headers, { collaboratorIds: ['x'] })).statusCode).toBe(400);
    const stale = await call('PUT', `/api/v1/channels/${ch.id}/admins`, { ...world.admin.headers, 'if-match': 'W/"1"' }, { collaboratorIds: [] });
    expect(stale.statusCode).toBe(412);

    const cleared = await call('PUT', `/api/v1/channels/${ch.id}/admins`, world.admin.headers, { collaboratorIds: [world.personA.id] });
    expect(cleared.json().admins.map((a: { id: string }) => a.id)).toEqual([world.personA.id]);
    expect(await auditCount(ch.id)).toBe(2);
    // moving the channel to unit B would strand its administrator
    const move = await call('PATCH', `/api/v1/channels/${ch.id}`, world.admin.headers, { organisationId: world.unitB.id, version: 3 });
    expect(move.statusCode).toBe(422);
  });

  it('updates with optimistic concurrency, renormalising the URL; deletes by deactivating', async () => {
    const ch = await createChannel(ctx.dataSource, { organisationId: world.unitA.id, platform: 'website' });
    const ok = await call('PATCH', `/api/v1/channels/${ch.id}`, { ...world.secretaryA.headers, 'if-match': 'W/"1"' }, { url: 'HTTPS://Portal.Example.ORG/tin-tuc/?utm_source=x', name: 'Cổng thông tin' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().url).toBe('https://portal.example.org/tin-tuc');
    expect(ok.headers.etag).toBe('W/"2"');
    expect((await call('PATCH', `/api/v1/channels/${ch.id}`, world.secretaryA.headers, { name: 'Ghi đè', version: 1 })).statusCode).toBe(409);
    expect((await call('PATCH', `/api/v1/channels/${ch.id}`, world.secretaryA.headers, { url: 'ftp://x', version: 2 })).statusCode).toBe(400);
    const other = await createChannel(ctx.dataSource, { organisationId: world.unitA.id, platform: 'website' });
    const dup = await call('PATCH', `/api/v1/channels/${other.id}`, world.secretaryA.headers, { url: 'https://portal.example.org/tin-tuc/', version: 1 });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().existing.id).toBe(ch.id);

    const del = await call('DELETE', `/api/v1/channels/${ch.id}`, world.secretaryA.headers);
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ active: false, version: 3 });
    expect(ids(await call('GET', '/api/v1/channels?active=false', world.admin.headers))).toContain(ch.id);
  });

  it('filters by organisation, platform and search ignoring diacritics', async () => {
    const ch = await createChannel(ctx.dataSource, { organisationId: world.cellA.id, platform: 'mocha_group', name: 'Nhóm Đoàn viên Phú Yên' });
    expect(ids(await call('GET', '/api/v1/channels?q=doan%20vien%20phu%20yen', world.admin.headers))).toEqual([ch.id]);
    expect(ids(await call('GET', '/api/v1/channels?platform=mocha_group', world.admin.headers))).toEqual([ch.id]);
    expect(ids(await call('GET', `/api/v1/channels?organisationId=${world.unitA.id}&limit=200`, world.admin.headers))).toContain(ch.id);
    expect(ids(await call('GET', `/api/v1/channels?organisationId=${world.unitA.id}&includeSubtree=false&limit=200`, world.admin.headers))).not.toContain(ch.id);
  });

  it('exports channels as xlsx and csv matching the list', async () => {
    const list = (await call('GET', `/api/v1/channels?organisationId=${world.unitA.id}&limit=200&sort=name`, world.secretaryA.headers)).json().items;
    const expected = list.map((c: { name: string; url: string; organisation: { name: string } }) => [c.name, c.url, c.organisation.name]);
    const xlsx = await call('GET', `/api/v1/channels/export?format=xlsx&sort=name&organisationId=${world.unitA.id}`, world.secretaryA.headers);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRows(2, sheet.rowCount - 1)!.map((r) => [r.getCell(2).value, r.getCell(4).value, r.getCell(6).value])).toEqual(expected);
    const csv = await call('GET', `/api/v1/channels/export?format=csv&sort=name&organisationId=${world.unitA.id}`, world.secretaryA.headers);
    const records: string[][] = parse(csv.rawPayload, { bom: true });
    expect(records[0]![1]).toBe('Tên kênh');
    expect(records.slice(1).map((r) => [r[1], r[3], r[5]])).toEqual(expected);
  });
});
