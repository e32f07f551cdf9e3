import { normaliseChannelUrl } from '../channels/channel-url.util.js';
import type { Platform } from '../channels/platform.js';
import { foldVietnamese, toNfc } from '../common/text/vietnamese.util.js';
import { normaliseVietnamesePhone } from '../directory/phone.util.js';
import type { OrganisationKind } from '../organisations/organisation.entity.js';
import { EXAMPLE_MARKERS, type HeaderMapping, organisationKindOf, platformOf, tagOf } from './import-columns.js';
import type { CellValue, ImportKind, Rejection, SheetRow } from './import.types.js';
import { cellText } from './spreadsheet.reader.js';

export interface OrganisationImportRow {
  row: number;
  code: string;
  name: string;
  shortName: string | null;
  kind: OrganisationKind;
  parentCode: string | null;
}

export interface CollaboratorImportRow {
  row: number;
  code: string;
  fullName: string;
  phone: string | null;
  email: string | null;
  /** A unit code or its exact name, resolved against the database later. */
  organisationRef: string;
  position: string | null;
  /** null: the file has no tags for this row, keep what is stored. */
  tags: string[] | null;
  joinedOn: string | null;
}

export interface ChannelImportRow {
  row: number;
  code: string;
  organisationRef: string;
  platform: Platform;
  name: string;
  url: string;
  audienceSize: number | null;
  /** null: the file says nothing about admins, keep them. */
  adminCodes: string[] | null;
}

export type ImportRow = OrganisationImportRow | CollaboratorImportRow | ChannelImportRow;

const MAX_TEXT = 500;
const CODE_SHAPE = /^[\p{L}\p{N}][\p{L}\p{N}._-]{0,63}$/u;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)*$/;

/**
 * A cell that a spreadsheet would run as a formula (CSV/formula injection): a leading `=`, `+`,
 * `-` or `@` (also after tabs or line breaks), unless the text is a plain number or a phone number.
 */
export function looksLikeFormula(text: string): boolean {
  const s = text.replace(/^[\t\r\n ]+/, '');
  if (!/^[=+\-@]/.test(s)) return false;
  if (PLAIN_NUMBER.test(s)) return false;
  return normaliseVietnamesePhone(s) === null;
}

/** Reads one row's cells by field, collecting every problem of the row. */
class RowReader {
  readonly problems: Rejection[] = [];

  constructor(
    private readonly sheetRow: SheetRow,
    private readonly mapping: HeaderMapping,
  ) {}

  private column(field: string): string {
    return this.mapping.header.get(field) ?? field;
  }

  reject(field: string, reason: string, value?: string): void {
    this.problems.push({ row: this.sheetRow.row, column: this.column(field), ...(value !== undefined && value !== '' ? { value: value.slice(0, 200) } : {}), reason });
  }

  raw(field: string): CellValue {
    const i = this.mapping.index.get(field);
    return i === undefined ? null : (this.sheetRow.cells[i] ?? null);
  }

  has(field: string): boolean {
    return this.mapping.index.has(field);
  }

  /** Trimmed NFC text, or null when blank; refuses formulas and over-long text. */
  text(field: string, required = false): string | null {
    const cell = this.raw(field);
    if (cell !== null && typeof cell === 'object' && !(cell instanceof Date)) {
      this.reject(field, 'the cell holds a formula; only plain values are imported', `=${cell.formula}`);
      return null;
    }
    const value = toNfc(cellText(cell)).replace(/\s+/g, ' ').trim();
    if (value === '') {
      if (required) this.reject(field, 'required');
      return null;
    }
    if (looksLikeFormula(value)) {
      this.reject(field, 'starts with =, +, - or @ like a spreadsheet formula; remove the leading character', value);
      return null;
    }
    if (value.length > MAX_TEXT) {
      this.reject(field, `longer than ${MAX_TEXT} characters`, value);
      return null;
    }
    return value;
  }

  code(field: string, required = true): string | null {
    const value = this.text(field, required);
    if (value === null) return null;
    if (!CODE_SHAPE.test(value)) {
      this.reject(field, 'a code holds letters, digits, ".", "_" or "-" (at most 64, no spaces)', value);
      return null;
    }
    return value;
  }

  list(field: string): string[] | null {
    if (!this.has(field)) return null;
    const value = this.text(field);
    if (value === null) return null;
    return [...new Set(value.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean))];
  }

  date(field: string): string | null {
    const cell = this.raw(field);
    if (cell instanceof Date) return isoDate(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate()) ?? this.badDate(field, cellText(cell));
    if (typeof cell === 'number') {
      // An Excel serial day (1900 system; day 25569 is 1970-01-01).
      const d = new Date(Math.round((cell - 25_569) * 86_400_000));
      return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()) ?? this.badDate(field, String(cell));
    }
    const value = this.text(field);
    if (value === null) return null;
    let m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
    if (m) return isoDate(Number(m[3]), Number(m[2]), Number(m[1])) ?? this.badDate(field, value);
    m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(value);
    if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3])) ?? this.badDate(field, value);
    if (/^\d+(?:\.\d+)?$/.test(value)) {
      const d = new Date(Math.round((Number(value) - 25_569) * 86_400_000));
      return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()) ?? this.badDate(field, value);
    }
    return this.badDate(field, value);
  }

  private badDate(field: string, value: string): null {
    this.reject(field, 'not a date: write dd/mm/yyyy (e.g. 15/03/2024) or yyyy-mm-dd', value);
    return null;
  }

  count(field: string): number | null {
    const cell = this.raw(field);
    const value = typeof cell === 'number' ? String(cell) : this.text(field);
    if (value === null) return null;
    const digits = value.replace(/[\s.,]/g, '');
    const n = Number(digits);
    if (!/^\d+$/.test(digits) || !Number.isSafeInteger(n) || n > 2_000_000_000) {
      this.reject(field, 'not a whole number of people', value);
      return null;
    }
    return n;
  }
}

