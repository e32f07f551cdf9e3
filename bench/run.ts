import 'reflect-metadata';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { validateEnv } from '../src/common/config/env.schema.js';
import { createDataSource, runMigrations } from '../src/common/database/data-source.js';
import { ensureDatabase } from '../src/common/database/ensure-database.js';
import { complete } from './scenarios/complete.js';
import { exportScenario } from './scenarios/export.js';
import { fanout } from './scenarios/fanout.js';
import { importScenario } from './scenarios/import.js';
import { reports } from './scenarios/reports.js';
import { ensureBenchCounter } from './lib/bench-counter.js';
import { clearRedisPrefix } from './lib/redis.js';
import { curveChart } from './lib/cost-curve.js';
import { generateDataset, NATIONAL, type GenerateReport } from './lib/generate.js';
import { readRuns, renderLatestBlock, updateReadme, writeLatest, type RunFile } from './lib/readme.js';
import { renderChart, type ChartSpec } from './lib/svg-chart.js';
import { httpFramework } from './scenarios/http-framework.js';
import { fanoutCurve } from './scenarios/fanout-curve.js';
import { fanoutLarge } from './scenarios/fanout-large.js';
import { meTasks } from './scenarios/me-tasks.js';
import { scaleOut } from './scenarios/scale-out.js';
import { search } from './scenarios/search.js';
import type { BenchContext, ScenarioResult } from './types.js';

/** Scenarios by name. Others register theirs here (fanout, complete, import, reports). */
export const SCENARIOS: Record<string, (ctx: BenchContext) => Promise<ScenarioResult>> = {
  'http-framework': httpFramework,
  import: importScenario,
  fanout,
  complete,
  reports,
  export: exportScenario,
  search,
  'scale-out': scaleOut,
  'me-tasks': meTasks,
  'fanout-curve': fanoutCurve,
  'fanout-large': fanoutLarge,
};

/**
 * Scenarios that do not need the generated directory (the runner skips generation for them
 * alone): reports, export and fanout-large load their own data into databases of their own; scale-out, me-tasks
 * and fanout-curve make their own small directories.
 */
const DATA_FREE = new Set(['http-framework', 'reports', 'export', 'scale-out', 'me-tasks', 'fanout-curve', 'fanout-large']);

const RESULTS_DIR = 'bench/results';
const CHARTS_DIR = 'bench/charts';
const README = 'bench/README.md';

/** Database name per scale (and per collaborator count below the national 5M), so each dataset is kept. */
export function benchDatabaseName(scale: 'province' | 'national', collaborators: number): string {
  if (scale === 'province') return 'outreach_bench_province';
  return collaborators === NATIONAL.collaborators ? 'outreach_bench_national' : `outreach_bench_national_${collaborators}`;
}

