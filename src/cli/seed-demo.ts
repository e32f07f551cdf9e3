import 'reflect-metadata';
import { exitOnConfigError } from '../common/config/exit-on-config-error.js';
import { DEV_DEMO_PASSWORD, validateEnv } from '../common/config/env.schema.js';
import { loadDotEnv } from '../common/config/load-env.js';
import { createDataSource } from '../common/database/data-source.js';
import { seedDemo } from '../directory/demo/demo-seed.js';
import { prepareDatabase } from './prepare-database.js';

/** Loads the demo directory (organisations, collaborators, channels, logins). Idempotent; refused in production. */
async function main(): Promise<void> {
  loadDotEnv();
  const env = validateEnv(process.env);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (env.NODE_ENV === 'production') {
    process.stderr.write('seed:demo refuses to run with NODE_ENV=production: demo logins share one known password.\n');
    process.exit(2);
  }
  await prepareDatabase({ log: out });
  const dataSource = createDataSource({ url: env.DATABASE_URL, poolSize: 2, applicationName: 'outreach-seed-demo', statementTimeoutMs: 0 });
  await dataSource.initialize();
  try {
    await seedDemo(dataSource, { password: env.DEMO_PASSWORD, log: out, nodeEnv: env.NODE_ENV });
  } finally {
    await dataSource.destroy();
  }
  out('');
  out('Demo logins (all marked as demo):');
  out('  admin                                  steering committee admin');
  out('  sec-<organisation code, lowercase>     e.g. sec-syt: that organisation\'s secretary');
  out('  ctv-<collaborator code, lowercase>     e.g. ctv-ctv00001: a collaborator');
  out(`  password: ${env.DEMO_PASSWORD}${env.DEMO_PASSWORD === DEV_DEMO_PASSWORD ? ' (the default; set DEMO_PASSWORD to change it)' : ' (from DEMO_PASSWORD)'}`);
}

main().catch(exitOnConfigError);
