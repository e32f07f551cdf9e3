import { loadavg } from 'node:os';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createApi } from '../../src/app/create-api.js';
import { CampaignPipelineService } from '../../src/campaigns/fan-out.processor.js';
import { validateEnv } from '../../src/common/config/env.schema.js';
import { TokenService } from '../../src/identity/token.service.js';
import { seedBenchCampaign, seedBenchDirectory } from '../lib/campaign-data.js';
import { load, type LoadResult } from '../lib/http-load.js';
import { measureServerRss } from '../lib/rss.js';
import { measureCpu, type CpuFigures } from '../lib/cpu.js';
import { BASELINE_APPLICATION_NAME } from '../lib/bench-counter.js';
import { startAppServer, startBaselineServer } from '../lib/servers.js';
import type { BenchContext, ScenarioResult } from '../types.js';

/** Members of the few organisations whose people complete at once (the hot counter rows). */
const HOT_ORGANISATIONS = 3;
/** Tasks per person: enough that no task is completed twice within the rounds (3,700 req/s × 5 s × 2 × 3 + warm-up). */
const ITEMS = 2000;
/** Alternating load windows per server (see below). */
const ROUNDS = 3;
const WARM_UP_SECONDS = 2;

/**
 * `POST /tasks/:id/complete` with everything it does (auth, checks, idempotency key, conditional
 * update, counters, audit) at 50 connections, against a bare NestJS route on the same Fastify
 * adapter doing one single-row UPDATE — both servers in child processes (bench/lib/servers.ts).
 *
 * Realistic load for a launch: the members of a few organisations (each signed in as themselves)
 * complete their personal-share tasks of one campaign at the same time, so every request adds to
 * the same few (campaign, organisation) counter rows. Each request is a different pending task
 * with its own proof. pg_stat_activity is sampled meanwhile: what the API's connections wait on.
 */
