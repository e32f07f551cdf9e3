import { exitOnConfigError } from '../common/config/exit-on-config-error.js';
import { loadDotEnv } from '../common/config/load-env.js';
import { prepareDatabase } from './prepare-database.js';

/** Loads the demo directory (organisations, collaborators, channels, logins). Idempotent. */
async function main(): Promise<void> {
  loadDotEnv();
  await prepareDatabase({ log: (line) => process.stdout.write(`${line}\n`) });
  process.stdout.write('The database is ready; the demo directory arrives with the directory feature.\n');
}

main().catch(exitOnConfigError);
