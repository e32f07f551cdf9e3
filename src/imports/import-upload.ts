import { HttpStatus } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError, ValidationError } from '../common/errors/domain.error.js';
import { IMPORT_KINDS, type ImportFormat, type ImportKind } from './import.types.js';

export interface ImportUpload {
  kind: ImportKind;
  dryRun: boolean;
  fileName: string;
  format: ImportFormat;
  file: Buffer;
}

const MAGIC: ReadonlyArray<readonly [string, number[]]> = [
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46]],
  ['an old Excel .xls workbook (save it as .xlsx)', [0xd0, 0xcf, 0x11, 0xe0]],
  ['a zip archive', [0x50, 0x4b, 0x03, 0x04]],
];

function sniff(file: Buffer): string | null {
  for (const [what, bytes] of MAGIC) if (bytes.every((b, i) => file[i] === b)) return what;
  return null;
}

function unsupported(detail: string): DomainError {
  return new DomainError('IMPORT_FILE_UNSUPPORTED', HttpStatus.BAD_REQUEST, detail);
}

/**
 * Reads the multipart form (`kind`, `dryRun`, one `file`) and refuses what is cheap to detect:
 * a missing or empty file, an extension other than .xlsx/.csv, content that is another format.
 * Deeper problems (encoding, columns, rows) are reported by the import itself.
 */
export async function readImportUpload(request: FastifyRequest): Promise<ImportUpload> {
  if (!request.isMultipart()) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'Send multipart/form-data with fields kind, dryRun and one file');
  }
  const fields: Record<string, string> = {};
  let upload: { fileName: string; file: Buffer } | null = null;
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      // toBuffer() throws FST_REQ_FILE_TOO_LARGE (→ 413) past the multipart file size limit.
      const file = await part.toBuffer();
      if (upload !== null) throw new ValidationError([{ field: 'file', message: 'send exactly one file', code: 'tooManyFiles' }]);
      upload = { fileName: part.filename || 'upload', file };
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  const problems = [];
  const kind = fields.kind?.trim();
  if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind)) {
    problems.push({ field: 'kind', message: `kind must be one of ${IMPORT_KINDS.join(', ')}`, code: 'isIn' });
  }
  const dryRunText = (fields.dryRun ?? 'false').trim().toLowerCase();
  if (!['true', 'false', '1', '0', ''].includes(dryRunText)) problems.push({ field: 'dryRun', message: 'dryRun must be true or false', code: 'isBoolean' });
  if (upload === null) problems.push({ field: 'file', message: 'attach one .xlsx or .csv file', code: 'isDefined' });
  const unknown = Object.keys(fields).filter((f) => !['kind', 'dryRun'].includes(f));
  for (const field of unknown) problems.push({ field, message: 'unknown field', code: 'unknownField' });
  if (problems.length > 0 || upload === null) throw new ValidationError(problems);

  const extension = /\.([a-z0-9]+)$/i.exec(upload.fileName)?.[1]?.toLowerCase();
  if (extension !== 'xlsx' && extension !== 'csv') throw unsupported(`"${upload.fileName}" is not an .xlsx or .csv file`);
  if (upload.file.length === 0) throw new DomainError('IMPORT_FILE_EMPTY', HttpStatus.BAD_REQUEST, `"${upload.fileName}" is empty`);
  const looksLike = sniff(upload.file);
  if (extension === 'xlsx' && looksLike !== 'a zip archive') {
    throw unsupported(`"${upload.fileName}" is not an Excel .xlsx workbook${looksLike ? ` (it is ${looksLike})` : ''}`);
  }
  if (extension === 'csv' && (looksLike !== null || upload.file.subarray(0, 8192).includes(0))) {
    throw unsupported(`"${upload.fileName}" is not CSV text${looksLike ? ` (it is ${looksLike})` : ' (it holds binary data)'}`);
  }
  return { kind: kind as ImportKind, dryRun: dryRunText === 'true' || dryRunText === '1', fileName: upload.fileName.slice(0, 255), format: extension, file: upload.file };
}
