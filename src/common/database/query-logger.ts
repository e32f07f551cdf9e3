import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * SQLSTATE classes of failures the code expects and answers itself: integrity violations (class
 * 23: a proof link already used, a code already taken → a 409 or 422) and transaction rollbacks
 * (class 40: serialization failures and deadlocks, retried). Logged at debug: at error level each
 * one printed a statement for an answer that is not an error of the service. Anything the code
 * does not handle still surfaces as a 500, which the problem filter logs with the error.
 */
const EXPECTED_CLASSES = new Set(['23', '40']);

/** The statement as logged: its first 500 characters. */
function clip(query: string): string {
  return query.length > 500 ? `${query.slice(0, 500)}…` : query;
}

/**
 * TypeORM's log lines through the application's logger (JSON lines like every other; with the
 * request id when LOG_REQUEST_CONTEXT is on) instead of TypeORM's console printer (multi-line
 * text on stdout). Bound
 * parameters are never logged: they may hold password or token hashes and personal data.
 */
export class QueryLogger implements TypeOrmLogger {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string, _parameters?: unknown): void {
    const code = typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
    const fields = { code, error: typeof error === 'string' ? error : error.message, query: clip(query) };
    if (typeof code === 'string' && EXPECTED_CLASSES.has(code.slice(0, 2))) this.logger.debug(fields, 'Query refused');
    else this.logger.error(fields, 'Query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ ms: time, query: clip(query) }, 'Slow query');
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(message);
    else this.logger.log(message);
  }
}
