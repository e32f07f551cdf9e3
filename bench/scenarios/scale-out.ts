/**
 * Scale-out: the same fan-out and completion load with 1 API + 1 worker, then with 2 APIs + 3
 * workers: real processes from the built dist (`dist/src/main.js`, `dist/src/worker.js`) on the
 * bench's Postgres and a Redis prefix of their own per topology.
 *
 * Fan-out: K campaigns are launched through the APIs (round-robin); the workers relay the outbox
 * and run the fan-out jobs; timed until every campaign is fanned out. Completion: autocannon
 * against every API at once (50 connections in all), each request completing a different task.
 * Checks, per topology: each campaign fanned out by exactly one job run (the workers' own log
 * lines), by more than one worker in all when there are several; task counts exactly what the
 * targeting implies; every 2xx completion is one `done` task and the progress counters agree.
 * Baseline: the 1 + 1 topology in the same run.
 */
import { cpus, loadavg } from 'node:os';
import { validateEnv } from '../../src/common/config/env.schema.js';
import { createDataSource } from '../../src/common/database/data-source.js';
import { benchUser } from '../lib/bench-users.js';
import { seedBenchCampaign, seedBenchDirectory } from '../lib/campaign-data.js';
import { load, type LoadResult } from '../lib/http-load.js';
import { type AppProcess, startProcess, waitUntil } from '../lib/processes.js';
import { clearRedisPrefix } from '../lib/redis.js';
import type { BenchContext, ScenarioResult } from '../types.js';

interface Topology {
  apis: number;
  workers: number;
}

interface TopologyRun extends Topology {
  campaigns: number;
  tasks: number;
  fanOutSeconds: number;
  fanOutTasksPerSecond: number;
  /** Worker index → campaigns it fanned out. */
  fanOutsByWorker: Record<string, number>;
  completion: LoadResult & { perApi: LoadResult[]; ok: number; sent: number; done: number; statuses: Record<string, number>; refusal?: string };
  checks: Record<string, boolean>;
  problems: string[];
  loadAverage: number;
}

const FAN_OUT_LOG = /Campaign ([0-9a-f-]{36}): fan-out created (\d+) task/g;
/** 1 + 1 twice (before and after), so warm caches and the machine's drift do not favour either side. */
const TOPOLOGIES: Topology[] = [
  { apis: 1, workers: 1 },
  { apis: 2, workers: 3 },
  { apis: 1, workers: 1 },
];

export async function scaleOut(ctx: BenchContext): Promise<ScenarioResult> {
  const databaseUrl = ctx.databaseUrl ?? String(ctx.env.DATABASE_URL);
  const env = validateEnv({ ...process.env, ...ctx.env });
  const ds = createDataSource({ url: databaseUrl, poolSize: 4, statementTimeoutMs: 0, applicationName: 'outreach-bench-scale-out' });
  await ds.initialize();
  const runs: TopologyRun[] = [];
  try {
    for (const topology of TOPOLOGIES) runs.push(await runTopology(ctx, env, ds, topology));
  } finally {
    await ds.destroy();
  }
  const [first, many, again] = runs as [TopologyRun, TopologyRun, TopologyRun];
  const mean = (a: number, b: number) => Math.round(((a + b) / 2) * 10) / 10;
  // The baseline: the mean of the two 1 + 1 runs around the 2 + 3 run.
  const one = {
    ...first,
    fanOutSeconds: mean(first.fanOutSeconds, again.fanOutSeconds),
    fanOutTasksPerSecond: mean(first.fanOutTasksPerSecond, again.fanOutTasksPerSecond),
    completion: { ...first.completion, requestsPerSecond: mean(first.completion.requestsPerSecond, again.completion.requestsPerSecond), p99Ms: Math.max(first.completion.p99Ms, again.completion.p99Ms) },
  };
  const completionRatio = many.completion.requestsPerSecond / Math.max(one.completion.requestsPerSecond, 0.1);
  const fanOutRatio = many.fanOutTasksPerSecond / Math.max(one.fanOutTasksPerSecond, 0.1);
  const problems = runs.flatMap((r, i) => r.problems.map((p) => `run ${i + 1} (${r.apis}+${r.workers}): ${p}`));
  const label = (r: Topology) => `${r.apis} API + ${r.workers} worker${r.workers > 1 ? 's' : ''}`;
  const shares = (r: TopologyRun) => Object.values(r.fanOutsByWorker).join('/');
  return {
    name: 'scale-out',
    figures: { cores: cpus().length, runs, completionRatio, fanOutRatio },
    ratio: completionRatio,
    summary:
      `${problems.length ? `CHECKS FAILED (${problems.join('; ')}); ` : 'checks pass (work shared, nothing done twice, counts exact); '}` +
      `completion ${many.completion.requestsPerSecond} req/s (${label(many)}) vs ${one.completion.requestsPerSecond} req/s (${label(one)}, mean of the runs before and after) = ×${completionRatio.toFixed(2)}, ` +
      `p99 ${many.completion.p99Ms} vs ${one.completion.p99Ms} ms; fan-out of ${one.tasks.toLocaleString('en')} tasks in ${many.campaigns} campaigns ${many.fanOutSeconds} s (jobs per worker ${shares(many)}) vs ${one.fanOutSeconds} s = ×${fanOutRatio.toFixed(2)} on ${cpus().length} cores`,
    note:
      `Ratio = completions/s with ${label(many)} ÷ with ${label(one)}, same run, same data shape, ${cpus().length} cores shared with Postgres, Redis, the load generator and other engineers (load average ${many.loadAverage}). ` +
      `On this machine more processes cannot add CPU: the figure shows that extra APIs and workers share the work correctly (every campaign fanned out by one job, jobs spread over workers ${shares(many)}, task and completion counts exact) and what the extra processes cost or gain when CPU-bound. ` +
      `A fan-out is one job per campaign (set-based INSERT … SELECT in organisation chunks), so workers scale across campaigns, not within one; completions are stateless API requests behind a pool of ${env.DATABASE_POOL_SIZE} connections per API, so APIs scale with cores until Postgres (one backend per statement) is the limit. ` +
      `On a bigger machine expect roughly one API process per core for completions and workers up to the number of campaigns fanning out at once, with Postgres needing its own cores; measure there with this scenario before sizing.`,
  };
}

