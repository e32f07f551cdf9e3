import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations/index.js';
import { entities } from './entities.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';
import { QueryLogger } from './query-logger.js';

export interface DatabaseSettings {
  url: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
}

/**
 * Settings of every app connection (also applied by the search bench, which times the app's SQL
 * from a client of its own).
 *
 * - No JIT: the app runs short queries; a plan estimated above jit_above_cost would pay tens of ms
 *   compiling for a query that runs in a few. (The report queries estimate well below it today,
 *   so the reports bench shows no difference either way.)
 * - work_mem 16MB (Postgres' default is 4MB): a bitmap heap scan keeps one entry per heap page in
 *   work_mem; past it the bitmap turns lossy and every row of a lossy page is rechecked against
 *   the index condition. For the collaborator search-terms index that recheck recomputes
 *   `f_search_terms()` per row (tens of µs): at 5M people (108k heap pages, ~7MB of entries) a
 *   frequent term such as "nguyen van a" took 32 s lossy and 0.3 s exact (bench/README.md,
 *   "Directory search"). 16MB keeps bitmaps exact up to ~250k heap pages (~10M people).
 */
export const SESSION_OPTIONS = '-c jit=off -c work_mem=16MB';

/** The one set of options both the app (via @nestjs/typeorm) and the CLI scripts use. */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    logger: new QueryLogger(),
    extra: {
      max: settings.poolSize ?? 20,
      application_name: settings.applicationName ?? 'outreach',
      statement_timeout: settings.statementTimeoutMs ?? 15_000,
      connectionTimeoutMillis: 5_000,
      options: SESSION_OPTIONS,
    },
  };
}

export function createDataSource(settings: DatabaseSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}

/**
 * Applies pending migrations under a Postgres advisory lock, so an API and several workers
 * starting at once never race to migrate.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', ['outreach:migrations']);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', ['outreach:migrations']).catch(() => undefined);
    await runner.release();
  }
}
