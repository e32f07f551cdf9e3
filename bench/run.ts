import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { validateEnv } from '../src/common/config/env.schema.js';
import { createDataSource, runMigrations } from '../src/common/database/data-source.js';
import { ensureDatabase } from '../src/common/database/ensure-database.js';
import { complete } from './scenarios/complete.js';
import { fanout } from './scenarios/fanout.js';
import { httpFramework } from './scenarios/http-framework.js';
import { importScenario } from './scenarios/import.js';
import { reports } from './scenarios/reports.js';
import type { BenchContext, ScenarioResult } from './types.js';

const SCENARIOS: Record<string, (ctx: BenchContext) => Promise<ScenarioResult>> = {
  'http-framework': httpFramework,
  import: importScenario,
  fanout,
  complete,
  reports,
};

/**
 * `npm run bench [-- --scale province|national] [--only a,b] [--seconds N]`: runs scenarios in a
 * database of their own, prints a table and writes bench/results/<timestamp>.json.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { scale: { type: 'string', default: 'province' }, only: { type: 'string' }, seconds: { type: 'string', default: '5' } },
  });
  const scale = values.scale === 'national' ? 'national' : 'province';
  const chosen = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(SCENARIOS);
  const unknown = chosen.filter((name) => !SCENARIOS[name]);
  if (unknown.length) throw new Error(`Unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);

  const base = validateEnv(process.env);
  const url = new URL(base.DATABASE_URL);
  // BENCH_DB: a database of your own when several branches bench on one server.
  url.pathname = `/${process.env.BENCH_DB ?? `outreach_bench_${scale}`}`;
  await ensureDatabase(url.toString());
  const ds = createDataSource({ url: url.toString(), poolSize: 2, statementTimeoutMs: 0 });
  await ds.initialize();
  await runMigrations(ds);
  await ds.destroy();

  const ctx: BenchContext = {
    scale,
    seconds: Number(values.seconds),
    env: { DATABASE_URL: url.toString(), REDIS_PREFIX: `outreach-bench-${scale}`, RUN_MIGRATIONS: 'false' },
  };
  const results: ScenarioResult[] = [];
  for (const name of chosen) {
    process.stdout.write(`running ${name}…\n`);
    results.push(await SCENARIOS[name]!(ctx));
  }
  console.table(
    results.map((r) => ({
      scenario: r.name,
      ratio: r.ratio?.toFixed(2) ?? '',
      target: r.target ? `${r.target.met ? 'PASS' : 'SHORT'} ${r.target.description}` : '',
      summary: r.summary,
    })),
  );
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify({ scale, at: new Date().toISOString(), results }, null, 2));
  process.stdout.write(`wrote ${file}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