/**
 * `npm run bench [-- --scale province|national] [--collaborators N] [--only a,b] [--seconds N]`:
 * runs scenarios in a database of their own, prints a table, writes bench/results/<timestamp>.json
 * and an SVG per chart, and refreshes the latest-results block of bench/README.md.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: 'province' },
      only: { type: 'string' },
      seconds: { type: 'string', default: '5' },
      collaborators: { type: 'string' },
      'skip-readme': { type: 'boolean', default: false },
    },
  });
  if (values.scale !== 'province' && values.scale !== 'national') throw new Error(`--scale must be province or national, got "${values.scale}"`);
  const scale = values.scale;
  const collaborators = values.collaborators ? Number(values.collaborators) : NATIONAL.collaborators;
  if (!Number.isSafeInteger(collaborators) || collaborators < 1000) throw new Error(`--collaborators must be an integer ≥ 1000, got "${values.collaborators}"`);
  if (values.collaborators && scale !== 'national') throw new Error('--collaborators applies to --scale national only');
  const seconds = Number(values.seconds);
  if (!(seconds > 0)) throw new Error(`--seconds must be positive, got "${values.seconds}"`);
  const chosen = values.only ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : Object.keys(SCENARIOS);
  const unknown = chosen.filter((name) => !SCENARIOS[name]);
  if (unknown.length) throw new Error(`Unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);

  const base = validateEnv(process.env);
  const dbName = benchDatabaseName(scale, collaborators);
  const url = new URL(base.DATABASE_URL);
  // BENCH_DB: a database of your own when several people bench on one server.
  url.pathname = `/${process.env.BENCH_DB ?? dbName}`;
  const databaseUrl = url.toString();
  await ensureDatabase(databaseUrl);
  // One run per bench database at a time: two runs would share its Redis prefix, clear each other's
  // queues and take each other's jobs. The lock is held by this connection until the process ends.
  const runLock = new pg.Client({ connectionString: databaseUrl, application_name: 'outreach-bench-run' });
  await runLock.connect();
  const [{ locked }] = (await runLock.query(`SELECT pg_try_advisory_lock(hashtext('outreach-bench-run')) AS locked`)).rows;
  if (!locked) throw new Error(`another bench run is using ${url.pathname.slice(1)}; wait for it, or set BENCH_DB to a database of your own`);
  const ds = createDataSource({ url: databaseUrl, poolSize: 2, statementTimeoutMs: 0 });
  await ds.initialize();
  await runMigrations(ds);
  await ds.destroy();
  /** province | national | national-<N> (mid scale): names charts and keys the README block. */
  const label = dbName.replace(/^outreach_bench_/, '').replace(/_/g, '-');
  const redisPrefix = `outreach-bench-${label}`;
  const cleared = await clearRedisPrefix(base.REDIS_URL, redisPrefix);

  let dataset: GenerateReport | undefined;
  if (chosen.some((name) => !DATA_FREE.has(name))) {
    process.stdout.write(`generating ${scale} dataset in ${dbName}…\n`);
    dataset = await generateDataset(databaseUrl, { scale, collaborators: scale === 'national' ? collaborators : undefined }, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(`dataset ${dataset.skipped ? 'already there' : `generated in ${dataset.seconds}s`}: ${JSON.stringify(dataset.sizes)}\n`);
  }
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await ensureBenchCounter(admin);
  await admin.end();

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  mkdirSync(RESULTS_DIR, { recursive: true });
  mkdirSync(CHARTS_DIR, { recursive: true });
  const charts: string[] = [];
  const chart = (name: string, spec: ChartSpec): string => {
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const svg = renderChart(spec);
    const file = join(RESULTS_DIR, `${stamp}-${label}-${slug}.svg`);
    writeFileSync(file, svg);
    // The newest chart of each name is also kept under bench/charts (committed, linked from the README).
    writeFileSync(join(CHARTS_DIR, `${label}-${slug}.svg`), svg);
    charts.push(file);
    return file;
  };

  const ctx: BenchContext = {
    scale,
    seconds,
    collaborators: scale === 'national' ? collaborators : undefined,
    databaseUrl,
    poolSize: base.DATABASE_POOL_SIZE,
    env: { DATABASE_URL: databaseUrl, REDIS_PREFIX: redisPrefix, RUN_MIGRATIONS: 'false', DATABASE_POOL_SIZE: String(base.DATABASE_POOL_SIZE), LOG_LEVEL: 'warn' },
    chart,
  };
  const results: ScenarioResult[] = [];
  for (const name of chosen) {
    process.stdout.write(`running ${name}…\n`);
    const started = performance.now();
    try {
      const result = await SCENARIOS[name]!(ctx);
      for (const curve of result.curves ?? []) chart(curve.name, curveChart(curve));
      result.figures.elapsedSeconds = Math.round((performance.now() - started) / 100) / 10;
      // How busy the shared machine was (1-minute load average at the end, 2 cores): context for absolute figures.
      result.figures.loadAverage = Math.round(loadavg()[0]! * 10) / 10;
      results.push(result);
    } catch (error) {
      console.error(`scenario ${name} failed:`, error);
      results.push({ name, figures: { error: String((error as Error)?.stack ?? error) }, summary: `FAILED: ${(error as Error)?.message ?? String(error)}` });
    }
  }
  console.table(
    results.map((r) => ({
      scenario: r.name,
      ratio: r.ratio?.toFixed(2) ?? '',
      targets: (r.targets ?? []).map((t) => `${t.met ? 'PASS' : 'SHORT'}${t.atTargetScale === false ? '*' : ''} ${t.id}`).join('; '),
      summary: r.summary,
    })),
  );
  const file = join(RESULTS_DIR, `${stamp}-${label}.json`);
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
  const run: RunFile & Record<string, unknown> = { scale, label, database: dbName, redisPrefix, clearedRedisKeys: cleared, command, at: new Date().toISOString(), dataset, results, charts };
  writeFileSync(file, JSON.stringify(run, null, 2));
  process.stdout.write(`wrote ${file}${charts.length ? ` and ${charts.length} chart(s)` : ''}\n`);
  // Kept per scale and scenario under bench/results/latest (committed), so a --skip-readme run can be folded in later (npm run bench:readme).
  for (const kept of writeLatest(RESULTS_DIR, run)) process.stdout.write(`kept ${kept}\n`);
  if (!values['skip-readme']) {
    const chartFiles = readdirSync(CHARTS_DIR).filter((f) => f.endsWith('.svg')).map((f) => `charts/${f}`);
    updateReadme(README, renderLatestBlock(readRuns(RESULTS_DIR), chartFiles));
    process.stdout.write(`updated ${README}\n`);
  }
  process.exit(results.some((r) => r.summary.startsWith('FAILED')) ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
