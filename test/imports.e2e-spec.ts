import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwoUnitWorld } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';
import { csv, runImport, upload } from './import-support.js';

let ctx: TestContext;
let world: Awaited<ReturnType<typeof createTwoUnitWorld>>;

beforeAll(async () => {
  ctx = await createTestContext();
  world = await createTwoUnitWorld(ctx);
  await ctx.startWorker();
});
afterAll(async () => ctx?.close());

const VI_HEADERS = ['Mã CTV', 'Họ và tên', 'Số điện thoại', 'Thư điện tử', 'Đơn vị', 'Chức vụ', 'Đối tượng', 'Ngày tham gia'];

function collaboratorRows(prefix: string, n: number, organisation: string): string[][] {
  return Array.from({ length: n }, (_, i) => [
    `${prefix}${String(i + 1).padStart(4, '0')}`,
    `Nguyễn Văn ${i + 1}`,
    `0905 ${String(100_000 + i).slice(0, 3)} ${String(100_000 + i).slice(3)}`,
    `nv${prefix.toLowerCase()}${i}@example.org`,
    organisation,
    'Chuyên viên',
    'Đảng viên; Công chức',
    '15/03/2024',
  ]);
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = (await ctx.dataSource.query(sql, params)) as Array<{ n: number }>;
  return Number(row!.n);
}

