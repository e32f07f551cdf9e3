import { stringify } from 'csv-stringify/sync';
import { loadExcel } from '../common/lazy-libraries.js';
import { COLUMNS, NOTE_COLUMN } from './import-columns.js';
import type { ImportFormat, ImportKind } from './import.types.js';

/**
 * The downloadable template of a kind: Vietnamese headers and one example row, marked as an
 * example in the "Ghi chú" column so that uploading the template unchanged imports nothing.
 */
export async function buildTemplate(kind: ImportKind, format: ImportFormat): Promise<Buffer> {
  const columns = [...COLUMNS[kind], NOTE_COLUMN];
  const headers = columns.map((c) => (c.required ? `${c.label}` : c.label));
  const example = columns.map((c) => c.example);
  if (format === 'csv') {
    // A BOM, so Excel opens the Vietnamese headers as UTF-8.
    return Buffer.from(`\uFEFF${stringify([headers, example])}`, 'utf8');
  }
  const ExcelJS = await loadExcel();
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(kind);
  sheet.addRow(headers).font = { bold: true };
  const row = sheet.addRow(example);
  row.font = { italic: true, color: { argb: 'FF808080' } };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  columns.forEach((c, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = Math.max(c.label.length, c.example.length) + 4;
    column.numFmt = '@'; // text: keeps leading zeros of phone numbers and codes
  });
  columns.forEach((c, i) => {
    if (c.required) sheet.getCell(1, i + 1).note = 'Bắt buộc';
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
