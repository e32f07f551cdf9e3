import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ExportDocument, sheet, writeCsv, writePdf, writeXlsx } from './export-renderers.js';

type Unit = { name: string; assigned: number; done: number; rate: number | null };

/** A province-sized ranking: 118 units with long Vietnamese names, some with nothing assigned. */
function ranking(count: number): ExportDocument {
  const units: Unit[] = Array.from({ length: count }, (_, i) => {
    const assigned = i % 10 === 9 ? 0 : 40 + i;
    const done = Math.floor(assigned * ((i * 37) % 100) / 100);
    return { name: `Đảng bộ cơ sở Trường Trung học phổ thông Nguyễn Huệ số ${i + 1}`, assigned, done, rate: assigned ? done / assigned : null };
  });
  return {
    title: 'Báo cáo kết quả chia sẻ tin bài theo đơn vị',
    unit: 'Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh',
    period: 'Từ 01/11/2026 đến 30/11/2026',
    summary: ['Tổng nhiệm vụ: 1 — đã hoàn thành: 1'],
    chart: units.map((u, i) => ({ label: u.name, rate: u.rate, rank: i + 1, assigned: u.assigned, done: u.done })),
    sheets: [
      sheet<Unit>({
        name: 'Xếp hạng đơn vị',
        totals: true,
        rows: async function* () {
          // An async source, as the streamed per-collaborator export gives.
          for (const u of units) yield u;
        },
        columns: [
          { header: 'Đơn vị', value: (u) => u.name },
          { header: 'Được giao', value: (u) => u.assigned, kind: 'count' },
          { header: 'Hoàn thành', value: (u) => u.done, kind: 'count' },
          { header: 'Tỷ lệ hoàn thành', value: (u) => u.rate, kind: 'percent' },
        ],
      }),
    ],
  };
}

describe('export renderers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outreach-renderers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fits a 118-unit ranking on one printable page with every Vietnamese label intact', async () => {
    const doc = ranking(118);
    const path = join(dir, 'ranking.pdf');
    await writePdf(doc, path);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const pdf = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(path)), useSystemFonts: false }).promise;
    expect(pdf.numPages).toBe(1);
    const text = (await (await pdf.getPage(1)).getTextContent()).items
      .map((i) => ('str' in i ? i.str : ''))
      .join(' ')
      .normalize('NFC');
    expect(text).toContain('Báo cáo kết quả chia sẻ tin bài theo đơn vị');
    expect(text).toContain('Kỳ báo cáo: Từ 01/11/2026 đến 30/11/2026');
    expect(text).toContain('Xếp hạng và tỷ lệ hoàn thành theo đơn vị');
    // First and last bars are on the page, with their rates (—: nothing assigned).
    expect(text).toContain('1. Đảng bộ cơ sở');
    expect(text).toMatch(/118\. Đảng bộ cơ sở/);
    const last = doc.chart!.at(-1)!;
    expect(text).toContain(last.rate === null ? '—' : `${(last.rate * 100).toFixed(1)}%`);
  });

  it('writes async row sources to .xlsx and .csv with the same figures and totals', async () => {
    const doc = ranking(30);
    const xlsx = join(dir, 'ranking.xlsx');
    const csv = join(dir, 'ranking.csv');
    await writeXlsx(doc, xlsx);
    await writeCsv(doc, csv);
    const units = [];
    for await (const u of doc.sheets[0]!.rows() as AsyncIterable<Unit>) units.push(u);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const ws = wb.getWorksheet('Xếp hạng đơn vị')!;
    expect(ws.getRow(5).values).toEqual([undefined, 'Đơn vị', 'Được giao', 'Hoàn thành', 'Tỷ lệ hoàn thành']);
    expect(ws.getRow(6).getCell(1).value).toBe(units[0]!.name);
    const totals = ws.getRow(6 + units.length);
    expect(totals.getCell(1).value).toBe('Tổng cộng');
    expect(totals.getCell(2).value).toBe(units.reduce((s, u) => s + u.assigned, 0));
    expect(totals.getCell(3).value).toBe(units.reduce((s, u) => s + u.done, 0));

    const text = readFileSync(csv, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows: Array<Record<string, string>> = parse(text.slice(1), { columns: true });
    expect(rows).toHaveLength(units.length);
    expect(rows[3]).toEqual({
      'Đơn vị': units[3]!.name,
      'Được giao': String(units[3]!.assigned),
      'Hoàn thành': String(units[3]!.done),
      'Tỷ lệ hoàn thành': units[3]!.rate === null ? '' : `${(units[3]!.rate * 100).toFixed(1)}%`,
    });
  });
});