export async function complete(ctx: BenchContext): Promise<ScenarioResult> {
  const env = validateEnv({ ...process.env, ...ctx.env });

  // Seeding goes through the app's own fan-out (in this process), then the app is closed.
  const seeder = await createApi({ env: { ...ctx.env, LOG_LEVEL: 'warn' } });
  let campaignId: string;
  let people: Array<{ token: string; tasks: string[] }>;
  try {
    const ds = seeder.get(DataSource);
    const dir = await seedBenchDirectory(ds, { units: 20, cellsPerUnit: 2, collaborators: 1200, channels: 60 });
    const hot: Array<{ id: string }> = await ds.query(
      `SELECT o.id FROM organisation o WHERE o.ancestors @> ARRAY[$1::uuid] AND o.id <> $1
        ORDER BY (SELECT count(*) FROM collaborator c WHERE c.organisation_id = o.id) DESC, o.id LIMIT ${HOT_ORGANISATIONS}`,
      [dir.rootId],
    );
    campaignId = await seedBenchCampaign(ds, dir.rootId, ITEMS, { organisationIds: hot.map((o) => o.id), includeSubtree: false, platforms: [], personalShares: true });
    await seeder.get(CampaignPipelineService).fanOut(campaignId);
    const members: Array<{ id: string; tasks: string[] }> = await ds.query(
      `SELECT c.id, array_agg(t.id::text ORDER BY random()) AS tasks
         FROM collaborator c JOIN share_task t ON t.collaborator_id = c.id AND t.campaign_id = $1
        GROUP BY c.id ORDER BY c.id`,
      [campaignId],
    );
    const tokens = seeder.get(TokenService);
    people = [];
    for (const member of members) {
      const [user] = await ds.query(
        `INSERT INTO app_user (login, password_hash, role, collaborator_id) VALUES ('bench-' || gen_random_uuid(), 'x', 'collaborator', $1) RETURNING id`,
        [member.id],
      );
      people.push({ token: tokens.signAccessToken(user.id), tasks: member.tasks });
    }
  } finally {
    await seeder.close();
  }
  const tasks = people.reduce((n, p) => n + p.tasks.length, 0);

  // Both servers run side by side and take turns under load, ROUNDS times (baseline, app, baseline,
  // app, …): on this shared machine the load of other work drifts within seconds, and a ratio of
  // two adjacent windows drifts far less than two figures minutes apart. The ratio is the median
  // of the rounds' ratios; the figures shown are those of that round.
  const baselineServer = await startBaselineServer('update', { env: ctx.env, poolSize: env.DATABASE_POOL_SIZE });
  const server = await startAppServer({ env: ctx.env });
  const waits = new Map<string, number>();
  const monitor = new pg.Client({ connectionString: ctx.databaseUrl });
  await monitor.connect();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await monitor.query(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait, state, count(*)::int AS n
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')
             AND query NOT LIKE '%bench_counter%'
          GROUP BY 1, 2`,
      );
      for (const r of rows) waits.set(`${r.state} ${r.wait}`, (waits.get(`${r.state} ${r.wait}`) ?? 0) + r.n);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  let i = 0;
  let batching: Record<string, { batches: number; requests: number; mean: number }>;
  const rounds: Array<{
    baseline: LoadResult; measured: LoadResult; ratio: number; loadAverage: number;
    cpuPerRequestMs: { server: number; database: number }; baselineCpuPerRequestMs: { server: number; database: number }; peakRssMb: number;
  }> = [];
  let rss = { peakRssMb: 0, hwmMb: 0, samples: 0 };
  const appLoad = (duration: number) =>
    load({
      url: server.url,
      duration,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const k = i++;
            // Consecutive requests come from different people of the same few organisations.
            const person = people[k % people.length]!;
            const task = person.tasks[Math.floor(k / people.length) % person.tasks.length];
            return {
              ...req,
              path: `/api/v1/tasks/${task}/complete`,
              headers: { authorization: `Bearer ${person.token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${k}` },
              body: JSON.stringify({ proofUrl: `https://www.facebook.com/benchpage/posts/${k}x${campaignId.slice(0, 8)}${k}` }),
            };
          },
        },
      ],
    });
  try {
    // Un-measured warm-up of both (V8 optimises the app's hot paths during the first seconds).
    await load({ url: `${baselineServer.url}/update`, method: 'POST', duration: WARM_UP_SECONDS });
    await appLoad(WARM_UP_SECONDS);
    for (let round = 0; round < ROUNDS; round++) {
      const { result: baseline, cpu: baselineCpu } = await measureCpu(baselineServer.pid, monitor, BASELINE_APPLICATION_NAME, () =>
        load({ url: `${baselineServer.url}/update`, method: 'POST', duration: ctx.seconds }),
      );
      const { result: { result: measured, rss: roundRss }, cpu } = await measureCpu(server.pid, monitor, 'outreach-api', () => measureServerRss(server.pid, () => appLoad(ctx.seconds)));
      if (roundRss.peakRssMb > rss.peakRssMb) rss = roundRss;
      rounds.push({
        baseline, measured, ratio: measured.requestsPerSecond / baseline.requestsPerSecond, loadAverage: Number(loadavg()[0]!.toFixed(1)),
        cpuPerRequestMs: perRequest(cpu, measured), baselineCpuPerRequestMs: perRequest(baselineCpu, baseline), peakRssMb: roundRss.peakRssMb,
      });
    }
  } finally {
    sampling = false;
    await sampler;
    await monitor.end();
    batching = await readBatching(server.url).catch(() => ({}));
    await Promise.all([server.stop(), baselineServer.stop()]);
  }
  const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
  const { baseline, measured } = median;

  const check = new pg.Client({ connectionString: ctx.databaseUrl });
  await check.connect();
  const { rows: [counts] } = await check.query(
    `SELECT (SELECT count(*)::int FROM share_task WHERE campaign_id = $1 AND status = 'done') AS done,
            (SELECT coalesce(sum(done), 0)::int FROM campaign_progress WHERE campaign_id = $1) AS counted,
            (SELECT count(*)::int FROM campaign_progress WHERE campaign_id = $1) AS counter_rows`,
    [campaignId],
  );
  await check.end();

  const ratio = median.ratio;
  // What a request costs in CPU (server + its database backends), summed over every round: the
  // capacity ratio on a machine of their own, whatever the shared machine was doing meanwhile.
  const cost = (pick: (r: (typeof rounds)[number]) => { server: number; database: number }) => {
    const total = rounds.reduce((sum, r) => sum + pick(r).server + pick(r).database, 0);
    return total / rounds.length;
  };
  const cpuRatio = cost((r) => r.baselineCpuPerRequestMs) / cost((r) => r.cpuPerRequestMs);
  const samples = [...waits.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  return {
    name: 'complete',
    figures: {
      measured, baseline, rounds, rss, tasks, people: people.length, organisations: HOT_ORGANISATIONS,
      completed: counts.done, progressCounterDone: counts.counted, counterRows: counts.counter_rows, wrapped: i > tasks,
      waitSamples: Object.fromEntries(samples),
      batching,
      cpuRatio,
    },
    ratio,
    target: { description: '≥ 0.5× the bare UPDATE route, p99 < 50 ms, RSS < 300 MB', met: ratio >= 0.5 && measured.p99Ms < 50 && rss.peakRssMb < 300 },
    targets: [
      { id: 'complete-throughput', met: ratio >= 0.5, measured: `${ratio.toFixed(2)}× (${measured.requestsPerSecond} vs ${baseline.requestsPerSecond} req/s)` },
      { id: 'complete-p99', met: measured.p99Ms < 50, measured: `p99 ${measured.p99Ms} ms` },
      { id: 'complete-rss', met: rss.peakRssMb < 300, measured: `peak RSS ${rss.peakRssMb} MB` },
    ],
    note:
      'Ratio = the median over 3 rounds of complete req/s ÷ the bare one-UPDATE route\'s req/s, the two servers taking turns under load (50 connections each, ' +
      `${ctx.seconds} s windows). "CPU per request" = user+system CPU of the server process and of its Postgres backends (found by application_name) ÷ requests, ` +
      'averaged over the rounds: a cost the shared machine\'s load hardly moves, so its ratio (baseline ÷ app) is the capacity ratio on a machine of their own. ' +
      'Completions arriving together share one statement (CompletionBatchService; "completions per statement" from /metrics), and so do the token-user lookups. ' +
      'What brought it from 0.30× to about 0.6× on the machine of 2026-11-26 15:09–15:45 UTC (each step measured here): the batch statement and the user lookup as named prepared statements ' +
      '(parsed and planned once per connection: database CPU per completion 0.70 → 0.33 ms); a cache of verified access tokens (the HMAC check, ~9% of the API\'s busy profile); ' +
      'request log lines written from Fastify hooks with the request id from a pino mixin instead of two child loggers per request (~5%); helmet\'s fixed headers worked out once (~3%). ' +
      'On the faster machine of 17:36 UTC (baseline 6–7.7k req/s instead of 3.5k) the same code measured 0.46×; then, each step measured with the two builds side by side: ' +
      'a verified token goes from the global guard straight to its user instead of through passport\'s per-request strategy instance (API CPU per completion 0.177 → 0.149 ms); ' +
      'callback-style Fastify hooks, no CORS hook when no origin is allowed, clean input checked without being copied (~5%); two batch slots instead of three (larger batches, ' +
      'less database CPU per completion); the batch UPDATE no longer scans the candidates once per task; the AsyncLocalStorage that bound every log line to its request made ' +
      'opt-in (LOG_REQUEST_CONTEXT: on Node 20 it hooks every promise, 13–19% of the API\'s CPU). Together 0.46× → 0.50–0.57× (18:28–18:45 UTC). What is left: the database\'s ' +
      'work per completion (~0.19 ms: the UPDATE and its seven index entries, the counter trigger about a third, the audit row) now outweighs the API\'s (~0.13 ms, spread over ' +
      'Nest\'s pipeline, pg and Fastify\'s reply). ' +
      'p99 at 50 closed-loop connections is mean latency (50 ÷ throughput) times the spread the shared 2-core machine adds (autocannon, the API and Postgres competing for the ' +
      'cores): on the machine of 16:40 UTC the bare one-UPDATE route itself measured 35–55 ms p99, on that of 17:36 UTC 12–20 ms. ' +
      'RSS: the API runs with --max-old-space-size=512 as deployed (src/cli/api-node-flags.ts); with Node\'s default limit V8 let the heap grow to 350 MB under this load with about 70 MB live.',
    summary: `CPU per request ${cost((r) => r.cpuPerRequestMs).toFixed(2)} ms vs ${cost((r) => r.baselineCpuPerRequestMs).toFixed(2)} ms (×${cpuRatio.toFixed(2)}); complete ${measured.requestsPerSecond} req/s p99 ${measured.p99Ms} ms, RSS ${rss.peakRssMb} MB, ${batching.task_complete?.mean.toFixed(1) ?? '?'} completions per statement (${counts.done} completions by ${people.length} people of ${HOT_ORGANISATIONS} organisations; counters say ${counts.counted}) vs bare UPDATE ${baseline.requestsPerSecond} req/s p99 ${baseline.p99Ms} ms`,
  };
}

/** The API's request batchers (db_batches_total / db_batched_requests_total on /metrics): how many requests shared a statement. */
async function readBatching(url: string): Promise<Record<string, { batches: number; requests: number; mean: number }>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, { batches: number; requests: number; mean: number }> = {};
  for (const m of text.matchAll(/^db_(batches|batched_requests)_total\{batch="([^"]+)"\} (\d+)/gm)) {
    const entry = (out[m[2]!] ??= { batches: 0, requests: 0, mean: 0 });
    if (m[1] === 'batches') entry.batches = Number(m[3]);
    else entry.requests = Number(m[3]);
    entry.mean = entry.batches ? entry.requests / entry.batches : 0;
  }
  return out;
}

/** CPU ms per request of one load window, server and database apart. */
function perRequest(cpu: CpuFigures, load: LoadResult): { server: number; database: number } {
  const n = Math.max(1, load.total);
  return { server: Number((cpu.serverMs / n).toFixed(3)), database: Number((cpu.databaseMs / n).toFixed(3)) };
}
