import type ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify';
import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadExcel, loadPdfKit } from '../common/lazy-libraries.js';

/** A column of an exported table: Vietnamese header, value getter, and how to format it. */
export interface ExportColumn<T> {
  header: string;
  value: (row: T) => string | number | null;
  kind?: 'text' | 'count' | 'percent';
  width?: number;
}

export interface ExportSheet<T = Record<string, unknown>> {
  name: string;
  columns: ExportColumn<T>[];
  /** Read when the sheet is written (an async source streams from the database: nothing is held). */
  rows: () => Iterable<T> | AsyncIterable<T>;
  /** Sums the `count` columns into a final "Tổng cộng" row. */
  totals?: boolean;
}

export interface ExportDocument {
  title: string;
  unit: string;
  period: string;
  sheets: ExportSheet<unknown>[];
  /** Releases what reading the sheets left behind (a spool file); the caller runs it after writing. */
  dispose?: () => Promise<void>;
  /** For the PDF: ranking bars (label, completion rate 0–1, rank). */
  chart?: Array<{ label: string; rate: number | null; rank: number; assigned: number; done: number }>;
  summary?: string[];
}

/** Erases a sheet's row type so sheets of different rows fit in one document. */
export function sheet<T>(s: ExportSheet<T>): ExportSheet<unknown> {
  return s as unknown as ExportSheet<unknown>;
}

const PERCENT = '0.0%';
/**
 * One style object per kind of cell, shared by every cell of that kind: ExcelJS caches a style's
 * id by object identity, so a shared object is looked up once, where a style per cell (its
 * default: a fresh object per cell, or `cell.numFmt = …` on each) is serialised and hashed again
 * for every cell written.
 */
const PLAIN: Partial<ExcelJS.Style> = {};
const PERCENT_STYLE: Partial<ExcelJS.Style> = { numFmt: PERCENT };
const BOLD_STYLE: Partial<ExcelJS.Style> = { font: { bold: true } };
const TITLE_STYLE: Partial<ExcelJS.Style> = { font: { bold: true, size: 14 } };

/** Adds a row whose cells all share `style`, or per column (`styles[i]`), and commits it. */
function commitRow(ws: ExcelJS.Worksheet, values: unknown[], styles: Partial<ExcelJS.Style> | Array<Partial<ExcelJS.Style>>): void {
  const row = ws.addRow(values);
  row.eachCell({ includeEmpty: true }, (cell, n) => {
    cell.style = Array.isArray(styles) ? (styles[n - 1] ?? PLAIN) : styles;
  });
  row.commit();
}

/** .xlsx with ExcelJS's streaming writer: rows are committed as written, so memory stays flat. */
export async function writeXlsx(doc: ExportDocument, path: string): Promise<void> {
  const { stream } = await loadExcel();
  const workbook = new stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Outreach Coordinator';
  for (const sheet of doc.sheets) {
    const ws = workbook.addWorksheet(sheet.name.slice(0, 31));
    ws.columns = sheet.columns.map((c) => ({ width: c.width ?? (c.kind === 'text' || !c.kind ? 32 : 14) }));
    commitRow(ws, [doc.title], TITLE_STYLE);
    commitRow(ws, [`Đơn vị: ${doc.unit}`], PLAIN);
    commitRow(ws, [`Kỳ báo cáo: ${doc.period}`], PLAIN);
    commitRow(ws, [], PLAIN);
    commitRow(ws, sheet.columns.map((c) => c.header), BOLD_STYLE);
    const styles = sheet.columns.map((c) => (c.kind === 'percent' ? PERCENT_STYLE : PLAIN));
    const counts = sheet.columns.flatMap((c, i) => (c.kind === 'count' ? [i] : []));
    const sums = sheet.columns.map(() => 0);
    for await (const row of sheet.rows()) {
      const values = sheet.columns.map((c) => c.value(row));
      for (const i of counts) sums[i]! += Number(values[i] ?? 0);
      commitRow(ws, values, styles);
    }
    if (sheet.totals) {
      commitRow(ws, sheet.columns.map((c, i) => (i === 0 ? 'Tổng cộng' : c.kind === 'count' ? sums[i]! : null)), BOLD_STYLE);
    }
    ws.commit();
  }
  await workbook.commit();
}

