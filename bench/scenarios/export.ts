import { fork } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDataSource, runMigrations } from '../../src/common/database/data-source.js';
import { ensureDatabase } from '../../src/common/database/ensure-database.js';
import { seedBenchDirectory } from '../lib/campaign-data.js';
import { startRssSampler, type RssFigures } from '../lib/rss.js';
import { copyTasks, seedTaskWorld, taskCapacity } from '../lib/task-data.js';
import { trackChild } from '../lib/servers.js';
import type { BenchContext, ScenarioResult } from '../types.js';

export const EXPORT_BENCH_DB = 'outreach_bench_export';
const here = dirname(fileURLToPath(import.meta.url));
const CHILD = existsSync(join(here, '..', 'servers', 'export-child.js'))
  ? join(here, '..', 'servers', 'export-child.js')
  : join(here, '..', '..', 'dist', 'bench', 'servers', 'export-child.js');

interface Run {
  ms: number;
  bytes: number;
  rss: RssFigures;
  /** CSV only: data lines written (header and BOM excluded). */
  lines?: number;
}

/**
 * The per-collaborator export as the worker builds it (ReportExportService.render: the report's
 * SQL read through a cursor, rows written by ExcelJS's streaming writer / csv-stringify), each in
 * a child process whose RSS is sampled, at 4,300 people (the province) and 1,000,000 people.
 * Baseline: the same number of rows of the same shape written by ExcelJS's streaming writer alone,
 * no database, in the same kind of child process.
 */
export async function exportScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const url = new URL(String(ctx.env.DATABASE_URL));
  url.pathname = `/${process.env.EXPORT_BENCH_DB ?? EXPORT_BENCH_DB}`;
  const databaseUrl = url.toString();
  await recreateDatabase(databaseUrl);
  const ds = createDataSource({ url: databaseUrl, poolSize: 2, statementTimeoutMs: 0 });
  await ds.initialize();
  await runMigrations(ds);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const dir = mkdtempSync(join(tmpdir(), 'outreach-bench-export-'));
  const env = { ...process.env, ...ctx.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' } as NodeJS.ProcessEnv;
  try {
    await ds.query(`INSERT INTO app_user (login, password_hash, role) VALUES ('bench-export-admin', 'x', 'admin')`);
    const province = await seedBenchDirectory(ds, { units: 73, cellsPerUnit: 1, collaborators: 4300, channels: 250 });
    // Two years of campaigns for the province's people (as the reports bench, fewer items).
    const world = await seedTaskWorld(client, province.rootId, 96, 1);
    await copyTasks(client, world, 0, taskCapacity(world));
    await client.query('ANALYZE');
    const small = {
      xlsx: await measure(env, ['app', 'xlsx', join(dir, 'small.xlsx')]),
      csv: await measure(env, ['app', 'csv', join(dir, 'small.csv')]),
      baseline: await measure(env, ['baseline', '4300', join(dir, 'small-baseline.xlsx')]),
    };
    // Up to 1,000,000 people: a second directory (no tasks: they export as inactive, on both sheets).
    // EXPORT_BENCH_PEOPLE: a smaller large size for a quick run.
    await seedBenchDirectory(ds, { units: 73, cellsPerUnit: 1, collaborators: Number(process.env.EXPORT_BENCH_PEOPLE ?? 1_000_000) - 4300, channels: 10 });
    await client.query('ANALYZE');
    const [{ people }] = await ds.query(`SELECT count(*)::int AS people FROM collaborator WHERE active`);
    const large = {
      xlsx: await measure(env, ['app', 'xlsx', join(dir, 'large.xlsx')]),
      csv: await measure(env, ['app', 'csv', join(dir, 'large.csv')]),
      baseline: await measure(env, ['baseline', String(people), join(dir, 'large-baseline.xlsx')]),
    };
    if (small.csv.lines !== 4300 || large.csv.lines !== people) {
      throw new Error(`csv rows: ${small.csv.lines} and ${large.csv.lines}, expected 4300 and ${people}`);
    }
    const ratio = small.xlsx.ms / Math.max(1, small.baseline.ms);
    const flat = large.xlsx.rss.peakRssMb <= small.xlsx.rss.peakRssMb * 1.5;
    const atTargetScale = people >= 1_000_000;
    const mb = (r: Run) => `${r.rss.peakRssMb} MB`;
    return {
      name: 'export',
      figures: { people: { small: 4300, large: people }, small, large },
      ratio,
      targets: [
        { id: 'export-4300', met: small.xlsx.ms < 3000, measured: `${small.xlsx.ms} ms (ExcelJS alone ${small.baseline.ms} ms)` },
        { id: 'export-memory', met: flat, measured: `peak RSS ${mb(large.xlsx)} at ${people.toLocaleString('en')} rows vs ${mb(small.xlsx)} at 4,300`, atTargetScale },
      ],
      note:
        'Ratio = the 4,300-row .xlsx export ÷ ExcelJS alone writing as many rows of the same shape (one sheet, a number format set per cell), each in its own child process. The export reads the report once through a cursor; its second sheet (people with nothing done) comes from a spool file written during that pass (up to 50,000 people; beyond, as at 1,000,000, it reads the report again); cells share one style object per kind; per-person figures come from the (person, month) rollup.',
      summary:
        `4,300 people: xlsx ${small.xlsx.ms} ms / ${mb(small.xlsx)}, csv ${small.csv.ms} ms / ${mb(small.csv)}, ExcelJS alone ${small.baseline.ms} ms / ${mb(small.baseline)}; ` +
        `${people.toLocaleString('en')} people: xlsx ${large.xlsx.ms} ms / ${mb(large.xlsx)}, csv ${large.csv.ms} ms / ${mb(large.csv)}, ExcelJS alone ${large.baseline.ms} ms / ${mb(large.baseline)} ` +
        `(ratio = export ÷ ExcelJS alone at 4,300, time; lower is better)`,
    };
  } finally {
    await client.end();
    await ds.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the export child, sampling its RSS; answers its own timing, the file size and (CSV) the lines. */
async function measure(env: NodeJS.ProcessEnv, args: string[]): Promise<Run> {
  const child = trackChild(fork(CHILD, args, { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] }));
  const sampler = startRssSampler(child.pid!, 25);
  let ms = -1;
  child.on('message', (m: { ms?: number }) => {
    if (typeof m?.ms === 'number') ms = m.ms;
  });
  const code: number = await new Promise((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  const rss = sampler.stop();
  if (code !== 0 || ms < 0) throw new Error(`export child ${args.join(' ')} failed (exit ${code})`);
  const out = args[2]!;
  const run: Run = { ms, bytes: statSync(out).size, rss };
  if (out.endsWith('.csv')) run.lines = (await countLines(out)) - 1;
  return run;
}

async function countLines(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path)) for (const b of chunk as Buffer) if (b === 10) n++;
  return n;
}

async function recreateDatabase(databaseUrl: string): Promise<void> {
  const admin = new URL(databaseUrl);
  const name = decodeURIComponent(admin.pathname.slice(1));
  if (!/^outreach_bench_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a bench database`);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
  await ensureDatabase(databaseUrl);
}
