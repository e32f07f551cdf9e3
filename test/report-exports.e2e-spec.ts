import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { streamRows } from '../src/common/database/stream-rows.js';
import { ReportExportService } from '../src/reports/report-export.service.js';
import { createChannel, createTwoUnitWorld, type TestUser } from './support/fixtures.js';
import { withAdmin } from './support/postgres.js';
import { completeTask, createCampaign, createItem, createTask, markUnable } from './support/report-fixtures.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';

/** Exports are built by the worker, read back with real parsers, and only their requester gets them. */
describe('report exports', () => {
  let ctx: TestContext;
  let w: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  const storage = `/tmp/outreach-test-exports-${process.pid}`;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { STORAGE_DIR: storage, EXPORT_RETENTION_HOURS: '1' } });
    await ctx.startWorker();
    const ds = ctx.dataSource;
    w = await createTwoUnitWorld(ctx);
    const chA = await createChannel(ds, { organisationId: w.unitA.id });
    const chB = await createChannel(ds, { organisationId: w.unitB.id });
    const k = await createCampaign(ds, { title: 'Tuyên truyền Nghị quyết', deadline: '2026-11-20T10:00:00Z' });
    const items = [await createItem(ds, k.id), await createItem(ds, k.id), await createItem(ds, k.id)];
    // Unit A: 3 tasks, 2 done on time, 1 unable. Unit B: 3 tasks, 1 done late, 2 pending. Person A: 1 personal task done.
    const a = await Promise.all(items.map((i) => createTask(ds, { campaignId: k.id, itemId: i.id, organisationId: w.unitA.id, platform: 'facebook_page', channelId: chA.id, deadline: '2026-11-20T10:00:00Z' })));
    const b = await Promise.all(items.map((i) => createTask(ds, { campaignId: k.id, itemId: i.id, organisationId: w.unitB.id, platform: 'facebook_page', channelId: chB.id, deadline: '2026-11-20T10:00:00Z' })));
    await completeTask(ds, a[0]!, '2026-11-19T10:00:00Z', w.personA.id);
    await completeTask(ds, a[1]!, '2026-11-20T09:00:00Z', w.personA.id);
    await markUnable(ds, a[2]!);
    await completeTask(ds, b[0]!, '2026-11-21T10:00:00Z', w.personB.id);
    const personal = await createTask(ds, { campaignId: k.id, itemId: items[0]!.id, organisationId: w.unitA.id, platform: 'zalo_group', collaboratorId: w.personA.id, deadline: '2026-11-20T10:00:00Z' });
    await completeTask(ds, personal, '2026-11-18T10:00:00Z', w.personA.id);
  });
  afterAll(async () => {
    await ctx?.close();
    rmSync(storage, { recursive: true, force: true });
  });

  async function exportAndWait(user: TestUser, body: unknown): Promise<string> {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/reports/exports', headers: user.headers, payload: body as object });
    expect(res.statusCode, res.body).toBe(202);
    const { id } = res.json();
    await waitFor(
      async () => {
        const s = (await ctx.app.inject({ method: 'GET', url: `/api/v1/reports/exports/${id}`, headers: user.headers })).json();
        if (s.status === 'failed') throw new Error(s.error);
        return s.status === 'ready';
      },
      { timeoutMs: 20_000, what: `export ${id}` },
    );
    return id;
  }

  const download = (user: TestUser, id: string) => ctx.app.inject({ method: 'GET', url: `/api/v1/reports/exports/${id}/download`, headers: user.headers });

  it('builds an .xlsx with a title block, Vietnamese headers, percentages and a totals row', async () => {
    const id = await exportAndWait(w.admin, { report: 'organisations', format: 'xlsx', filters: { period: 'month', date: '2026-11-05', kind: 'grassroots_committee' } });
    const res = await download(w.admin, id);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Xếp hạng đơn vị', 'Đơn vị cần lưu ý']);
    const ws = wb.worksheets[0]!;
    expect(ws.getCell('A1').value).toBe('Báo cáo kết quả chia sẻ tin bài theo đơn vị');
    expect(ws.getCell('A2').value).toBe('Đơn vị: Tất cả đơn vị');
    expect(ws.getCell('A3').value).toBe('Kỳ báo cáo: Từ 01/11/2026 đến 30/11/2026');
    const header = ws.getRow(5).values as unknown[];
    expect(header.slice(1, 5)).toEqual(['Đơn vị', 'Mã', 'Được giao', 'Hoàn thành']);
    expect(header).toContain('Tỷ lệ hoàn thành');
    const row = ws.getRow(6);
    // Unit A (only grassroots_committee): 4 tasks with the personal one, 3 done on time, 1 unable.
    expect(row.getCell(1).value).toBe('Đảng bộ Sở Y tế');
    expect([row.getCell(3).value, row.getCell(4).value, row.getCell(5).value, row.getCell(8).value]).toEqual([4, 3, 3, 1]);
    expect(row.getCell(11).value).toBe(0.75);
    expect(row.getCell(11).numFmt).toBe('0.0%');
    const totals = ws.getRow(7);
    expect(totals.getCell(1).value).toBe('Tổng cộng');
    expect(totals.getCell(3).value).toBe(4);
  });

  it('builds a .csv with a UTF-8 BOM that parses back to the same figures', async () => {
    const id = await exportAndWait(w.admin, { report: 'organisations', format: 'csv', filters: { period: 'month', date: '2026-11-05' } });
    const res = await download(w.admin, id);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parse(res.rawPayload, { bom: true, columns: true }) as Array<Record<string, string>>;
    const b = rows.find((r) => r['Đơn vị'] === 'Chi bộ Sở Tư pháp')!;
    expect(b).toMatchObject({ 'Được giao': '3', 'Hoàn thành': '1', 'Đúng hạn': '0', 'Trễ hạn': '1', 'Đang chờ': '2', 'Tỷ lệ hoàn thành': '33.3%' });
    expect(rows.find((r) => r['Đơn vị'] === 'Chi bộ Phòng Kế hoạch')).toMatchObject({ 'Được giao': '0', 'Tỷ lệ hoàn thành': '' });
  });

  it('builds a one-page .pdf whose text keeps its Vietnamese and its figures', async () => {
    const id = await exportAndWait(w.secretaryA, { report: 'organisations', format: 'pdf', filters: { period: 'month', date: '2026-11-05' } });
    const res = await download(w.secretaryA, id);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(res.rawPayload), useSystemFonts: false }).promise;
    expect(doc.numPages).toBe(1);
    const page = await doc.getPage(1);
    const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ').normalize('NFC');
    expect(text).toContain('Báo cáo kết quả chia sẻ tin bài theo đơn vị');
    expect(text).toContain('Đơn vị: Đảng bộ Sở Y tế');
    expect(text).toContain('1. Đảng bộ Sở Y tế');
    expect(text).toContain('75.0%');
    expect(text).not.toContain('Chi bộ Sở Tư pháp');
  });

  it('exports the per-collaborator report as .xlsx with the inactive on their own sheet', async () => {
    const id = await exportAndWait(w.secretaryA, { report: 'collaborators', format: 'xlsx', filters: { period: 'month', date: '2026-11-05' } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(w.secretaryA, id)).rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Cộng tác viên')!;
    const names = [6, 7].map((r) => ws.getRow(r).getCell(1).value).sort();
    expect(names).toEqual(['Nguyễn Văn An', 'Trần Thị Bình']);
    const an = [6, 7].map((r) => ws.getRow(r)).find((r) => r.getCell(1).value === 'Nguyễn Văn An')!;
    expect([an.getCell(4).value, an.getCell(5).value, an.getCell(6).value]).toEqual([1, 1, 1]);
    expect(wb.getWorksheet('Chưa hoạt động')!.getRow(6).getCell(1).value).toBe('Trần Thị Bình');
  });

  it('streams the per-collaborator report to .csv that parses back to the same figures', async () => {
    const id = await exportAndWait(w.secretaryA, { report: 'collaborators', format: 'csv', filters: { period: 'month', date: '2026-11-05' } });
    const res = await download(w.secretaryA, id);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows: Array<Record<string, string>> = parse(res.rawPayload.toString('utf8').slice(1), { columns: true });
    const api = (await ctx.app.inject({ method: 'GET', url: '/api/v1/reports/collaborators?period=month&date=2026-11-05', headers: w.secretaryA.headers })).json();
    expect(rows.map((r) => r['Họ và tên'])).toEqual(api.items.map((i: { fullName: string }) => i.fullName));
    const an = rows.find((r) => r['Họ và tên'] === 'Nguyễn Văn An')!;
    expect([an['Được giao'], an['Hoàn thành'], an['Đúng hạn'], an['Tỷ lệ hoàn thành']]).toEqual(['1', '1', '1', '100.0%']);
    expect(rows.find((r) => r['Họ và tên'] === 'Trần Thị Bình')!['Hoàn thành']).toBe('0');
  });

  it("gives a streamed read's connection back, outside any transaction, when its reader stops early", async () => {
    const ds = ctx.dataSource;
    // More early stops than the pool has connections: a leak would hang here.
    for (let i = 0; i < 30; i++) {
      let seen = 0;
      for await (const row of streamRows<{ n: number }>(ds, 'SELECT n FROM generate_series(1, 100000) n', [])) {
        seen = row.n;
        if (seen === 5) break;
      }
      expect(seen).toBe(5);
    }
    // Asked from a connection outside the app's pool (a leaked one could otherwise be the one asking),
    // and only about this test's reads: the worker may be building an export in a transaction meanwhile.
    const { rows: [{ stuck }] } = await withAdmin((c) =>
      c.query<{ stuck: number }>(
        `SELECT count(*)::int AS stuck FROM pg_stat_activity
          WHERE datname = $1 AND state LIKE 'idle in transaction%' AND query LIKE '%generate_series(1, 100000)%'`,
        [ctx.dbName],
      ),
    );
    expect(stuck).toBe(0);
    const all: number[] = [];
    for await (const row of streamRows<{ n: number }>(ds, 'SELECT n FROM generate_series(1, $1::int) n', [2500])) all.push(row.n);
    expect(all).toHaveLength(2500);
    expect(all.at(-1)).toBe(2500);
  });

  it('lets only the requester see or download an export (others: 404)', async () => {
    const id = await exportAndWait(w.secretaryA, { report: 'organisations', format: 'csv' });
    expect((await download(w.secretaryA, id)).statusCode).toBe(200);
    expect((await download(w.secretaryB, id)).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/v1/reports/exports/${id}`, headers: w.secretaryB.headers })).statusCode).toBe(404);
    expect((await download(w.admin, id)).statusCode).toBe(404);
  });

  it('refuses bad export requests with 4xx problems', async () => {
    const post = (payload: unknown, user = w.admin) => ctx.app.inject({ method: 'POST', url: '/api/v1/reports/exports', headers: user.headers, payload: payload as object });
    expect((await post({ report: 'nope', format: 'xlsx' })).statusCode).toBe(400);
    expect((await post({ report: 'organisations', format: 'docx' })).statusCode).toBe(400);
    expect((await post({ report: 'organisations', format: 'csv', filters: { period: 'decade' } })).statusCode).toBe(400);
    expect((await post({ report: 'collaborators', format: 'pdf' })).statusCode).toBe(422);
    expect((await post({ report: 'organisations', format: 'csv', filters: { subtreeOf: w.unitB.id } }, w.secretaryA)).statusCode).toBe(404);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/reports/exports/not-a-uuid', headers: w.admin.headers })).statusCode).toBe(400);
  });

  it('removes exports past their retention time', async () => {
    const id = await exportAndWait(w.admin, { report: 'organisations', format: 'csv' });
    const [row] = await ctx.dataSource.query(`SELECT storage_path FROM report_export WHERE id = $1`, [id]);
    expect(existsSync(row.storage_path)).toBe(true);
    await ctx.dataSource.query(`UPDATE report_export SET expires_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    const result = await ctx.app.get(ReportExportService).cleanupJob();
    expect(result.removed).toBeGreaterThanOrEqual(1);
    expect(existsSync(row.storage_path)).toBe(false);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/v1/reports/exports/${id}`, headers: w.admin.headers })).json().status).toBe('expired');
    expect((await download(w.admin, id)).statusCode).toBe(409);
  });
});
