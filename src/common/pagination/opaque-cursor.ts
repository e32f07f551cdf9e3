import { ValidationError } from '../errors/domain.error.js';

/**
 * Keyset pagination cursors: the sort key of the last row of a page, opaque to clients
 * (base64url JSON). A cursor that does not decode is a 400, never a 500.
 */
export function encodeCursor(key: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, arity: number): unknown[] | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === 'string' || typeof k === 'number')) return key;
  } catch {
    // fall through
  }
  throw new ValidationError([{ field: 'cursor', code: 'invalidCursor', message: 'cursor is not one this API issued' }]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