describe('POST /api/v1/imports (collaborators)', () => {
  it('imports a CSV with Vietnamese headers, BOM and ";" (organisation by exact name); the same file again changes nothing', async () => {
    const file = '\uFEFF' + csv([VI_HEADERS, ...collaboratorRows('VIH', 5, 'Đảng bộ Sở Y tế')], ';');
    const auditBefore = await count(`SELECT count(*) AS n FROM audit_log WHERE entity = 'collaborator'`);

    const first = await runImport(ctx, world.admin.headers, { kind: 'collaborators', name: 'ctv.csv', content: file });
    expect(first).toMatchObject({ status: 'done', counts: { total: 5, applied: 5, created: 5, updated: 0, unchanged: 0, rejected: 0 }, appliedRows: [2, 3, 4, 5, 6] });
    const [stored] = await ctx.dataSource.query(`SELECT * FROM collaborator WHERE code = 'VIH0001'`);
    expect(stored).toMatchObject({ full_name: 'Nguyễn Văn 1', phone: '+84905100000', email: 'nvvih0@example.org', organisation_id: world.unitA.id, tags: ['civil_servant', 'party_member'] });
    expect((stored.joined_on as Date | string).toString()).toMatch(/2024-03-15|Mar 15 2024/);
    const audits = await ctx.dataSource.query(`SELECT actor_user_id, action, after FROM audit_log WHERE entity = 'collaborator' AND entity_id = $1`, [stored.id]);
    expect(audits).toEqual([expect.objectContaining({ actor_user_id: world.admin.id, action: 'collaborator.create' })]);

    const second = await runImport(ctx, world.admin.headers, { kind: 'collaborators', name: 'ctv.csv', content: file });
    expect(second).toMatchObject({ status: 'done', counts: { total: 5, applied: 0, unchanged: 5, rejected: 0 }, appliedRows: [] });
    expect(await count(`SELECT count(*) AS n FROM audit_log WHERE entity = 'collaborator'`)).toBe(auditBefore + 5);
  });

  it('applies 97 of 100 rows and reports the 3 bad ones with row numbers and columns', async () => {
    const rows = collaboratorRows('HUN', 100, world.unitA.code);
    rows[9]![2] = '12345'; // row 11: bad phone
    rows[49]![1] = '=HYPERLINK("http://evil.example","bấm")'; // row 51: formula injection
    rows[89]![4] = 'KHONG-CO'; // row 91: unknown unit
    const view = await runImport(ctx, world.admin.headers, { kind: 'collaborators', name: 'hundred.csv', content: csv([VI_HEADERS, ...rows]) });
    expect(view.status).toBe('done');
    expect(view.counts).toMatchObject({ total: 100, applied: 97, created: 97, rejected: 3 });
    expect(view.rejections).toEqual([
      expect.objectContaining({ row: 11, column: 'Số điện thoại', value: '12345' }),
      expect.objectContaining({ row: 51, column: 'Họ và tên', reason: expect.stringMatching(/formula/) }),
      expect.objectContaining({ row: 91, column: 'Đơn vị', value: 'KHONG-CO' }),
    ]);
    expect(view.appliedRows).toHaveLength(97);
    expect(view.appliedRows).not.toContain(51);
    expect(await count(`SELECT count(*) AS n FROM collaborator WHERE code LIKE 'HUN%'`)).toBe(97);
  });

  it('a dry run reports what would change and writes nothing', async () => {
    const before = await count(`SELECT count(*) AS n FROM collaborator`);
    const audits = await count(`SELECT count(*) AS n FROM audit_log`);
    const rows = collaboratorRows('DRY', 4, world.unitA.code);
    const view = await runImport(ctx, world.admin.headers, { kind: 'collaborators', dryRun: true, name: 'dry.csv', content: csv([VI_HEADERS, ...rows]) });
    expect(view).toMatchObject({ status: 'done', dryRun: true, counts: { total: 4, applied: 4, created: 4 } });
    expect(await count(`SELECT count(*) AS n FROM collaborator`)).toBe(before);
    expect(await count(`SELECT count(*) AS n FROM audit_log`)).toBe(audits);
  });

  it('reads .xlsx with English headers, Excel dates and updates only what differs; refuses formula cells', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet1');
    sheet.addRow(['code', 'FullName', 'phone', 'organisationCode', 'tags', 'joinedOn']);
    sheet.addRow(['XLS1', 'Trần Thị Xuân', '+84 912 345 679', world.unitA.code, 'party_member', new Date(Date.UTC(2023, 0, 31))]);
    sheet.addRow(['XLS2', { formula: 'CONCAT("a","b")', result: 'ab' }, '0912345680', world.unitA.code, '', '2023-02-01']);
    sheet.addRow(['VIH0001', 'Nguyễn Văn Một', '', world.unitA.code, '', '']); // rename an existing one; blanks keep stored values
    const content = Buffer.from(await workbook.xlsx.writeBuffer());
    const view = await runImport(ctx, world.admin.headers, { kind: 'collaborators', name: 'ctv.xlsx', content });
    expect(view.counts).toMatchObject({ total: 3, applied: 2, created: 1, updated: 1, rejected: 1 });
    expect(view.rejections).toEqual([expect.objectContaining({ row: 3, column: 'FullName', reason: expect.stringMatching(/formula/) })]);
    const [x] = await ctx.dataSource.query(`SELECT phone, to_char(joined_on, 'YYYY-MM-DD') AS joined FROM collaborator WHERE code = 'XLS1'`);
    expect(x).toEqual({ phone: '+84912345679', joined: '2023-01-31' });
    const [renamed] = await ctx.dataSource.query(`SELECT id, full_name, phone, tags FROM collaborator WHERE code = 'VIH0001'`);
    expect(renamed).toMatchObject({ full_name: 'Nguyễn Văn Một', phone: '+84905100000', tags: ['civil_servant', 'party_member'] });
    const [audit] = await ctx.dataSource.query(`SELECT before, after FROM audit_log WHERE entity_id = $1 AND action = 'collaborator.update'`, [renamed.id]);
    expect(audit).toEqual({ before: { fullName: 'Nguyễn Văn 1' }, after: { fullName: 'Nguyễn Văn Một' } });
  });
});

