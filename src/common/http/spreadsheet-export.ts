import { IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { stringify } from 'csv-stringify';
import type { FastifyReply } from 'fastify';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadExcel } from '../lazy-libraries.js';

export const EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export class ExportFormatDto {
  @ApiProperty({ enum: EXPORT_FORMATS })
  @IsIn(EXPORT_FORMATS)
  format: ExportFormat;
}

export interface ExportColumn<T> {
  /** Vietnamese header as offices read it. */
  header: string;
  width: number;
  value: (row: T) => string | number | boolean | null | undefined;
}

export interface ExportSpec<T> {
  format: ExportFormat;
  /** File name without extension, ASCII. */
  filename: string;
  sheetName: string;
  columns: ExportColumn<T>[];
  /** The rows, page by page (the list's own keyset paging, same scope and filters). */
  pages: AsyncIterable<T[]>;
}

const FORMULA_START = /^[=+\-@\t\r]/;
/** "+84905123456": a signed number, never a formula; kept as is so exports stay re-importable. */
const PHONE_LIKE = /^\+\d{6,15}$/;

/**
 * Spreadsheet formula injection: a text cell that a spreadsheet could read as a formula gets a
 * leading `'`, so `=HYPERLINK(...)` typed into a name is shown, never evaluated.
 */
export function neutraliseCell(value: string | number | boolean | null | undefined): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return value;
  return FORMULA_START.test(value) && !PHONE_LIKE.test(value) ? `'${value}` : value;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/**
 * Streams a list as .xlsx (frozen bold header row, column widths) or .csv (UTF-8 with BOM so
 * Excel shows Vietnamese correctly). Rows are written as pages arrive; memory stays bounded.
 */
export async function sendExport<T>(reply: FastifyReply, spec: ExportSpec<T>, onError: (error: unknown) => void): Promise<void> {
  // The first page is read before anything is sent, so a bad filter or sort is answered as a 4xx
  // problem by the error filter instead of breaking a 200 stream already under way.
  const iterator = spec.pages[Symbol.asyncIterator]();
  const first = await iterator.next();
  const pages = (async function* () {
    for (let next = first; !next.done; next = await iterator.next()) yield next.value;
  })();
  spec = { ...spec, pages };
  const body = new PassThrough();
  const stamp = new Date().toISOString().slice(0, 10);
  void reply
    .header('content-type', CONTENT_TYPES[spec.format])
    .header('content-disposition', `attachment; filename="${spec.filename}-${stamp}.${spec.format}"`)
    .header('cache-control', 'no-store')
    .send(body);
  const write = spec.format === 'xlsx' ? writeXlsx(body, spec) : writeCsv(body, spec);
  write.catch((error: unknown) => {
    onError(error);
    body.destroy(error instanceof Error ? error : new Error(String(error)));
  });
}

async function writeCsv<T>(out: PassThrough, spec: ExportSpec<T>): Promise<void> {
  async function* records() {
    for await (const page of spec.pages) {
      for (const row of page) yield spec.columns.map((c) => neutraliseCell(c.value(row)));
    }
  }
  const stringifier = stringify({ bom: true, header: true, columns: spec.columns.map((c) => c.header), cast: { boolean: (b) => (b ? 'true' : 'false') } });
  await pipeline(Readable.from(records()), stringifier, out);
}

async function writeXlsx<T>(out: PassThrough, spec: ExportSpec<T>): Promise<void> {
  const ExcelJS = await loadExcel();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(spec.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = spec.columns.map((c, i) => ({ header: c.header, key: String(i), width: c.width }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.commit();
  for await (const page of spec.pages) {
    for (const row of page) sheet.addRow(spec.columns.map((c) => neutraliseCell(c.value(row)))).commit();
  }
  sheet.commit();
  await workbook.commit();
}

/** Walks every page of a keyset-paginated list. */
export async function* allPages<T>(fetch: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): AsyncIterable<T[]> {
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    yield page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
