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
  // Named after this checkout and its migrations: several checkouts on one machine never share
  // (or drop) each other's template, and a new migration makes a new template.
  const checkout = hash(process.cwd()).slice(0, 6);
  const template = `outreach_tpl_${checkout}_${hash(files).slice(0, 10)}`;
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
  // This checkout's outdated templates, and databases left by test processes that no longer run.
  await withAdmin(async (c) => {
    const rows = (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'outreach\\_t%'`)).rows as { datname: string }[];
    for (const { datname } of rows) {
      const outdatedTemplate = datname.startsWith(`outreach_tpl_${checkout}_`) && datname !== template;
      const pid = /^outreach_t_(\d+)_/.exec(datname)?.[1];
      const orphan = pid !== undefined && !isAlive(Number(pid));
      if (outdatedTemplate || orphan) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  });
  return async () => undefined;
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
