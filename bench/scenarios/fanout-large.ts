/**
 * Fan-out at 1M and 5M tasks through the REAL worker process (`dist/src/worker.js`, started with
 * `startProcess`), with the worker's resident memory sampled from /proc while it runs the job, beside
 * a raw server-side COPY of the same rows into share_task, and the RSS of the same worker idle.
 *
 * Data: a database of its own (`outreach_bench_fanout_large`, created, migrated with the app's
 * migrations and dropped at the end, so 12M+ task rows never stay behind), with two directories made
 * by `seedBenchDirectory` (fresh ids): 200,000 and 1,000,000 collaborators, each targeted by a
 * 5-item campaign of personal shares (1M and 5M tasks). The collaborator table's secondary indexes
 * are dropped for the load and rebuilt once (`withIndexesRebuilt`), as the national generator does.
 *
 * Per size: share_task is emptied (TRUNCATE … CASCADE: the bench's own database); a fan-out job
 * is queued the way a launch queues it (an outbox row the worker's relay picks up) and timed until
 * the campaign is marked fanned out (the job's last step, after the per-person digests), while
 * the worker's RSS is sampled every 50 ms; the rows it made are written to a server-side file
 * re-keyed to a twin campaign (same items by position); share_task is emptied again; the file is
 * COPY'd in (timed). Both therefore write the same N rows into an empty share_task with the same
 * indexes, foreign keys and counter triggers.
 *
 * `BENCH_FANOUT_LARGE_TASKS=20000,100000` overrides the sizes (multiples of 5) for a quick check;
 * `BENCH_FANOUT_LARGE_KEEP=1` keeps the database afterwards (to EXPLAIN the fan-out's statements).
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { JobName } from '../../src/common/queue/queue.constants.js';
import { createDataSource, runMigrations } from '../../src/common/database/data-source.js';
import { ensureDatabase } from '../../src/common/database/ensure-database.js';
import { validateEnv } from '../../src/common/config/env.schema.js';
import { seedBenchCampaign, seedBenchDirectory } from '../lib/campaign-data.js';
import { costCurve } from '../lib/cost-curve.js';
import { withIndexesRebuilt } from '../lib/generate.js';
import { type AppProcess, startProcess, waitUntil } from '../lib/processes.js';
import { clearRedisPrefix } from '../lib/redis.js';
import { type RssFigures, startRssSampler } from '../lib/rss.js';
import type { BenchContext, ScenarioResult } from '../types.js';

const ITEMS = 5;
const DATABASE = 'outreach_bench_fanout_large';
/** Flat memory: peak RSS at the largest size ≤ this × peak RSS at the smallest. */
export const FLAT_RSS_FACTOR = 1.2;
/** …and the job's peak above idle stays under this share of what the rows take as COPY text. */
export const FLAT_RSS_SHARE_OF_ROWS = 0.1;

interface SizeRun {
  tasks: number;
  people: number;
  fanOutMs: number;
  fanOutTasksPerSecond: number;
  copyMs: number;
  copyRowsPerSecond: number;
  /** Bytes of the rows as COPY text (the server-side file): a floor for holding them in memory. */
  rowsTextMb: number;
  worker: RssFigures;
  digests: number;
  loadAverage: number;
}

