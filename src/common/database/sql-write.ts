import { QueryFailedError } from 'typeorm';
import type { SqlParams } from '../auth/scope.js';

/**
 * `SET col = $n, …` for the fields a PATCH actually carries (undefined = not sent), plus the
 * version bump and timestamp every update makes.
 */
export function setClause(changes: Record<string, unknown>, columns: Record<string, string>, params: SqlParams): string {
  const sets = Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => {
      const column = columns[field];
      if (!column) throw new Error(`No column mapped for ${field}`);
      return `${column} = ${params.add(value)}`;
    });
  return [...sets, 'version = version + 1', 'updated_at = now()'].join(', ');
}

/** A unique-constraint violation on the named constraint (Postgres 23505). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === '23505' && driverError.constraint === constraint;
}

/** Whether a PATCH body changes anything compared with the row. */
export function hasChanges(changes: Record<string, unknown>, row: Record<string, unknown>): boolean {
  return Object.entries(changes).some(([k, v]) => v !== undefined && JSON.stringify(v) !== JSON.stringify(row[k]));
}

/**
 * Rows of an `UPDATE … RETURNING` run through `manager.query`: TypeORM answers `[rows, affected]`
 * for UPDATE/DELETE and plain rows for SELECT/INSERT.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
