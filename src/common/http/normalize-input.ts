import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../errors/domain.error.js';

/** Deeper than any DTO nests; class-transformer and class-validator recurse, so depth is bounded first. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Prepares every parsed JSON body and query string before validation: strings (values and keys)
 * become NFC, so Vietnamese typed with decomposed marks is stored and compared composed; NUL
 * characters (which PostgreSQL text cannot hold), unpaired UTF-16 surrogates (`"\ud800"` in JSON:
 * not Unicode text, and PostgreSQL's jsonb refuses them, so the audit entry of the change failed
 * with a 500) and nesting beyond MAX_INPUT_DEPTH are refused with a 400 instead of failing deep
 * inside the stack.
 */
export function normalizeInput(value: unknown): unknown {
  // Most input is already clean (and most of it ASCII): then it is handed on as it is, after a walk
  // that copies nothing; only input that needs a change or a refusal takes the copying walk.
  return isClean(value, 0) ? value : normalizeCopy(value, '', 0);
}

/** Nothing to change or refuse: NFC strings without NUL or lone surrogates, within MAX_INPUT_DEPTH. */
function isClean(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return isCleanText(value);
  if (value === null || typeof value !== 'object') return true;
  if (depth >= MAX_INPUT_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (!isClean(v, depth + 1)) return false;
    return true;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (!isCleanText(key) || !isClean((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}

/** Printable ASCII (and tab, CR, LF) is NFC and well formed: the common case needs no normalize(). */
const PLAIN_ASCII = /^[\t\n\r\x20-\x7e]*$/;

function isCleanText(text: string): boolean {
  if (PLAIN_ASCII.test(text)) return true;
  return !text.includes('\u0000') && isWellFormed(text) && text.normalize('NFC') === text;
}

/** No unpaired UTF-16 surrogate (String.prototype.isWellFormed, Node 20; not yet in TypeScript's lib here). */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

function normalizeCopy(value: unknown, field: string, depth: number): unknown {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw inputError('NUL_CHARACTER', field, 'Text may not contain the NUL character (U+0000)');
    if (!isWellFormed(value)) throw inputError('INVALID_UNICODE', field, 'Text contains an unpaired surrogate: it is not valid Unicode');
    return value.normalize('NFC');
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_INPUT_DEPTH) throw inputError('TOO_DEEP', field, `Input nests deeper than ${MAX_INPUT_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((v, i) => normalizeCopy(v, `${field}${field ? '.' : ''}${i}`, depth + 1));
  // Query objects have a null prototype: copy into one of the same kind.
  const out = Object.create(Object.getPrototypeOf(value) === null ? null : Object.prototype) as Record<string, unknown>;
  for (const [key, v] of Object.entries(value)) {
    const k = normalizeCopy(key, field, depth) as string;
    const path = `${field}${field ? '.' : ''}${k}`;
    // defineProperty keeps a client's "__proto__" key an inert own field (the validator rejects it).
    Object.defineProperty(out, k, { value: normalizeCopy(v, path, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function inputError(code: string, field: string, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', HttpStatus.BAD_REQUEST, message, {}, [{ field: field || '(body)', code, message }]);
}