/** .csv, UTF-8 with a BOM (so Excel opens Vietnamese correctly): the first sheet only. */
export async function writeCsv(doc: ExportDocument, path: string): Promise<void> {
  const sheet = doc.sheets[0]!;
  const out = createWriteStream(path);
  out.write('\uFEFF');
  const csv = stringify({ header: true, columns: sheet.columns.map((c) => c.header) });
  csv.pipe(out);
  for await (const row of sheet.rows()) {
    const values = sheet.columns.map((c) => {
      const v = c.value(row);
      return v === null ? '' : c.kind === 'percent' ? (Number(v) * 100).toFixed(1) + '%' : v;
    });
    if (!csv.write(values)) await once(csv, 'drain');
  }
  csv.end();
  await once(out, 'finish');
}

function fontPath(file: string): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [resolve(process.cwd(), 'assets/fonts', file), resolve(here, '../../assets/fonts', file), resolve(here, '../../../assets/fonts', file)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`Font ${file} not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * A one-page printable summary: title block, totals, and the ranking as a bar chart of the
 * completion rate per unit. DejaVu Sans (embedded) carries every Vietnamese glyph.
 */
export async function writePdf(doc: ExportDocument, path: string): Promise<void> {
  const PDFDocument = await loadPdfKit();
  const pdf = new PDFDocument({ size: 'A4', margin: 36, info: { Title: doc.title } });
  const out = createWriteStream(path);
  pdf.pipe(out);
  pdf.registerFont('body', fontPath('DejaVuSans.ttf'));
  pdf.registerFont('bold', fontPath('DejaVuSans-Bold.ttf'));
  const left = 36;
  const width = pdf.page.width - 72;
  pdf.font('bold').fontSize(15).text(doc.title, left, 36, { width, lineBreak: false });
  pdf.font('body').fontSize(10).text(`Đơn vị: ${doc.unit}`, left, 58, { width, lineBreak: false });
  pdf.text(`Kỳ báo cáo: ${doc.period}`, left, 72, { width, lineBreak: false });
  let y = 90;
  for (const line of doc.summary ?? []) {
    pdf.text(line, left, y, { width, lineBreak: false });
    y += 13;
  }
  y += 6;
  const bars = doc.chart ?? [];
  pdf.font('bold').fontSize(10).text('Xếp hạng và tỷ lệ hoàn thành theo đơn vị', left, y, { width, lineBreak: false });
  y += 16;
  const bottom = pdf.page.height - 40;
  const rowHeight = bars.length ? Math.min(16, (bottom - y) / bars.length) : 16;
  const fontSize = Math.max(4, Math.min(8, rowHeight - 2));
  const labelWidth = width * 0.45;
  const barLeft = left + labelWidth + 4;
  const barWidth = width - labelWidth - 60;
  pdf.font('body').fontSize(fontSize);
  bars.forEach((b, i) => {
    const top = y + i * rowHeight;
    pdf.fillColor('black').text(`${b.rank}. ${b.label}`, left, top, { width: labelWidth, height: rowHeight, lineBreak: false, ellipsis: true });
    const w = Math.max(0, (b.rate ?? 0) * barWidth);
    pdf.rect(barLeft, top + rowHeight * 0.15, w, rowHeight * 0.7).fill('#2b6cb0');
    pdf.fillColor('black').text(b.rate === null ? '—' : `${(b.rate * 100).toFixed(1)}%`, barLeft + w + 4, top, { width: 56, lineBreak: false });
  });
  pdf.end();
  await once(out, 'finish');
}
