import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation, createTwoUnitWorld } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

describe('managing the organisation tree', () => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  beforeAll(async () => {
    ctx = await createTestContext();
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown) =>
    ctx.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const auditCount = async (entityId: string) => Number((await ctx.dataSource.query(`SELECT count(*) FROM audit_log WHERE entity_id = $1`, [entityId]))[0].count);

  it('creates an organisation under a parent with ancestors and depth, audited', async () => {
    const res = await call('POST', '/api/v1/organisations', world.admin.headers, {
      code: 'SYT-P1',
      name: '  Phòng Nghiệp vụ Y  ',
      kind: 'affiliated_cell',
      parentId: world.unitA.id,
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ code: 'SYT-P1', name: 'Phòng Nghiệp vụ Y', parentId: world.unitA.id, depth: 2, version: 1, active: true });
    expect(body.ancestors).toEqual([...world.unitA.ancestors, body.id]);
    expect(res.headers.etag).toBe('W/"1"');
    expect(await auditCount(body.id)).toBe(1);
  });

  it('refuses a duplicate code with a 409 naming the existing organisation', async () => {
    const res = await call('POST', '/api/v1/organisations', world.admin.headers, { code: world.unitA.code, name: 'Khác', kind: 'grassroots_cell', parentId: world.root.id });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'ORGANISATION_CODE_TAKEN', existing: { id: world.unitA.id, code: world.unitA.code } });
  });

  it('answers bad input with field problems, never a 500', async () => {
    const res = await call('POST', '/api/v1/organisations', world.admin.headers, { code: 'bad code!', name: '', kind: 'planet', parentId: 'x', extra: 1 });
    expect(res.statusCode).toBe(400);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['code', 'name', 'kind', 'parentId', 'extra']));
    const unknownParent = await call('POST', '/api/v1/organisations', world.admin.headers, { code: 'X1', name: 'X', kind: 'grassroots_cell', parentId: '7d1c4a57-0e8f-4a3f-8c55-1d0a3a0a0a0a' });
    expect(unknownParent.statusCode).toBe(422);
    expect((await call('GET', '/api/v1/organisations/not-a-uuid', world.admin.headers)).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/organisations?limit=0', world.admin.headers)).statusCode).toBe(400);
    expect((await call('GET', '/api/v1/organisations?sort=secret', world.admin.headers)).statusCode).toBe(400);
    expect((await call('GET', '/api/v1/organisations?cursor=garbage', world.admin.headers)).statusCode).toBe(400);
  });

  it('only admins write; secretaries and collaborators are refused', async () => {
    for (const user of [world.secretaryA, world.collaboratorA]) {
      const res = await call('POST', '/api/v1/organisations', user.headers, { code: `N-${user.login}`, name: 'N', kind: 'grassroots_cell' });
      expect(res.statusCode).toBe(403);
    }
  });

  it('scopes reads: a secretary sees its subtree, a collaborator its own organisation', async () => {
    const codes = async (headers: Record<string, string>) =>
      (await call('GET', '/api/v1/organisations?limit=200', headers)).json().items.map((o: { id: string }) => o.id);
    const secA = await codes(world.secretaryA.headers);
    expect(secA).toEqual(expect.arrayContaining([world.unitA.id, world.cellA.id]));
    expect(secA).not.toContain(world.unitB.id);
    expect(secA).not.toContain(world.root.id);
    expect(await codes(world.collaboratorA.headers)).toEqual([world.unitA.id]);
    expect((await call('GET', `/api/v1/organisations/${world.unitA.id}`, world.secretaryB.headers)).statusCode).toBe(404);
    expect((await call('GET', `/api/v1/organisations/${world.unitB.id}`, world.secretaryB.headers)).statusCode).toBe(200);
  });

  it('moves a subtree in one go and refuses a move under its own descendant', async () => {
    const top = await createOrganisation(ctx.dataSource, { parentId: world.root.id, name: 'Đảng bộ Sở Xây dựng' });
    const mid = await createOrganisation(ctx.dataSource, { parentId: top.id, kind: 'affiliated_cell' });
    const leaf = await createOrganisation(ctx.dataSource, { parentId: mid.id, kind: 'affiliated_cell' });

    const cycle = await call('PATCH', `/api/v1/organisations/${top.id}`, world.admin.headers, { parentId: leaf.id, version: 1 });
    expect(cycle.statusCode).toBe(409);
    expect(cycle.json().code).toBe('ORGANISATION_CYCLE');
    const self = await call('PATCH', `/api/v1/organisations/${top.id}`, world.admin.headers, { parentId: top.id, version: 1 });
    expect(self.json().code).toBe('ORGANISATION_CYCLE');

    const moved = await call('PATCH', `/api/v1/organisations/${mid.id}`, world.admin.headers, { parentId: world.unitB.id, version: 1 });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ parentId: world.unitB.id, depth: 2, version: 2 });
    const [leafRow] = await ctx.dataSource.query(`SELECT ancestors::text[] AS ancestors, depth FROM organisation WHERE id = $1`, [leaf.id]);
    expect(leafRow).toEqual({ ancestors: [world.root.id, world.unitB.id, mid.id, leaf.id], depth: 3 });
    const subtree = await call('GET', `/api/v1/organisations?subtreeOf=${world.unitB.id}`, world.admin.headers);
    expect(subtree.json().items.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining([world.unitB.id, mid.id, leaf.id]));
    // secretary B now sees the moved cells, secretary A never did
    expect((await call('GET', `/api/v1/organisations/${leaf.id}`, world.secretaryB.headers)).statusCode).toBe(200);
  });

  it('rejects stale versions: 409 for a body version, 412 for If-Match, 428 without either', async () => {
    const org = await createOrganisation(ctx.dataSource, { parentId: world.root.id });
    const ok = await call('PATCH', `/api/v1/organisations/${org.id}`, { ...world.admin.headers, 'if-match': 'W/"1"' }, { name: 'Tên mới' });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers.etag).toBe('W/"2"');
    const stale = await call('PATCH', `/api/v1/organisations/${org.id}`, world.admin.headers, { name: 'Ghi đè', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    const staleHeader = await call('PATCH', `/api/v1/organisations/${org.id}`, { ...world.admin.headers, 'if-match': 'W/"1"' }, { name: 'Ghi đè' });
    expect(staleHeader.statusCode).toBe(412);
    expect((await call('PATCH', `/api/v1/organisations/${org.id}`, world.admin.headers, { name: 'Ghi đè' })).statusCode).toBe(428);
    const [row] = await ctx.dataSource.query(`SELECT name FROM organisation WHERE id = $1`, [org.id]);
    expect(row.name).toBe('Tên mới');
  });

  it('sets a secretary only from the organisation subtree', async () => {
    const inside = await call('PATCH', `/api/v1/organisations/${world.unitA.id}`, world.admin.headers, { secretaryCollaboratorId: world.personCellA.id, version: 1 });
    expect(inside.statusCode).toBe(200);
    const outside = await call('PATCH', `/api/v1/organisations/${world.unitA.id}`, world.admin.headers, { secretaryCollaboratorId: world.personB.id, version: 2 });
    expect(outside.statusCode).toBe(422);
    expect(outside.json().errors[0].field).toBe('secretaryCollaboratorId');
  });

  it('deletes by deactivating; the row stays', async () => {
    const org = await createOrganisation(ctx.dataSource, { parentId: world.root.id });
    const stale = await call('DELETE', `/api/v1/organisations/${org.id}`, { ...world.admin.headers, 'if-match': 'W/"7"' });
    expect(stale.statusCode).toBe(412);
    const res = await call('DELETE', `/api/v1/organisations/${org.id}`, world.admin.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ active: false, version: 2 });
    const inactive = await call('GET', `/api/v1/organisations?active=false`, world.admin.headers);
    expect(inactive.json().items.map((o: { id: string }) => o.id)).toContain(org.id);
    expect(await auditCount(org.id)).toBe(1);
  });

  it('searches ignoring diacritics and case, and pages with a cursor', async () => {
    await createOrganisation(ctx.dataSource, { parentId: world.root.id, name: 'Đảng bộ Sở Y tế Phú Yên' });
    const find = async (q: string) =>
      (await call('GET', `/api/v1/organisations?q=${encodeURIComponent(q)}`, world.admin.headers)).json().items.map((o: { name: string }) => o.name);
    expect(await find('so y te')).toEqual(expect.arrayContaining(['Đảng bộ Sở Y tế', 'Đảng bộ Sở Y tế Phú Yên']));
    expect(await find('Phu Yen')).toEqual(['Đảng bộ Sở Y tế Phú Yên']);
    expect(await find('dang bo khoi')).toEqual(['Đảng bộ Khối']);
    expect(await find('100%')).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call('GET', `/api/v1/organisations?limit=2&sort=-createdAt${cursor ? `&cursor=${cursor}` : ''}`, world.admin.headers);
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().items.map((o: { id: string }) => o.id));
      cursor = res.json().nextCursor;
    } while (cursor);
    const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM organisation`);
    expect(seen).toHaveLength(count);
    expect(new Set(seen).size).toBe(count);
  });

  it('exports the scoped list as xlsx and csv that read back like the list', async () => {
    await createOrganisation(ctx.dataSource, { parentId: world.unitA.id, name: '=HYPERLINK("http://x")', kind: 'affiliated_cell' });
    const list = (await call('GET', `/api/v1/organisations?limit=200&sort=code`, world.secretaryA.headers)).json().items;
    const xlsx = await call('GET', '/api/v1/organisations/export?format=xlsx&sort=code', world.secretaryA.headers);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-disposition']).toMatch(/attachment; filename="to-chuc-.*\.xlsx"/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.getRow(1).getCell(1).value).toBe('Mã');
    const rows = sheet.getRows(2, sheet.rowCount - 1)!.map((r) => [r.getCell(1).value, r.getCell(2).value]);
    const expected = list.map((o: { code: string; name: string }) => [o.code, o.name.startsWith('=') ? `'${o.name}` : o.name]);
    expect(rows).toEqual(expected);
    expect(rows.flat()).toContain('Đảng bộ Sở Y tế');

    const csv = await call('GET', '/api/v1/organisations/export?format=csv&sort=code', world.secretaryA.headers);
    expect(csv.statusCode).toBe(200);
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const records: string[][] = parse(csv.rawPayload, { bom: true });
    expect(records[0]!.slice(0, 2)).toEqual(['Mã', 'Tên']);
    expect(records.slice(1).map((r) => [r[0], r[1]])).toEqual(expected);
    expect((await call('GET', '/api/v1/organisations/export?format=pdf', world.admin.headers)).statusCode).toBe(400);
  });
});
