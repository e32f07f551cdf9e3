import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollaborator, createTwoUnitWorld } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

describe('managing collaborators', () => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  beforeAll(async () => {
    ctx = await createTestContext();
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown) =>
    ctx.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const ids = (res: { json(): { items: Array<{ id: string }> } }) => res.json().items.map((c) => c.id);
  const auditCount = async (entityId: string) => Number((await ctx.dataSource.query(`SELECT count(*) FROM audit_log WHERE entity_id = $1`, [entityId]))[0].count);

  it('a secretary adds a person to its subtree; phone stored E.164, e-mail lowercased, audited', async () => {
    const res = await call('POST', '/api/v1/collaborators', world.secretaryA.headers, {
      code: 'CTV-A-1',
      organisationId: world.cellA.id,
      fullName: 'Phạm Thị Dung',
      phone: '84-905-123-456',
      email: ' Dung.Pham@Example.ORG ',
      tags: ['party_member', 'Reporter', 'party_member', 'cựu chiến binh'],
      joinedOn: '2024-03-01',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      code: 'CTV-A-1',
      phone: '+84905123456',
      email: 'dung.pham@example.org',
      tags: ['party_member', 'reporter', 'cựu chiến binh'],
      joinedOn: '2024-03-01',
      organisation: { id: world.cellA.id },
      version: 1,
    });
    expect(res.headers.etag).toBe('W/"1"');
    expect(await auditCount(body.id)).toBe(1);
    for (const [i, typed] of ['0905 123 456', '+84905123456', '0084 (0) 905.123.456'].entries()) {
      const r = await call('POST', '/api/v1/collaborators', world.admin.headers, { code: `P-${i}`, organisationId: world.unitA.id, fullName: 'X', phone: typed });
      expect(r.json().phone).toBe('+84905123456');
    }
  });

  it('answers bad input with field problems', async () => {
    const res = await call('POST', '/api/v1/collaborators', world.admin.headers, {
      code: 'C-BAD',
      organisationId: world.unitA.id,
      fullName: 'Bad',
      phone: '12345',
      email: 'not-an-email',
      joinedOn: '2024-13-01',
      tags: 'party_member',
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['phone', 'email', 'joinedOn', 'tags']));
    expect(res.json().errors.find((e: { field: string }) => e.field === 'phone').message).toMatch(/Vietnamese/);
    expect((await call('GET', '/api/v1/collaborators?tag=' + 'x'.repeat(50), world.admin.headers)).statusCode).toBe(400);
    expect((await call('GET', '/api/v1/collaborators?active=maybe', world.admin.headers)).statusCode).toBe(400);
    const dup = await call('POST', '/api/v1/collaborators', world.admin.headers, { code: world.personA.code, organisationId: world.unitA.id, fullName: 'Dup' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'COLLABORATOR_CODE_TAKEN', existing: { id: world.personA.id } });
  });

  it('never creates a person outside the secretary subtree', async () => {
    const res = await call('POST', '/api/v1/collaborators', world.secretaryA.headers, { code: 'CTV-OUT', organisationId: world.unitB.id, fullName: 'Ngoài' });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].field).toBe('organisationId');
    const [{ count }] = await ctx.dataSource.query(`SELECT count(*)::int AS count FROM collaborator WHERE code = 'CTV-OUT'`);
    expect(count).toBe(0);
    const move = await call('PATCH', `/api/v1/collaborators/${world.personA.id}`, world.secretaryA.headers, { organisationId: world.unitB.id, version: 1 });
    expect(move.statusCode).toBe(422);
    const foreign = await call('PATCH', `/api/v1/collaborators/${world.personB.id}`, world.secretaryA.headers, { fullName: 'X', version: 1 });
    expect(foreign.statusCode).toBe(404);
    expect((await call('DELETE', `/api/v1/collaborators/${world.personB.id}`, world.secretaryA.headers)).statusCode).toBe(404);
    expect((await call('POST', '/api/v1/collaborators', world.collaboratorA.headers, { code: 'C-S', organisationId: world.unitA.id, fullName: 'S' })).statusCode).toBe(403);
  });

  it('scopes reads: a secretary its subtree, a collaborator only itself, another unit 404', async () => {
    const secA = ids(await call('GET', '/api/v1/collaborators?limit=200', world.secretaryA.headers));
    expect(secA).toEqual(expect.arrayContaining([world.personA.id, world.personCellA.id]));
    expect(secA).not.toContain(world.personB.id);
    expect(ids(await call('GET', '/api/v1/collaborators', world.collaboratorA.headers))).toEqual([world.personA.id]);
    expect((await call('GET', `/api/v1/collaborators/${world.personCellA.id}`, world.collaboratorA.headers)).statusCode).toBe(404);
    const own = await call('GET', `/api/v1/collaborators/${world.personA.id}`, world.collaboratorA.headers);
    expect(own.json()).toMatchObject({ phone: '+84905123456', email: 'an@example.org' });
    expect((await call('GET', `/api/v1/collaborators/${world.personA.id}`, world.secretaryB.headers)).statusCode).toBe(404);
    expect((await call('GET', '/api/v1/collaborators/123', world.admin.headers)).statusCode).toBe(404);
  });

  it('filters by organisation (with or without its subtree), tag and active', async () => {
    const withSub = ids(await call('GET', `/api/v1/collaborators?organisationId=${world.unitA.id}&limit=200`, world.admin.headers));
    expect(withSub).toEqual(expect.arrayContaining([world.personA.id, world.personCellA.id]));
    const own = ids(await call('GET', `/api/v1/collaborators?organisationId=${world.unitA.id}&includeSubtree=false&limit=200`, world.admin.headers));
    expect(own).toContain(world.personA.id);
    expect(own).not.toContain(world.personCellA.id);
    const tagged = await createCollaborator(ctx.dataSource, { organisationId: world.unitB.id, tags: ['youth_union_member'] });
    expect(ids(await call('GET', '/api/v1/collaborators?tag=youth_union_member', world.admin.headers))).toEqual([tagged.id]);
    const gone = await createCollaborator(ctx.dataSource, { organisationId: world.unitB.id, active: false });
    const inactive = ids(await call('GET', '/api/v1/collaborators?active=false', world.admin.headers));
    expect(inactive).toContain(gone.id);
    expect(inactive).not.toContain(world.personB.id);
  });

  it('finds people ignoring diacritics and case', async () => {
    const dang = await createCollaborator(ctx.dataSource, { organisationId: world.unitB.id, fullName: 'Đặng Văn Đức' });
    const find = async (q: string) => ids(await call('GET', `/api/v1/collaborators?q=${encodeURIComponent(q)}&limit=200`, world.admin.headers));
    expect(await find('nguyen van an')).toContain(world.personA.id);
    expect(await find('NGUYEN VAN AN')).toContain(world.personA.id);
    expect(await find('dang van duc')).toEqual([dang.id]);
    expect(await find('d')).toEqual(expect.arrayContaining([dang.id]));
    expect(await find('đức')).toEqual([dang.id]);
    expect(await find('_')).toEqual([]);

    // paging through search results with a cursor returns each match once
    const all = await find('van');
    expect(all.length).toBeGreaterThan(2);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call('GET', `/api/v1/collaborators?q=van&limit=1${cursor ? `&cursor=${cursor}` : ''}`, world.admin.headers);
      paged.push(...ids(res));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(paged).toEqual(all);
  });

  it('updates with optimistic concurrency and deactivates on delete', async () => {
    const person = await createCollaborator(ctx.dataSource, { organisationId: world.cellA.id });
    const ok = await call('PATCH', `/api/v1/collaborators/${person.id}`, world.secretaryA.headers, { phone: '0912 345 678', tags: ['employee'], version: 1 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ phone: '+84912345678', tags: ['employee'], version: 2 });
    const stale = await call('PATCH', `/api/v1/collaborators/${person.id}`, world.secretaryA.headers, { fullName: 'Ghi đè', version: 1 });
    expect(stale.statusCode).toBe(409);
    const staleHeader = await call('PATCH', `/api/v1/collaborators/${person.id}`, { ...world.secretaryA.headers, 'if-match': 'W/"1"' }, { fullName: 'Ghi đè' });
    expect(staleHeader.statusCode).toBe(412);
    const badPhone = await call('PATCH', `/api/v1/collaborators/${person.id}`, world.secretaryA.headers, { phone: '+1 202 555 0100', version: 2 });
    expect(badPhone.statusCode).toBe(400);
    const cleared = await call('PATCH', `/api/v1/collaborators/${person.id}`, world.secretaryA.headers, { phone: null, email: '', version: 2 });
    expect(cleared.json()).toMatchObject({ phone: null, email: null, version: 3 });

    const del = await call('DELETE', `/api/v1/collaborators/${person.id}`, { ...world.secretaryA.headers, 'if-match': 'W/"3"' });
    expect(del.statusCode).toBe(200);
    expect(del.json()).toMatchObject({ active: false, version: 4 });
    expect(await auditCount(person.id)).toBe(3);
    const [row] = await ctx.dataSource.query(`SELECT full_name FROM collaborator WHERE id = $1`, [person.id]);
    expect(row.full_name).not.toBe('Ghi đè');
  });

  it('lets exactly one of two simultaneous edits of the same version win', async () => {
    const person = await createCollaborator(ctx.dataSource, { organisationId: world.unitA.id });
    const [a, b] = await Promise.all(
      ['Người thứ nhất', 'Người thứ hai'].map((fullName) => call('PATCH', `/api/v1/collaborators/${person.id}`, world.admin.headers, { fullName, version: 1 })),
    );
    expect([a!.statusCode, b!.statusCode].sort()).toEqual([200, 409]);
    const winner = (a!.statusCode === 200 ? a : b)!.json().fullName;
    const [row] = await ctx.dataSource.query(`SELECT full_name, version FROM collaborator WHERE id = $1`, [person.id]);
    expect(row).toEqual({ full_name: winner, version: 2 });
  });

  it('exports the scoped list; xlsx and csv read back like the list, Vietnamese intact', async () => {
    await createCollaborator(ctx.dataSource, { organisationId: world.unitA.id, fullName: '=HYPERLINK("http://evil","x")', phone: '+84987654321' });
    const list = (await call('GET', '/api/v1/collaborators?organisationId=' + world.unitA.id + '&limit=200&sort=code', world.secretaryA.headers)).json().items;
    const expected = list.map((c: { code: string; fullName: string; phone: string | null; organisation: { name: string } }) => [
      c.code,
      c.fullName.startsWith('=') ? `'${c.fullName}` : c.fullName,
      c.phone,
      c.organisation.name,
    ]);
    expect(expected.map((r: unknown[]) => r[1])).toContain('Nguyễn Văn An');

    const xlsx = await call('GET', `/api/v1/collaborators/export?format=xlsx&sort=code&organisationId=${world.unitA.id}`, world.secretaryA.headers);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual(expect.arrayContaining(['Mã', 'Họ và tên', 'Số điện thoại', 'Đơn vị']));
    expect(sheet.getColumn(2).width).toBe(30);
    const rows = sheet.getRows(2, sheet.rowCount - 1)!.map((r) => [1, 2, 3, 7].map((i) => r.getCell(i).value ?? null));
    expect(rows).toEqual(expected);

    const csv = await call('GET', `/api/v1/collaborators/export?format=csv&sort=code&organisationId=${world.unitA.id}`, world.secretaryA.headers);
    const records: string[][] = parse(csv.rawPayload, { bom: true });
    expect(records[0]![1]).toBe('Họ và tên');
    expect(records.slice(1).map((r) => [r[0], r[1], r[2] || null, r[6]])).toEqual(expected);

    const foreign = await call('GET', `/api/v1/collaborators/export?format=csv`, world.secretaryB.headers);
    expect(foreign.body).not.toContain('Nguyễn Văn An');
  });

  it('answers an export with a bad sort as a 400 problem before any file is sent (the fuzzer found a broken 200/500)', async () => {
    for (const sort of ['%C0%AF', 'nosuchcolumn']) {
      const res = await call('GET', `/api/v1/collaborators/export?format=xlsx&sort=${sort}`, world.admin.headers);
      expect(res.statusCode, sort).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('a search matching more than 1,000 people lists 1,000 of them in name order and says so; the export has every match', async () => {
    await ctx.dataSource.query(
      `INSERT INTO collaborator (code, organisation_id, full_name)
       SELECT 'LB-' || n, $1, 'Lê Bench ' || lpad(n::text, 4, '0') FROM generate_series(1, 1005) n`,
      [world.unitB.id],
    );
    const page = async (headers: Record<string, string>, query: string) => {
      const res = await call('GET', `/api/v1/collaborators?${query}`, headers);
      expect(res.statusCode).toBe(200);
      return res.json() as { items: Array<{ id: string; fullName: string }>; nextCursor: string | null; truncated?: boolean };
    };

    // paging through the capped list: 1,000 distinct people, in name order across pages, each page flagged
    const listed: Array<{ id: string; fullName: string }> = [];
    let cursor: string | null = null;
    do {
      const body = await page(world.admin.headers, `q=le%20bench&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expect(body.truncated).toBe(true);
      listed.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    expect(listed).toHaveLength(1000);
    expect(new Set(listed.map((c) => c.id)).size).toBe(1000);
    const names = listed.map((c) => c.fullName);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    // a narrower search is exact and not flagged; a list without a search has no flag
    const narrow = await page(world.admin.headers, 'q=le%20bench%20100&limit=200');
    expect(narrow.items.map((c) => c.fullName)).toEqual(['Lê Bench 1000', 'Lê Bench 1001', 'Lê Bench 1002', 'Lê Bench 1003', 'Lê Bench 1004', 'Lê Bench 1005']);
    expect(narrow.truncated).toBe(false);
    expect((await page(world.admin.headers, 'limit=1')).truncated).toBeUndefined();

    // another organisation's secretary finds none of them
    const foreign = await page(world.secretaryA.headers, 'q=le%20bench&limit=200');
    expect(foreign.items).toEqual([]);
    expect(foreign.truncated).toBe(false);

    // the export is not capped
    const csv = await call('GET', '/api/v1/collaborators/export?format=csv&q=le%20bench', world.admin.headers);
    expect(csv.statusCode).toBe(200);
    const records: string[][] = parse(csv.rawPayload, { bom: true });
    expect(records.slice(1).filter((r) => r[1]!.startsWith('Lê Bench'))).toHaveLength(1005);
  });
});