async function runTopology(ctx: BenchContext, env: ReturnType<typeof validateEnv>, ds: import('typeorm').DataSource, topology: Topology): Promise<TopologyRun> {
  const national = ctx.scale === 'national';
  // Its own prefix per run and topology: workers of an earlier run (or of another checkout's run)
  // must not be able to take this run's jobs, or the per-worker evidence below would miss them.
  const prefix = `${String(ctx.env.REDIS_PREFIX ?? 'outreach-bench')}-scaleout-${process.pid}-${topology.apis}a${topology.workers}w`;
  await clearRedisPrefix(env.REDIS_URL, prefix);
  const problems: string[] = [];

  // Same shape for every topology (fresh ids): K campaigns of 15 items over one directory (enough
  // channel tasks for 2 × --seconds of completions at ~1,500 req/s).
  const dir = await seedBenchDirectory(ds, national ? { units: 60, cellsPerUnit: 4, collaborators: 3000, channels: 900 } : { units: 30, cellsPerUnit: 4, collaborators: 900, channels: 900 });
  const [adminPerson] = await ds.query(`SELECT id FROM collaborator WHERE organisation_id IN (SELECT id FROM organisation WHERE ancestors @> ARRAY[$1::uuid]) ORDER BY id LIMIT 1`, [dir.rootId]);
  // One person administers every channel: the completion load completes channel tasks as that person.
  await ds.query(
    `INSERT INTO channel_admin (channel_id, collaborator_id)
     SELECT id, $2 FROM channel WHERE organisation_id IN (SELECT id FROM organisation WHERE ancestors @> ARRAY[$1::uuid]) ON CONFLICT DO NOTHING`,
    [dir.rootId, adminPerson.id],
  );
  const campaignCount = 8;
  const items = 15;
  const campaignIds: string[] = [];
  for (let i = 0; i < campaignCount; i++) {
    const id = await seedBenchCampaign(ds, dir.rootId, items);
    // A draft, launched through the API below like a secretary would.
    await ds.query(`UPDATE campaign SET status = 'draft', launched_at = NULL WHERE id = $1`, [id]);
    campaignIds.push(id);
  }
  const [{ expectedPerCampaign }] = await ds.query(
    `SELECT $2::int * ((SELECT count(*) FROM channel WHERE active AND organisation_id IN (SELECT id FROM organisation WHERE active AND ancestors @> ARRAY[$1::uuid]))
                    + (SELECT count(*) FROM collaborator WHERE active AND organisation_id IN (SELECT id FROM organisation WHERE active AND ancestors @> ARRAY[$1::uuid])))::int AS "expectedPerCampaign"`,
    [dir.rootId, items],
  );
  const admin = await benchUser(ds, env, { role: 'admin' });
  const person = await benchUser(ds, env, { role: 'collaborator', collaboratorId: adminPerson.id });

  const processEnv = { ...ctx.env, REDIS_PREFIX: prefix, RUN_MIGRATIONS: 'false', OUTBOX_POLL_MS: '200' };
  const processes: AppProcess[] = [];
  try {
    // Workers log at info (their fan-out lines are the evidence of who did what); APIs at warn.
    const started = await Promise.all([
      ...Array.from({ length: topology.workers }, (_, i) => startProcess('worker', i, { ...processEnv, LOG_LEVEL: 'info' })),
      ...Array.from({ length: topology.apis }, (_, i) => startProcess('api', i, { ...processEnv, LOG_LEVEL: 'warn' })),
    ]);
    processes.push(...started);
    const apis = processes.filter((p) => p.role === 'api');
    const workers = processes.filter((p) => p.role === 'worker');

    // Fan-out: launch every campaign through the APIs, round-robin, at once.
    const t0 = performance.now();
    const launches = await Promise.all(
      campaignIds.map((id, i) => fetch(`${apis[i % apis.length]!.url}/api/v1/campaigns/${id}/launch`, { method: 'POST', headers: admin.headers }).then((r) => r.status)),
    );
    if (launches.some((s) => s !== 202)) problems.push(`launch answered ${launches.join(',')}`);
    await waitUntil(
      async () => {
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM campaign WHERE id = ANY($1::uuid[]) AND fanned_out_at IS NOT NULL`, [campaignIds]);
        return n === campaignIds.length;
      },
      `${campaignIds.length} campaigns to fan out (${topology.apis}+${topology.workers})`,
      15 * 60_000,
      100,
    );
    const fanOutSeconds = Math.round((performance.now() - t0) / 100) / 10;

    const counts: Array<{ id: string; tasks: number; total: number }> = await ds.query(
      `SELECT c.id, (SELECT count(*)::int FROM share_task t WHERE t.campaign_id = c.id) AS tasks,
              (SELECT coalesce(sum(total), 0)::int FROM campaign_progress p WHERE p.campaign_id = c.id) AS total
         FROM campaign c WHERE c.id = ANY($1::uuid[])`,
      [campaignIds],
    );
    const exact = counts.every((c) => c.tasks === expectedPerCampaign && c.total === expectedPerCampaign);
    if (!exact) problems.push(`task counts ${counts.map((c) => `${c.tasks}/${c.total}`).join(',')} (expected ${expectedPerCampaign} each)`);
    const tasks = counts.reduce((n, c) => n + c.tasks, 0);

    // Who fanned out what: each worker's own log lines (written just after the commit the poll above
    // saw, so wait for them with a deadline). Then let a late duplicate show up before counting.
    const logged = () => campaignIds.every((id) => workers.some((w) => w.output().includes(`Campaign ${id}: fan-out created`)));
    await waitUntil(async () => logged(), 'every fan-out logged by a worker', 15_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1000));
    const byCampaign = new Map<string, number[]>();
    const fanOutsByWorker: Record<string, number> = {};
    for (const w of workers) {
      let count = 0;
      for (const m of w.output().matchAll(FAN_OUT_LOG)) {
        if (!campaignIds.includes(m[1]!)) continue;
        byCampaign.set(m[1]!, [...(byCampaign.get(m[1]!) ?? []), w.index]);
        count++;
      }
      fanOutsByWorker[`worker${w.index}`] = count;
    }
    const once = campaignIds.every((id) => byCampaign.get(id)?.length === 1);
    if (!once) problems.push(`fan-out runs per campaign: ${campaignIds.map((id) => byCampaign.get(id)?.length ?? 0).join(',')}`);
    const shared = topology.workers === 1 || Object.values(fanOutsByWorker).filter((n) => n > 0).length > 1;
    if (!shared) problems.push(`one worker did every fan-out (${JSON.stringify(fanOutsByWorker)})`);

    // Completion: every API at once, 50 connections in all, each request a different channel task.
    const ids: string[] = (
      // Facebook channels only: the proof link below is a Facebook post (a link must match the channel's platform).
      await ds.query(
        `SELECT id::text FROM share_task WHERE campaign_id = ANY($1::uuid[]) AND platform IN ('facebook_page', 'facebook_group') AND status = 'pending' ORDER BY random()`,
        [campaignIds],
      )
    ).map((r: { id: string }) => r.id);
    // Proof links are unique across runs (a link already given as proof is refused).
    const runTag = `${Date.now()}${topology.apis}${topology.workers}`;
    let next = 0;
    let ok = 0;
    const statuses: Record<string, number> = {};
    let refusal: string | undefined;
    const perApi = await Promise.all(
      apis.map((api) =>
        load({
          url: api.url!,
          connections: Math.max(1, Math.round(50 / apis.length)),
          // Twice the usual phase: a completion is heavier than the baseline routes.
          duration: ctx.seconds * 2,
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => {
                const k = next++;
                if (k >= ids.length) throw new Error('scale-out: ran out of pending tasks; lower --seconds or raise the data');
                return {
                  ...req,
                  path: `/api/v1/tasks/${ids[k]}/complete`,
                  headers: { ...person.headers, 'content-type': 'application/json', 'idempotency-key': `scale-${k}` },
                  body: JSON.stringify({ proofUrl: `https://www.facebook.com/benchpage/posts/${runTag}${k}` }),
                };
              },
              onResponse: (status, body) => {
                statuses[status] = (statuses[status] ?? 0) + 1;
                if (status >= 200 && status < 300) ok++;
                else refusal ??= `${status} ${String(body).slice(0, 300)}`;
              },
            },
          ],
        }),
      ),
    );
    // Requests still in flight when the load stops complete on the server without an answer
    // counted here: so ok ≤ done ≤ sent, every done task is one that was sent, each once.
    const sentIds = ids.slice(0, next);
    const [{ done, doneSent, counted, audited, twice }] = await ds.query(
      `SELECT (SELECT count(*)::int FROM share_task WHERE campaign_id = ANY($1::uuid[]) AND status = 'done') AS done,
              (SELECT count(*)::int FROM share_task WHERE id = ANY($2::bigint[]) AND status = 'done') AS "doneSent",
              (SELECT coalesce(sum(done), 0)::int FROM campaign_progress WHERE campaign_id = ANY($1::uuid[])) AS counted,
              (SELECT count(*)::int FROM audit_log WHERE entity = 'share_task' AND action IN ('task.complete', 'task.complete-on-behalf') AND entity_id = ANY($3::text[])) AS audited,
              (SELECT count(*)::int FROM (SELECT entity_id FROM audit_log WHERE entity = 'share_task' AND action IN ('task.complete', 'task.complete-on-behalf') AND entity_id = ANY($3::text[]) GROUP BY entity_id HAVING count(*) > 1) d) AS twice`,
      [campaignIds, sentIds, sentIds],
    );
    if (done !== doneSent) problems.push(`${done - doneSent} done tasks were never sent`);
    if (done < ok || done > next) problems.push(`${ok} completions answered 2xx, ${next} sent, but ${done} tasks are done`);
    if (counted !== done) problems.push(`progress counters say ${counted} done, tasks ${done}`);
    if (audited !== done || twice > 0) problems.push(`${audited} completion audit rows for ${done} done tasks (${twice} tasks completed twice)`);
    const completion = {
      requestsPerSecond: perApi.reduce((n, r) => n + r.requestsPerSecond, 0),
      p50Ms: Math.max(...perApi.map((r) => r.p50Ms)),
      p99Ms: Math.max(...perApi.map((r) => r.p99Ms)),
      maxMs: Math.max(...perApi.map((r) => r.maxMs)),
      total: perApi.reduce((n, r) => n + r.total, 0),
      non2xx: perApi.reduce((n, r) => n + r.non2xx, 0),
      errors: perApi.reduce((n, r) => n + r.errors, 0),
      timeouts: perApi.reduce((n, r) => n + r.timeouts, 0),
      perApi,
      ok,
      sent: next,
      done,
      statuses,
      refusal,
    };
    return {
      ...topology,
      campaigns: campaignIds.length,
      tasks,
      fanOutSeconds,
      fanOutTasksPerSecond: Math.round(tasks / Math.max(fanOutSeconds, 0.1)),
      fanOutsByWorker,
      completion,
      checks: { countsExact: exact, fannedOutOnce: once, shared, completedOnce: done === doneSent && done >= ok && done <= next && counted === done && audited === done && twice === 0 },
      problems,
      loadAverage: Math.round(loadavg()[0]! * 10) / 10,
    };
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
    await clearRedisPrefix(env.REDIS_URL, prefix);
  }
}