function isoDate(y: number, m: number, d: number): string | null {
  if (y < 1900 || y > 2100) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

export type RowOutcome<T> = { ok: true; value: T } | { ok: false; problems: Rejection[] } | { ok: 'skip' };

function isExampleRow(r: RowReader): boolean {
  const note = cellText(r.raw('note'));
  return note !== '' && EXAMPLE_MARKERS.some((m) => foldVietnamese(note).startsWith(m));
}

export function validateRow(kind: ImportKind, sheetRow: SheetRow, mapping: HeaderMapping): RowOutcome<ImportRow> {
  const r = new RowReader(sheetRow, mapping);
  if (isExampleRow(r)) return { ok: 'skip' };
  const value = kind === 'organisations' ? organisation(r, sheetRow.row) : kind === 'collaborators' ? collaborator(r, sheetRow.row) : channel(r, sheetRow.row);
  return r.problems.length > 0 || value === null ? { ok: false, problems: r.problems } : { ok: true, value };
}

function organisation(r: RowReader, row: number): OrganisationImportRow | null {
  const code = r.code('code');
  const name = r.text('name', true);
  const shortName = r.text('shortName');
  const kindText = r.text('kind', true);
  const kind = kindText === null ? null : organisationKindOf(kindText);
  if (kindText !== null && kind === null) {
    r.reject('kind', 'unknown kind: use Đảng bộ Khối, Đảng bộ cơ sở, Chi bộ cơ sở, Chi bộ trực thuộc or Cơ quan tham mưu', kindText);
  }
  const parentCode = r.code('parentCode', false);
  if (code !== null && parentCode === code) r.reject('parentCode', 'an organisation cannot be its own parent', parentCode);
  if (code === null || name === null || kind === null) return null;
  return { row, code, name, shortName, kind, parentCode };
}

function collaborator(r: RowReader, row: number): CollaboratorImportRow | null {
  const code = r.code('code');
  const fullName = r.text('fullName', true);
  const phoneText = r.text('phone');
  const phone = phoneText === null ? null : normaliseVietnamesePhone(phoneText);
  if (phoneText !== null && phone === null) r.reject('phone', 'not a Vietnamese phone number (e.g. 0905 123 456 or +84905123456)', phoneText);
  const emailText = r.text('email');
  const email = emailText === null ? null : emailText.toLowerCase();
  if (email !== null && (!EMAIL_SHAPE.test(email) || email.length > 254)) r.reject('email', 'not an e-mail address', emailText!);
  const organisationRef = r.text('organisationCode', true);
  const position = r.text('position');
  const tagTexts = r.list('tags');
  let tags: string[] | null = null;
  if (tagTexts !== null) {
    tags = [];
    for (const t of tagTexts) {
      const tag = tagOf(t);
      if (tag === null) r.reject('tags', `unknown tag "${t}": use Đảng viên, Công chức, Người lao động, Công đoàn viên, Đoàn viên, Báo cáo viên, Tuyên truyền viên`, t);
      else if (!tags.includes(tag)) tags.push(tag);
    }
    tags.sort();
  }
  const joinedOn = r.date('joinedOn');
  if (code === null || fullName === null || organisationRef === null) return null;
  return { row, code, fullName, phone, email, organisationRef, position, tags, joinedOn };
}

function channel(r: RowReader, row: number): ChannelImportRow | null {
  const code = r.code('code');
  const organisationRef = r.text('organisationCode', true);
  const platformText = r.text('platform', true);
  const platform = platformText === null ? null : platformOf(platformText);
  if (platformText !== null && platform === null) {
    r.reject('platform', 'unknown platform: use Fanpage, Nhóm Facebook, Nhóm Zalo, Zalo OA, Nhóm Mocha or Website', platformText);
  }
  const name = r.text('name', true);
  const urlText = r.text('url', true);
  let url: string | null = null;
  if (urlText !== null && platform !== null) {
    const result = normaliseChannelUrl(platform, urlText);
    if (result.ok) url = result.url;
    else r.reject('url', result.reason, urlText);
  }
  const audienceSize = r.count('audienceSize');
  const adminCodes = r.list('adminCodes');
  if (code === null || organisationRef === null || platform === null || name === null || url === null) return null;
  return { row, code, organisationRef, platform, name, url, audienceSize, adminCodes };
}
