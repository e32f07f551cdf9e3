export const IMPORT_KINDS = ['organisations', 'collaborators', 'channels'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const IMPORT_FORMATS = ['xlsx', 'csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export type ImportStatus = 'queued' | 'running' | 'done' | 'failed';

/** One problem with one row: `row` is the spreadsheet row number (the header is row 1). */
export interface Rejection {
  row: number;
  /** The column's header as typed in the file (or the field name when the problem spans the row). */
  column: string;
  value?: string;
  reason: string;
}

/** A cell as read from either format; formulas are kept apart so they can be refused. */
export type CellValue = string | number | boolean | Date | { formula: string } | null;

export interface SheetRow {
  row: number;
  cells: CellValue[];
}

export interface Sheet {
  headers: string[];
  rows: SheetRow[];
}

/** A file that cannot be read at all: the import fails with this reason. */
export class ImportFileError extends Error {}
