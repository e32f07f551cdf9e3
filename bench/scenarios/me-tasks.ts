/**
 * `GET /api/v1/me/tasks` for a collaborator with 200 open tasks (personal shares of a 200-item
 * campaign, made by the real fan-out): the inbox page as the app serves it (default 50 a page,
 * open first, nearest deadline first, with the text to copy) and the whole inbox at once
 * (`limit=200`), 50 connections, the API in a child process. Baselines in the same run, same
 * adapter, same connections: the bare NestJS noop route and the bare route doing one single-row
 * UPDATE through a pool of the app's size.
 */
import { DataSource } from 'typeorm';
import { createApi } from '../../src/app/create-api.js';
import { CampaignPipelineService } from '../../src/campaigns/fan-out.processor.js';
import { validateEnv } from '../../src/common/config/env.schema.js';
import { benchUser } from '../lib/bench-users.js';
import { seedBenchCampaign, seedBenchDirectory } from '../lib/campaign-data.js';
import { runLoad, type LoadResult } from '../lib/http-load.js';
import { measureServerRss, type RssFigures } from '../lib/rss.js';
import { type BenchServer, startAppServer, startBaselineServer } from '../lib/servers.js';
import type { BenchContext, ScenarioResult } from '../types.js';

const OPEN_TASKS = 200;

async function measure(server: BenchServer, path: string, ctx: BenchContext, headers: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET'): Promise<LoadResult & { rss: RssFigures }> {
  // Warm-up (JIT, pools, plan cache) is not measured.
  await runLoad(`${server.url}${path}`, { method, headers, seconds: Math.min(2, Math.max(1, ctx.seconds / 3)), body: method === 'POST' ? {} : undefined });
  const { result, rss } = await measureServerRss(server.pid, () => runLoad(`${server.url}${path}`, { method, headers, seconds: ctx.seconds, body: method === 'POST' ? {} : undefined }));
  return { ...result, rss };
}

export async function meTasks(ctx: BenchContext): Promise<ScenarioResult> {
  const env = validateEnv({ ...process.env, ...ctx.env });
  // Data through the real fan-out: 12 people, a 200-item campaign of personal shares → 200 open tasks each.
  const app = await createApi({ env: { ...ctx.env, LOG_LEVEL: 'warn' } });
  let person: { id: string };
  let headers: Record<string, string>;
  let open: number;
  try {
    const ds = app.get(DataSource);
    const dir = await seedBenchDirectory(ds, { units: 3, cellsPerUnit: 1, collaborators: 12, channels: 0 });
    const campaignId = await seedBenchCampaign(ds, dir.rootId, OPEN_TASKS, { personalShares: true, platforms: [] });
    await app.get(CampaignPipelineService).fanOut(campaignId);
    [person] = await ds.query(`SELECT id FROM collaborator WHERE organisation_id IN (SELECT id FROM organisation WHERE ancestors @> ARRAY[$1::uuid]) ORDER BY id LIMIT 1`, [dir.rootId]);
    [{ open }] = await ds.query(`SELECT count(*)::int AS open FROM share_task WHERE collaborator_id = $1 AND status = 'pending'`, [person!.id]);
    if (open !== OPEN_TASKS) throw new Error(`me/tasks: expected ${OPEN_TASKS} open tasks for the person, the fan-out made ${open}`);
    ({ headers } = await benchUser(ds, env, { role: 'collaborator', collaboratorId: person!.id }));
  } finally {
    await app.close();
  }

  // Generous start timeouts: on the shared 2-core machine a Nest app can take minutes to boot.
  const startTimeoutMs = 300_000;
  const noopServer = await startBaselineServer('noop', { env: ctx.env, startTimeoutMs });
  const noop = await measure(noopServer, '/noop', ctx).finally(() => noopServer.stop());
  const updateServer = await startBaselineServer('update', { env: ctx.env, poolSize: ctx.poolSize, startTimeoutMs });
  const update = await measure(updateServer, '/update', ctx, {}, 'POST').finally(() => updateServer.stop());
  const api = await startAppServer({ env: ctx.env, startTimeoutMs });
  let page: LoadResult & { rss: RssFigures };
  let whole: LoadResult & { rss: RssFigures };
  let items: number;
  try {
    const check = await fetch(`${api.url}/api/v1/me/tasks?limit=200`, { headers });
    items = ((await check.json()) as { items: unknown[] }).items.length;
    if (check.status !== 200 || items !== OPEN_TASKS) throw new Error(`me/tasks answered ${check.status} with ${items} items, expected ${OPEN_TASKS}`);
    page = await measure(api, '/api/v1/me/tasks', ctx, headers);
    whole = await measure(api, '/api/v1/me/tasks?limit=200', ctx, headers);
  } finally {
    await api.stop();
  }
  const bad = page.non2xx + page.errors + whole.non2xx + whole.errors;
  const ratio = page.requestsPerSecond / Math.max(update.requestsPerSecond, 1);
  return {
    name: 'me-tasks',
    figures: { openTasks: open, page, whole, noop, update, ratioToUpdate: ratio, ratioToNoop: page.requestsPerSecond / Math.max(noop.requestsPerSecond, 1), failedRequests: bad },
    ratio,
    summary:
      `${bad ? `${bad} FAILED REQUESTS; ` : ''}GET /me/tasks (200 open, first page of 50) ${page.requestsPerSecond} req/s p50 ${page.p50Ms} ms p99 ${page.p99Ms} ms; all 200 (limit=200) ${whole.requestsPerSecond} req/s p50 ${whole.p50Ms} ms p99 ${whole.p99Ms} ms; ` +
      `bare 1-UPDATE ${update.requestsPerSecond} req/s p99 ${update.p99Ms} ms; bare noop ${noop.requestsPerSecond} req/s; API peak RSS ${Math.max(page.rss.peakRssMb, whole.rss.peakRssMb)} MB`,
    note: `Ratio = the first inbox page's requests/s ÷ the bare one-UPDATE route's, same run, 50 connections, servers in child processes (the API: auth lookup, scope, one indexed query joining item, campaign and channel, JSON of 50 tasks with their texts).`,
  };
}