describe('imports by a secretary', () => {
  it("rejects rows for another unit, and another unit's secretary cannot read the import (404)", async () => {
    const rows = [...collaboratorRows('SEC', 2, world.cellA.code), ...collaboratorRows('SEB', 1, world.unitB.code)];
    const view = await runImport(ctx, world.secretaryA.headers, { kind: 'collaborators', name: 'sec.csv', content: csv([VI_HEADERS, ...rows]) });
    expect(view.counts).toMatchObject({ total: 3, applied: 2, rejected: 1 });
    expect(view.rejections).toEqual([expect.objectContaining({ row: 4, column: 'Đơn vị', reason: expect.stringMatching(/your organisation/) })]);
    expect(await count(`SELECT count(*) AS n FROM collaborator WHERE code = 'SEB0001'`)).toBe(0);

    const foreign = await ctx.app.inject({ method: 'GET', url: `/api/v1/imports/${view.id}`, headers: world.secretaryB.headers });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
    const asAdmin = await ctx.app.inject({ method: 'GET', url: `/api/v1/imports/${view.id}`, headers: world.admin.headers });
    expect(asAdmin.statusCode).toBe(200);
    const asCollaborator = await ctx.app.inject({ method: 'GET', url: `/api/v1/imports/${view.id}`, headers: world.collaboratorA.headers });
    expect(asCollaborator.statusCode).toBe(403);
  });

  it("cannot take over another unit's collaborator by reusing its code", async () => {
    const rows = [[world.personB.code, 'Kẻ Lạ', '', '', world.unitA.code, '', '', '']];
    const view = await runImport(ctx, world.secretaryA.headers, { kind: 'collaborators', name: 'steal.csv', content: csv([VI_HEADERS, ...rows]) });
    expect(view.counts).toMatchObject({ applied: 0, rejected: 1 });
    const [person] = await ctx.dataSource.query(`SELECT organisation_id, full_name FROM collaborator WHERE id = $1`, [world.personB.id]);
    expect(person).toEqual({ organisation_id: world.unitB.id, full_name: 'Lê Văn Cường' });
  });

  it('may add organisations inside its tree only, and may not move its own unit', async () => {
    const rows = [
      ['Mã đơn vị', 'Tên', 'Loại', 'Mã đơn vị cấp trên'],
      ['SEC-CELL', 'Chi bộ Phòng Mới', 'Chi bộ trực thuộc', world.cellA.code],
      ['SEC-OUT', 'Chi bộ Ngoài', 'Chi bộ trực thuộc', world.unitB.code],
      [world.unitA.code, 'Đảng bộ Sở Y tế', 'Đảng bộ cơ sở', world.unitB.code],
      [world.unitB.code, 'Đổi tên B', 'Chi bộ cơ sở', world.root.code],
    ];
    const view = await runImport(ctx, world.secretaryA.headers, { kind: 'organisations', name: 'o.csv', content: csv(rows) });
    expect(view.counts).toMatchObject({ total: 4, applied: 1, rejected: 3 });
    expect(view.rejections.map((r) => r.row)).toEqual([3, 4, 5]);
    const [unitB] = await ctx.dataSource.query(`SELECT name FROM organisation WHERE id = $1`, [world.unitB.id]);
    expect(unitB.name).toBe('Chi bộ Sở Tư pháp');
    const [cell] = await ctx.dataSource.query(`SELECT ancestors FROM organisation WHERE code = 'SEC-CELL'`);
    expect(cell.ancestors.slice(0, 3)).toEqual([world.root.id, world.unitA.id, world.cellA.id]);
  });

  it("may add channels in its tree only, with admins from its tree only", async () => {
    const rows = [
      ['Mã kênh', 'Mã đơn vị', 'Nền tảng', 'Tên kênh', 'Đường dẫn', 'Quản trị viên'],
      ['SEC-CH-1', world.cellA.code, 'Nhóm Zalo', 'Nhóm chi bộ', 'https://zalo.me/g/secch1abc', world.personCellA.code],
      ['SEC-CH-2', world.unitB.code, 'Nhóm Zalo', 'Nhóm B', 'https://zalo.me/g/secch2abc', ''],
      ['SEC-CH-3', world.unitA.code, 'Nhóm Zalo', 'Nhóm A', 'https://zalo.me/g/secch3abc', world.personB.code],
    ];
    const view = await runImport(ctx, world.secretaryA.headers, { kind: 'channels', name: 'k.csv', content: csv(rows) });
    expect(view.counts).toMatchObject({ total: 3, applied: 1, rejected: 2 });
    expect(view.rejections.map((r) => [r.row, r.column])).toEqual([
      [3, 'Mã đơn vị'],
      [4, 'Quản trị viên'],
    ]);
  });

  it('refuses anonymous callers (401) and collaborators (403) at upload', async () => {
    const file = { kind: 'collaborators', name: 'x.csv', content: csv([VI_HEADERS]) };
    expect((await upload(ctx, {}, file)).statusCode).toBe(401);
    expect((await upload(ctx, world.collaboratorA.headers, file)).statusCode).toBe(403);
  });

  it("an admin's import is hidden from secretaries", async () => {
    const view = await runImport(ctx, world.admin.headers, { kind: 'collaborators', name: 'a.csv', content: csv([VI_HEADERS, ...collaboratorRows('ADM', 1, world.unitA.code)]) });
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/imports/${view.id}`, headers: world.secretaryA.headers });
    expect(res.statusCode).toBe(404);
  });
});

describe('POST /api/v1/imports (organisations, channels)', () => {
  it('places organisations whose parents come later in the file, computes ancestors, refuses a cycle', async () => {
    const rows = [
      ['Mã đơn vị', 'Tên', 'Tên viết tắt', 'Loại', 'Mã đơn vị cấp trên'],
      ['CELL-1', 'Chi bộ Phòng Một', 'Phòng Một', 'Chi bộ trực thuộc', 'NEW-GR'],
      ['NEW-GR', 'Đảng bộ Công ty Mới', 'Công ty Mới', 'Đảng bộ cơ sở', world.root.code],
      ['LOOP-A', 'Vòng A', '', 'Chi bộ cơ sở', 'LOOP-B'],
      ['LOOP-B', 'Vòng B', '', 'Chi bộ cơ sở', 'LOOP-A'],
      ['BADKIND', 'Không rõ', '', 'Hợp tác xã', world.root.code],
    ];
    const view = await runImport(ctx, world.admin.headers, { kind: 'organisations', name: 'orgs.csv', content: csv(rows) });
    expect(view.counts).toMatchObject({ total: 5, applied: 2, rejected: 3 });
    expect(view.rejections.map((r) => [r.row, r.column])).toEqual([
      [4, 'Mã đơn vị cấp trên'],
      [5, 'Mã đơn vị cấp trên'],
      [6, 'Loại'],
    ]);
    const orgs = await ctx.dataSource.query(`SELECT code, kind, ancestors, depth, parent_id FROM organisation WHERE code IN ('NEW-GR', 'CELL-1') ORDER BY depth`);
    expect(orgs[0]).toMatchObject({ code: 'NEW-GR', kind: 'grassroots_committee', depth: 1, parent_id: world.root.id });
    expect(orgs[1]).toMatchObject({ code: 'CELL-1', kind: 'affiliated_cell', depth: 2 });
    const [newGr] = await ctx.dataSource.query(`SELECT id FROM organisation WHERE code = 'NEW-GR'`);
    expect(orgs[1].ancestors).toEqual([world.root.id, newGr.id, expect.any(String)]);

    const again = await runImport(ctx, world.admin.headers, { kind: 'organisations', name: 'orgs.csv', content: csv(rows) });
    expect(again.counts).toMatchObject({ applied: 0, unchanged: 2 });
    const blankShortName = await runImport(ctx, world.admin.headers, { kind: 'organisations', name: 'o2.csv', content: csv([rows[0]!, ['NEW-GR', 'Đảng bộ Công ty Mới', '', 'Đảng bộ cơ sở', '']]) });
    expect(blankShortName.counts).toMatchObject({ applied: 0, unchanged: 1 });
  });

  it('imports channels with platform labels, normalised URLs and admins by code', async () => {
    const rows = [
      ['Mã kênh', 'Mã đơn vị', 'Nền tảng', 'Tên kênh', 'Đường dẫn', 'Số thành viên', 'Quản trị viên'],
      ['CH-1', world.unitA.code, 'Fanpage', 'Trang Sở Y tế', 'https://m.facebook.com/soyte.imp/?ref=share', '1.200', world.personA.code],
      ['CH-2', world.unitA.code, 'Nhóm Zalo', 'Nhóm CTV', 'zalo.me/g/abcdef12', '', ''],
      ['CH-3', world.unitA.code, 'Fax', 'Máy fax', 'https://example.org', '', ''],
      ['CH-4', world.unitA.code, 'Fanpage', 'Trùng', 'https://facebook.com/soyte.imp', '', ''],
    ];
    const view = await runImport(ctx, world.admin.headers, { kind: 'channels', name: 'kenh.csv', content: csv(rows) });
    expect(view.counts).toMatchObject({ total: 4, applied: 2, rejected: 2 });
    expect(view.rejections.map((r) => [r.row, r.column])).toEqual([
      [4, 'Nền tảng'],
      [5, 'Đường dẫn'],
    ]);
    const [ch] = await ctx.dataSource.query(`SELECT id, platform, url, audience_size FROM channel WHERE code = 'CH-1'`);
    expect(ch).toMatchObject({ platform: 'facebook_page', url: 'https://facebook.com/soyte.imp', audience_size: 1200 });
    const admins = await ctx.dataSource.query(`SELECT collaborator_id FROM channel_admin WHERE channel_id = $1`, [ch.id]);
    expect(admins).toEqual([{ collaborator_id: world.personA.id }]);
    const again = await runImport(ctx, world.admin.headers, { kind: 'channels', name: 'kenh.csv', content: csv(rows) });
    expect(again.counts).toMatchObject({ applied: 0, unchanged: 2, rejected: 2 });
  });
});

describe('bad files', () => {
  const admin = () => world.admin.headers;

  it.each([
    ['a PNG renamed .xlsx', 'photo.xlsx', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['text renamed .xlsx', 'notes.xlsx', Buffer.from('Mã CTV,Họ và tên\nA,B\n')],
    ['a PNG renamed .csv', 'photo.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['a .txt file', 'list.txt', Buffer.from('code,fullName\n')],
  ])('refuses %s with a 400 problem', async (_what, name, content) => {
    const res = await upload(ctx, admin(), { kind: 'collaborators', name, content });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'IMPORT_FILE_UNSUPPORTED', status: 400 });
  });

  it('refuses an empty file, a missing file, and a bad kind or dryRun', async () => {
    expect((await upload(ctx, admin(), { kind: 'collaborators', name: 'empty.csv', content: '' })).json()).toMatchObject({ status: 400, code: 'IMPORT_FILE_EMPTY' });
    const res = await upload(ctx, admin(), { kind: 'people', dryRun: 'maybe' as unknown as boolean, name: 'x.csv', content: 'a' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['dryRun', 'kind']);
    const { multipart } = await import('./import-support.js');
    const body = multipart({ kind: 'collaborators' });
    const noFile = await ctx.app.inject({ method: 'POST', url: '/api/v1/imports', payload: body.payload, headers: { ...admin(), ...body.headers } });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().errors).toEqual([expect.objectContaining({ field: 'file' })]);
    const json = await ctx.app.inject({ method: 'POST', url: '/api/v1/imports', payload: { kind: 'collaborators' }, headers: admin() });
    expect(json.statusCode).toBe(415);
  });

  it('refuses a 50 MB upload with 413', async () => {
    const res = await upload(ctx, admin(), { kind: 'collaborators', name: 'huge.csv', content: Buffer.alloc(50 * 1024 * 1024, 'a') });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it.each([
    ['invalid UTF-8', 'latin1.csv', Buffer.from('Mã CTV,Họ và tên,Đơn vị\nA1,Nguy\xean,X\n', 'latin1'), /UTF-8/],
    ['only headers', 'headers.csv', Buffer.from('Mã CTV,Họ và tên,Đơn vị\r\n'), /no data rows/],
    ['missing required columns', 'cols.csv', Buffer.from('Mã CTV,Ghi chú\nA1,x\n'), /missing required column.*Họ và tên.*Mã đơn vị/],
    ['a broken zip as .xlsx', 'broken.xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]), /not a readable \.xlsx/],
    ['blank lines only', 'blank.csv', Buffer.from('\uFEFF\r\n\r\n'), /empty/],
  ])('%s → a failed import with a clear reason', async (_what, name, content, reason) => {
    const view = await runImport(ctx, admin(), { kind: 'collaborators', name, content });
    expect(view.status).toBe('failed');
    expect(view.failureReason).toMatch(reason);
  });
});

describe('GET /api/v1/imports/:id and templates', () => {
  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/imports/not-a-uuid', headers: world.admin.headers })).statusCode).toBe(400);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/imports/00000000-0000-4000-8000-000000000000', headers: world.admin.headers })).statusCode).toBe(404);
  });

  it('serves an xlsx template with Vietnamese headers; uploading it unchanged imports nothing', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/imports/templates/collaborators?format=xlsx', headers: world.secretaryA.headers });
    expect(res.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual(expect.arrayContaining(['Mã CTV', 'Họ và tên', 'Số điện thoại', 'Mã đơn vị', 'Ghi chú']));
    const view = await runImport(ctx, world.admin.headers, { kind: 'collaborators', name: 'template.xlsx', content: res.rawPayload });
    expect(view).toMatchObject({ status: 'done', counts: { total: 0, applied: 0 } });
  });

  it('serves a CSV template with a BOM; refuses an unknown kind or format', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/imports/templates/channels?format=csv', headers: world.admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(res.body).toContain('Nền tảng');
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/imports/templates/people', headers: world.admin.headers })).statusCode).toBe(400);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/imports/templates/channels?format=pdf', headers: world.admin.headers })).statusCode).toBe(400);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/imports/templates/channels', headers: world.collaboratorA.headers })).statusCode).toBe(403);
  });
});

