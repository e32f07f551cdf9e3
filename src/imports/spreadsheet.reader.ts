import { parse } from 'csv-parse/sync';
import { Readable } from 'node:stream';
import { loadExcel } from '../common/lazy-libraries.js';
import { type CellValue, type ImportFormat, ImportFileError, type Sheet, type SheetRow } from './import.types.js';

/** Rows beyond this are refused: an import is for a directory, not a data dump. */
export const MAX_IMPORT_ROWS = 100_000;

/** Reads the first worksheet (xlsx) or the whole file (csv): header row, then data rows with their row numbers. */
export async function readSpreadsheet(file: Buffer, format: ImportFormat): Promise<Sheet> {
  if (file.length === 0) throw new ImportFileError('the file is empty');
  const sheet = format === 'xlsx' ? await readXlsx(file) : readCsv(file);
  if (sheet.headers.every((h) => h === '')) throw new ImportFileError('the file has no header row');
  if (sheet.rows.length === 0) throw new ImportFileError('the file has a header row but no data rows');
  if (sheet.rows.length > MAX_IMPORT_ROWS) throw new ImportFileError(`the file has ${sheet.rows.length} rows; at most ${MAX_IMPORT_ROWS} per import`);
  return sheet;
}

async function readXlsx(file: Buffer): Promise<Sheet> {
  // The streaming reader keeps memory flat on big sheets; styles are needed to tell dates from numbers.
  const ExcelJS = await loadExcel();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(file), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  let headers: string[] | null = null;
  const rows: SheetRow[] = [];
  try {
    for await (const worksheet of reader) {
      for await (const row of worksheet) {
        const values = (row.values as unknown[]).slice(1).map(toCell);
        if (headers === null) {
          headers = values.map((v) => cellText(v));
          continue;
        }
        if (values.every(isBlank)) continue;
        rows.push({ row: row.number, cells: values });
        if (rows.length > MAX_IMPORT_ROWS) break;
      }
      break; // the first worksheet only
    }
  } catch (error) {
    throw new ImportFileError(`the file is not a readable .xlsx workbook (${error instanceof Error ? error.message : String(error)})`);
  }
  if (headers === null) throw new ImportFileError('the workbook has no rows');
  return { headers, rows };
}

function toCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.formula === 'string' || typeof v.sharedFormula === 'string') return { formula: String(v.formula ?? v.sharedFormula) };
    if (Array.isArray(v.richText)) return (v.richText as Array<{ text?: string }>).map((r) => r.text ?? '').join('');
    if (typeof v.text === 'string') return v.text; // a hyperlink cell: the text shown
    if (typeof v.error === 'string') return v.error;
  }
  return String(value);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function readCsv(file: Buffer): Sheet {
  let text: string;
  try {
    text = UTF8.decode(file);
  } catch {
    throw new ImportFileError('the file is not UTF-8 text; save it as "CSV UTF-8" in Excel, or upload the .xlsx');
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.includes('\u0000')) throw new ImportFileError('the file is binary, not CSV text');
  if (text.trim() === '') throw new ImportFileError('the file is empty');
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { delimiter: detectDelimiter(text), relax_column_count: true, skip_empty_lines: true, info: true }) as never;
  } catch (error) {
    throw new ImportFileError(`the CSV cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [head, ...body] = records;
  if (!head) throw new ImportFileError('the file is empty');
  const rows: SheetRow[] = [];
  for (const { record, info } of body) {
    const cells = record.map((v) => (v === '' ? null : v));
    if (cells.every(isBlank)) continue;
    rows.push({ row: info.lines, cells });
  }
  return { headers: head.record.map((h) => h.trim()), rows };
}

/** Offices' Excel exports use ";" in locales with a decimal comma; pick whichever the header line uses more. */
function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const candidates = [',', ';', '\t'].map((d) => [d, count(d)] as const).sort((a, b) => b[1] - a[1]);
  return candidates[0]![1] > 0 ? candidates[0]![0] : ',';
}

function isBlank(value: CellValue): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}

export function cellText(value: CellValue): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') return `=${value.formula}`;
  return String(value).trim();
}
