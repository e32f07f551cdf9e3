import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { validateEnv } from '../common/config/env.schema.js';
import { exitOnConfigError } from '../common/config/exit-on-config-error.js';
import { loadDotEnv } from '../common/config/load-env.js';
import { backup, restore } from '../common/database/backup.util.js';

async function main(): Promise<void> {
  loadDotEnv();
  const env = validateEnv(process.env);
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string', default: 'backups' }, into: { type: 'string' }, clean: { type: 'boolean', default: false } },
  });
  if (positionals[0] === 'restore') {
    const file = positionals[1];
    if (!file) throw new Error('Usage: npm run restore -- FILE [--into postgres://…] [--clean]');
    const target = values.into ?? env.DATABASE_URL;
    await restore(resolve(file), target, { clean: values.clean });
    process.stdout.write(`Restored ${file} into ${new URL(target).pathname.slice(1)}\n`);
    return;
  }
  const file = await backup(env.DATABASE_URL, values.out!);
  process.stdout.write(`${file}\n`);
}

main().catch(exitOnConfigError);
