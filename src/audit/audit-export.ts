import { stringify } from 'csv-stringify';
import { PassThrough, type Readable } from 'node:stream';
import type { AuditRow } from './audit-query.service.js';
import { loadExcel } from '../common/lazy-libraries.js';

const HEADERS = ['id', 'at', 'actorLogin', 'actorRole', 'actorUserId', 'action', 'entity', 'entityId', 'before', 'after', 'requestId', 'ip'] as const;

/** Spreadsheet programs run a cell that starts with = + - @ as a formula; prefix such text with a quote. */
function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function cells(row: AuditRow): string[] {
  return HEADERS.map((key) => {
    const value = row[key];
    if (value === null || value === undefined) return '';
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'object') return safeCell(JSON.stringify(value));
    return safeCell(String(value));
  });
}

export function auditCsv(rows: AsyncIterable<AuditRow>): Readable {
  const csv = stringify({ header: true, columns: [...HEADERS], bom: true });
  void (async () => {
    try {
      for await (const row of rows) {
        if (!csv.write(cells(row))) await new Promise((resolve) => csv.once('drain', resolve));
      }
      csv.end();
    } catch (error) {
      csv.destroy(error as Error);
    }
  })();
  return csv;
}

export function auditXlsx(rows: AsyncIterable<AuditRow>): Readable {
  const out = new PassThrough();
  void (async () => {
    try {
      const ExcelJS = await loadExcel();
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
      const sheet = workbook.addWorksheet('audit');
      sheet.columns = HEADERS.map((key) => ({ header: key, key, width: key === 'before' || key === 'after' ? 60 : 20 }));
      for await (const row of rows) sheet.addRow(cells(row)).commit();
      sheet.commit();
      await workbook.commit();
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return out;
}
