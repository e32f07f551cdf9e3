import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createDataSource, runMigrations } from '../../src/common/database/data-source.js';
import { databaseUrl, dropDatabase, withAdmin } from './postgres.js';

/**
 * Migrates a template database once per run; each test file clones it (fast) so files run in
 * parallel on databases of their own. The template is named after the migration files, so a new
 * migration makes a new template.
 */
export default async function setup(): Promise<() => Promise<void>> {
  await assertServicesUp();
  const files = readdirSync(new URL('../../migrations/', import.meta.url)).sort().join(',');
  const template = `outreach_tpl_${createHash('sha1').update(files).digest('hex').slice(0, 10)}`;
  process.env.TEST_TEMPLATE_DB = template;

  const exists = await withAdmin(async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rowCount);
  if (!exists) {
    await withAdmin((c) => c.query(`CREATE DATABASE "${template}"`));
    const ds = createDataSource({ url: databaseUrl(template), poolSize: 2, statementTimeoutMs: 0 });
    await ds.initialize();
    try {
      await runMigrations(ds);
    } catch (error) {
      await ds.destroy();
      await dropDatabase(template);
      throw error;
    }
    await ds.destroy();
  }
  // Old templates and databases left by a killed run.
  await withAdmin(async (c) => {
    const stale = await c.query(
      `SELECT datname FROM pg_database WHERE (datname LIKE 'outreach_tpl_%' AND datname <> $1) OR datname LIKE 'outreach_t\\_%'`,
      [template],
    );
    for (const row of stale.rows as { datname: string }[]) await c.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`);
  });
  return async () => undefined;
}

async function assertServicesUp(): Promise<void> {
  try {
    await withAdmin((c) => c.query('SELECT 1'));
  } catch (error) {
    throw new Error(`Tests need PostgreSQL on 127.0.0.1:5432 (trust auth): ${String(error)}`, { cause: error });
  }
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Tests need Redis on 127.0.0.1:6379: ${String(error)}`, { cause: error });
  } finally {
    redis.disconnect();
  }
}
