import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * A statement the hot paths run thousands of times a second, prepared once per pooled connection
 * (a named statement of Postgres' extended protocol) instead of sent and planned on every call.
 *
 * What it saves, per call: the statement's text on the wire (the completion batch is about 4 KB)
 * and Postgres' parse, analysis and, once its generic plan is chosen, planning — for a statement
 * of several data-modifying CTEs, more than its execution over a small batch. It runs straight on
 * the pg pool TypeORM opened (same connections, same session settings), skipping TypeORM's
 * query runner, whose own logger would also report each failure the caller handles itself.
 *
 * The text must name its result columns (no `t.*`): Postgres refuses to reuse a prepared
 * statement whose result type changed, so a column added by a migration while the app runs would
 * otherwise fail every call on the connections that prepared it before.
 *
 * Poolers: PgBouncer in transaction mode needs `max_prepared_statements` (1.21 and later) for
 * named statements; session mode and direct connections need nothing.
 */
export class PreparedStatement<R extends QueryResultRow> {
  constructor(
    private readonly name: string,
    private readonly text: string,
  ) {
    if (/\b[a-z_]+\.\*/i.test(text)) throw new Error(`prepared statement ${name} selects "x.*": name its columns (see PreparedStatement)`);
  }

  async run(dataSource: DataSource, values: unknown[]): Promise<R[]> {
    const pool = (dataSource.driver as unknown as { master?: Pool }).master;
    if (!pool) throw new Error('the data source is not connected');
    const result = await pool.query<R>({ name: this.name, text: this.text, values });
    return result.rows;
  }
}
