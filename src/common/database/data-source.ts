import { DataSource, type DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations/index.js';
import { entities } from './entities.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export interface DatabaseSettings {
  url: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  applicationName?: string;
}

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
    extra: {
      max: settings.poolSize ?? 20,
      application_name: settings.applicationName ?? 'outreach',
      statement_timeout: settings.statementTimeoutMs ?? 15_000,
      connectionTimeoutMillis: 5_000,
      // No JIT: the app runs short queries; a plan estimated above jit_above_cost would pay
      // tens of ms compiling for a query that runs in a few. (The report queries estimate well
      // below it today, so the reports bench shows no difference either way.)
      options: '-c jit=off',
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
