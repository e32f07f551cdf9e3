import { validateEnv } from '../common/config/env.schema.js';
import { exitOnConfigError } from '../common/config/exit-on-config-error.js';
import { loadDotEnv } from '../common/config/load-env.js';
import { createDataSource } from '../common/database/data-source.js';
import { prepareDatabase } from './prepare-database.js';

/** `npm run migration:run` applies pending migrations; `npm run migration:revert` undoes the last one. */
async function main(): Promise<void> {
  loadDotEnv();
  if (process.argv.includes('--revert')) {
    const env = validateEnv(process.env);
    const ds = createDataSource({ url: env.DATABASE_URL, poolSize: 2, statementTimeoutMs: 0 });
    await ds.initialize();
    await ds.undoLastMigration({ transaction: 'each' });
    await ds.destroy();
    process.stdout.write('Reverted the last migration\n');
    return;
  }
  let count = 0;
  await prepareDatabase({
    forceMigrations: true,
    log: (line) => {
      count += line.startsWith('Applied') ? 1 : 0;
      process.stdout.write(`${line}\n`);
    },
  });
  process.stdout.write(count ? `${count} migration(s) applied\n` : 'Database is up to date\n');
}

main().catch(exitOnConfigError);