export async function fanoutLarge(ctx: BenchContext): Promise<ScenarioResult> {
  const sizes = (process.env.BENCH_FANOUT_LARGE_TASKS ?? '1000000,5000000').split(',').map(Number);
  if (sizes.some((n) => !Number.isSafeInteger(n) || n <= 0 || n % ITEMS !== 0)) throw new Error(`BENCH_FANOUT_LARGE_TASKS must be multiples of ${ITEMS}`);
  // BENCH_FANOUT_LARGE_KEEP=1 leaves the database (and the last COPY'd tasks) for EXPLAIN; drop it yourself.
  const keep = process.env.BENCH_FANOUT_LARGE_KEEP === '1';
  const url = new URL(ctx.databaseUrl ?? String(ctx.env.DATABASE_URL));
  url.pathname = `/${DATABASE}`;
  const databaseUrl = url.toString();
  await recreateDatabase(databaseUrl);
  const env = validateEnv({ ...process.env, ...ctx.env, DATABASE_URL: databaseUrl });
  const prefix = `${String(ctx.env.REDIS_PREFIX ?? 'outreach-bench')}-fanout-large`;
  await clearRedisPrefix(env.REDIS_URL, prefix);
  const ds = createDataSource({ url: databaseUrl, poolSize: 2, statementTimeoutMs: 0, applicationName: 'outreach-bench-fanout-large' });
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'outreach-bench-fanout-large' });
  let worker: AppProcess | undefined;
  const runs: SizeRun[] = [];
  try {
    await ds.initialize();
    await runMigrations(ds);
    await client.connect();
    await client.query('SET statement_timeout = 0');

    // Directories: one per size, loaded with the collaborator indexes dropped and rebuilt once.
    const seedStarted = performance.now();
    const phases: Record<string, number> = {};
    const dirs: Array<{ rootId: string; tasks: number; people: number; organisations: number }> = [];
    await withIndexesRebuilt(client, 'collaborator', async () => {
      for (const tasks of sizes) {
        const people = tasks / ITEMS;
        // ~100 people per organisation, like a large national subtree; chunks of 500 organisations ≈ 250k tasks.
        const units = Math.max(10, Math.round(people / 500));
        const dir = await seedBenchDirectory(ds, { units, cellsPerUnit: 4, collaborators: people, channels: 0 });
        dirs.push({ rootId: dir.rootId, tasks, people, organisations: dir.organisations });
      }
    }, phases);
    await client.query('ANALYZE organisation, collaborator');
    const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;

    worker = await startProcess('worker', 0, { ...ctx.env, DATABASE_URL: databaseUrl, REDIS_PREFIX: prefix, RUN_MIGRATIONS: 'false', OUTBOX_POLL_MS: '200', LOG_LEVEL: 'info' });
    // Idle baseline: the ready worker, 5 s, no jobs.
    const idleSampler = startRssSampler(worker.pid);
    await new Promise((r) => setTimeout(r, 5000));
    const idle = idleSampler.stop();

    for (const dir of dirs) {
      await client.query('TRUNCATE share_task CASCADE');
      await client.query('CHECKPOINT').catch(() => undefined);
      const campaignId = await seedBenchCampaign(ds, dir.rootId, ITEMS, { personalShares: true, platforms: [] });
      const outputStart = worker.output().length;
      const sampler = startRssSampler(worker.pid);
      const t0 = performance.now();
      await client.query(`INSERT INTO outbox (kind, payload) VALUES ($1, $2)`, [JobName.CampaignFanOut, JSON.stringify({ campaignId })]);
      try {
        await waitUntil(
          async () => {
            if (worker!.child.exitCode !== null) throw new Error(`worker exited (${worker!.child.exitCode}):\n${worker!.output().slice(-3000)}`);
            const { rows } = await client.query(`SELECT fanned_out_at IS NOT NULL AS done FROM campaign WHERE id = $1`, [campaignId]);
            return rows[0]?.done === true;
          },
          `the ${dir.tasks.toLocaleString('en')}-task fan-out`,
          90 * 60_000,
          100,
        );
      } catch (error) {
        sampler.stop();
        throw new Error(`${String(error)}\n${worker.output().slice(-3000)}`, { cause: error });
      }
      const fanOutMs = performance.now() - t0;
      const rss = sampler.stop();
      const { rows: [count] } = await client.query(`SELECT count(*)::int AS n FROM share_task WHERE campaign_id = $1`, [campaignId]);
      if (count.n !== dir.tasks) throw new Error(`fan-out made ${count.n} tasks, expected ${dir.tasks}`);
      const { rows: [digest] } = await client.query(`SELECT count(*)::int AS n FROM notification WHERE event = 'tasks.assigned' AND data->>'campaignId' = $1`, [campaignId]);
      // The worker's own log lines: one job run made every task, and nothing failed on the way (a failed attempt is retried).
      const logged = [...worker.output().matchAll(new RegExp(`Campaign ${campaignId}: fan-out created (\\d+) task`, 'g'))].map((m) => Number(m[1]));
      if (logged.reduce((a, b) => a + b, 0) !== dir.tasks) throw new Error(`the worker logged ${JSON.stringify(logged)} tasks for ${campaignId}, expected ${dir.tasks}:\n${worker.output().slice(-3000)}`);
      const failures = worker.output().slice(outputStart).split('\n').filter((line) => /"level":(50|60)/.test(line));
      if (logged.length !== 1 || failures.length) throw new Error(`the ${dir.tasks}-task fan-out took ${logged.length} job run(s) with ${failures.length} error line(s):\n${failures.join('\n').slice(-3000)}`);

      // Baseline: the same rows re-keyed to a twin campaign, COPY'd from a server-side file into an empty share_task.
      const twinId = await seedBenchCampaign(ds, dir.rootId, ITEMS, { personalShares: true, platforms: [] });
      const file = `/tmp/outreach-bench-fanout-large-${process.pid}-${dir.tasks}.tsv`;
      await client.query(
        `COPY (SELECT b.campaign_id, b.id, t.organisation_id, t.platform, t.collaborator_id, t.deadline
                 FROM share_task t JOIN content_item a ON a.id = t.item_id
                 JOIN content_item b ON b.campaign_id = '${twinId}' AND b.position = a.position
                WHERE t.campaign_id = '${campaignId}' ORDER BY t.id) TO '${file}'`,
      );
      const { rows: [size] } = await client.query(`SELECT (pg_stat_file($1)).size::bigint AS bytes`, [file]);
      await client.query('TRUNCATE share_task CASCADE');
      await client.query('CHECKPOINT').catch(() => undefined);
      const c0 = performance.now();
      await client.query(`COPY share_task (campaign_id, item_id, organisation_id, platform, collaborator_id, deadline) FROM '${file}'`);
      const copyMs = performance.now() - c0;
      rmSync(file, { force: true });
      runs.push({
        tasks: dir.tasks,
        people: dir.people,
        fanOutMs: Math.round(fanOutMs),
        fanOutTasksPerSecond: Math.round(dir.tasks / (fanOutMs / 1000)),
        copyMs: Math.round(copyMs),
        copyRowsPerSecond: Math.round(dir.tasks / (copyMs / 1000)),
        rowsTextMb: Math.round(Number(size.bytes) / 1e5) / 10,
        worker: rss,
        digests: digest.n,
        loadAverage: Math.round(loadavg()[0]! * 10) / 10,
      });
      process.stdout.write(`  fanout-large ${JSON.stringify(runs[runs.length - 1])}\n`);
    }
    if (!keep) await client.query('TRUNCATE share_task CASCADE');

    const small = runs[0]!;
    const large = runs[runs.length - 1]!;
    const ratio = large.fanOutTasksPerSecond / large.copyRowsPerSecond;
    const rssGrowth = large.worker.peakRssMb / small.worker.peakRssMb;
    const aboveIdle = large.worker.peakRssMb - idle.peakRssMb;
    const flat = rssGrowth <= FLAT_RSS_FACTOR && aboveIdle <= FLAT_RSS_SHARE_OF_ROWS * large.rowsTextMb;
    const atScale = large.tasks >= 5_000_000;
    const fmt = (n: number) => n.toLocaleString('en');
    ctx.chart?.('fanout-large-worker-rss', {
      kind: 'bar',
      title: `Worker peak RSS (MB): idle vs fan-out of ${runs.map((r) => fmt(r.tasks)).join(' / ')} tasks`,
      yLabel: 'peak RSS (MB)',
      bars: [{ label: 'idle', value: idle.peakRssMb }, ...runs.map((r) => ({ label: `${fmt(r.tasks)} tasks`, value: r.worker.peakRssMb }))],
    });
    const curve = costCurve(
      'fan-out seconds vs tasks (worker process)',
      'tasks',
      'seconds',
      runs.map((r) => ({ size: r.tasks, value: r.fanOutMs / 1000 })),
      { name: 'raw COPY of the same rows (seconds)', points: runs.map((r) => ({ size: r.tasks, value: r.copyMs / 1000 })) },
    );
    return {
      name: 'fanout-large',
      figures: { database: DATABASE, items: ITEMS, chunkOrganisations: env.FANOUT_CHUNK_ORGANISATIONS, seedSeconds, seedPhases: phases, directories: dirs, idle, runs, rssGrowth, aboveIdleMb: Math.round(aboveIdle * 10) / 10 },
      ratio,
      curves: [curve],
      targets: [
        { id: 'fanout-vs-copy', met: ratio >= 1 / 3, measured: `${fmt(large.fanOutTasksPerSecond)}/s vs COPY ${fmt(large.copyRowsPerSecond)}/s at ${fmt(large.tasks)} tasks (×${ratio.toFixed(2)})`, atTargetScale: true },
        {
          id: 'fanout-memory',
          met: flat,
          measured: `worker peak RSS ${small.worker.peakRssMb} MB at ${fmt(small.tasks)}, ${large.worker.peakRssMb} MB at ${fmt(large.tasks)} (×${rssGrowth.toFixed(2)}; idle ${idle.peakRssMb} MB; rows ${fmt(large.rowsTextMb)} MB as COPY text)`,
          atTargetScale: atScale,
        },
      ],
      summary:
        runs.map((r) => `${fmt(r.tasks)} tasks: fan-out ${(r.fanOutMs / 1000).toFixed(1)} s (${fmt(r.fanOutTasksPerSecond)}/s) vs COPY ${(r.copyMs / 1000).toFixed(1)} s (${fmt(r.copyRowsPerSecond)}/s), worker peak RSS ${r.worker.peakRssMb} MB (load ${r.loadAverage})`).join('; ') +
        `; idle worker ${idle.peakRssMb} MB`,
      note:
        `Ratio = fan-out rate ÷ raw-COPY rate at ${fmt(large.tasks)} tasks (same rows, both into an empty share_task with every index, FK and counter trigger, same run). ` +
        `Fan-out is timed from the outbox row to the campaign marked fanned out, so it includes the relay, the queue and the per-person digests. ` +
        `Flat memory = the worker's peak RSS at ${fmt(large.tasks)} tasks ≤ ${FLAT_RSS_FACTOR}× its peak at ${fmt(small.tasks)}, and its rise above idle ≤ ${FLAT_RSS_SHARE_OF_ROWS * 100}% of the rows' size as COPY text (${fmt(large.rowsTextMb)} MB; holding the rows as JS objects would take several times that).`,
    };
  } finally {
    await worker?.stop().catch(() => undefined);
    await client.end().catch(() => undefined);
    if (ds.isInitialized) await ds.destroy();
    await clearRedisPrefix(env.REDIS_URL, prefix).catch(() => undefined);
    if (!keep) await dropDatabase(databaseUrl);
  }
}

function adminUrl(databaseUrl: string): { url: string; name: string } {
  const admin = new URL(databaseUrl);
  const name = decodeURIComponent(admin.pathname.slice(1));
  if (!/^outreach_bench_[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a bench database`);
  admin.pathname = '/postgres';
  return { url: admin.toString(), name };
}

async function dropDatabase(databaseUrl: string): Promise<void> {
  const { url, name } = adminUrl(databaseUrl);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function recreateDatabase(databaseUrl: string): Promise<void> {
  await dropDatabase(databaseUrl);
  await ensureDatabase(databaseUrl);
}
