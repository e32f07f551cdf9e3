import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateEnv } from '../common/config/env.schema.js';
import { exitOnConfigError } from '../common/config/exit-on-config-error.js';
import { loadDotEnv } from '../common/config/load-env.js';
import { createDataSource } from '../common/database/data-source.js';
import { prepareDatabase } from './prepare-database.js';

/**
 * `npm run migration:generate -- AddSomething`: diffs the entities against a migrated database,
 * writes `migrations/<epochMs>-AddSomething.ts` and registers it in `migrations/index.ts`.
 * Read and trim what it wrote before committing: it is a draft.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    throw new Error('Usage: npm run migration:generate -- PascalCaseName');
  }
  await prepareDatabase({ forceMigrations: true });
  const env = validateEnv(process.env);
  const ds = createDataSource({ url: env.DATABASE_URL, poolSize: 2, statementTimeoutMs: 0 });
  await ds.initialize();
  const sql = await ds.driver.createSchemaBuilder().log();
  await ds.destroy();
  if (sql.upQueries.length === 0) {
    process.stdout.write('No changes between the entities and the database\n');
    return;
  }
  const stamp = Date.now();
  const className = `${name}${stamp}`;
  const esc = (q: string) => q.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  const body = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(q: QueryRunner): Promise<void> {
${sql.upQueries.map((u) => `    await q.query(\`${esc(u.query)}\`);`).join('\n')}
  }

  async down(q: QueryRunner): Promise<void> {
${sql.downQueries.reverse().map((d) => `    await q.query(\`${esc(d.query)}\`);`).join('\n')}
  }
}
`;
  const root = process.cwd();
  const file = join(root, 'migrations', `${stamp}-${name}.ts`);
  writeFileSync(file, body);
  const indexPath = join(root, 'migrations', 'index.ts');
  const index = readFileSync(indexPath, 'utf8')
    .replace(/(\nexport const migrations = \[)/, `import { ${className} } from './${stamp}-${name}.js';$1`)
    .replace(/\];\s*$/, `  ${className},\n];\n`);
  writeFileSync(indexPath, index);
  process.stdout.write(`Wrote ${file}; review it, then npm run migration:run\n`);
}

main().catch(exitOnConfigError);
