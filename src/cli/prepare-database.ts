import { validateEnv } from '../common/config/env.schema.js';
import { createDataSource, runMigrations } from '../common/database/data-source.js';
import { ensureDatabase } from '../common/database/ensure-database.js';

/** Creates the database if missing and, unless RUN_MIGRATIONS=false, applies pending migrations. */
export async function prepareDatabase(options: { forceMigrations?: boolean; log?: (line: string) => void } = {}): Promise<void> {
  const env = validateEnv(process.env);
  const log = options.log ?? (() => undefined);
  const { created } = await ensureDatabase(env.DATABASE_URL);
  if (created) log(`Created database ${new URL(env.DATABASE_URL).pathname.slice(1)}`);
  if (!env.RUN_MIGRATIONS && !options.forceMigrations) return;
  const dataSource = createDataSource({ url: env.DATABASE_URL, poolSize: 2, applicationName: 'outreach-migrate', statementTimeoutMs: 0 });
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource);
    for (const name of applied) log(`Applied migration ${name}`);
  } finally {
    await dataSource.destroy();
  }
}
