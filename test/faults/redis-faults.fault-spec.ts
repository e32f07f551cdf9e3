import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../support/fixtures.js';
import { FaultWorld } from './support/fault-world.js';
import { newTally, record, summary } from './support/load.js';
import type { Answer } from './support/problem-check.js';
import { PrivateRedis } from './support/private-servers.js';
import { fmt, profile, report } from './support/profile.js';
import { type SpawnedService, spawnService } from '../support/spawn-service.js';

/**
 * Redis faults on a private redis-server: FLUSHALL, a restart (empty, as after a crash without
 * persistence), and a freeze (SIGSTOP: connections open, nothing answers). The API keeps answering
 * (503 only for readiness), report exports requested meanwhile are all built exactly once, by a
 * worker process that is never restarted. An API process and that worker log each outage once
 * (every ioredis connection has an error listener: nothing unhandled, nothing on stderr).
 */
describe('faults: Redis flushed, restarted, unreachable', () => {
  let redis: PrivateRedis;
  let fw: FaultWorld;
  /** An API and a worker as real processes logging at info, whose output is read after an outage. */
  let api: SpawnedService;
  let worker: SpawnedService;
  const requested: string[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    fw = await FaultWorld.create({ REDIS_URL: redis.url });
    worker = await fw.startWorker({ LOG_LEVEL: 'info' });
    api = await spawnService('main', { ...fw.env, LOG_LEVEL: 'info' });
    fw.workers.push(api); // killed with the workers on close
  });
  afterAll(async () => {
    await fw?.close();
    await redis?.destroy();
  });

  /** Any request, with a deadline: an answer that never comes is a failure too. */
  async function call(method: 'GET' | 'POST', url: string, payload?: object, headers = fw.world.secretaryA.headers): Promise<Answer> {
    const deadline = new Promise<Answer>((resolve) => setTimeout(() => resolve({ statusCode: 0, headers: {}, body: 'no answer within 15 s' }), 15_000));
    const res = fw.app.inject({ method, url, headers, ...(payload ? { payload } : {}) }).then((r) => ({ statusCode: r.statusCode, headers: r.headers, body: r.body }));
    return Promise.race([res, deadline]);
  }

  async function requestExports(n: number, tally = newTally()): Promise<void> {
    for (let i = 0; i < n; i++) {
      const res = await call('POST', '/api/v1/reports/exports', { report: i % 2 ? 'organisations' : 'collaborators', format: i % 3 ? 'csv' : 'xlsx' });
      record(tally, 'export request', res, [202]);
      if (res.statusCode === 202) requested.push(JSON.parse(res.body).id);
    }
  }

  /** Every requested export built once: status ready, one file each, no stray files. */
  async function allBuiltOnce(what: string): Promise<{ ready: number; files: number }> {
    await fw.waitFor(async () => {
      const [{ n }] = await fw.ds.query(`SELECT count(*)::int AS n FROM report_export WHERE id = ANY($1) AND status = 'ready'`, [requested]);
      return n === requested.length;
    }, `${requested.length} exports to be ready after ${what}`);
    const files = fw.exportFiles();
    const [{ failed }] = await fw.ds.query(`SELECT count(*)::int AS failed FROM report_export WHERE status <> 'ready'`);
    expect(failed).toBe(0);
    expect(files.sort()).toEqual(requested.map((id) => `${id}.${files.find((f) => f.startsWith(id))?.split('.').pop()}`).sort());
    return { ready: requested.length, files: files.length };
  }

  it('FLUSHALL while exports are queued: the outbox puts the jobs back, each export is built once', async () => {
    await requestExports(profile.exportCount);
    await redis.command((r) => r.flushall());
    const built = await allBuiltOnce('FLUSHALL');
    report(`redis FLUSHALL right after ${profile.exportCount} export requests: ${built.ready} exports ready, ${built.files} files, 0 duplicates (worker not restarted)`);
  });

  /** Log lines (pino JSON) of a spawned process from `from` on, and whatever else it wrote (stderr, console). */
  function outputOf(service: SpawnedService, from: number) {
    const lines = service.output().slice(from).split('\n').filter((l) => l.trim() !== '');
    const json = lines.flatMap((l) => {
      try {
        return [JSON.parse(l) as { level: number; context?: string; msg: string }];
      } catch {
        return [];
      }
    });
    return { json, other: lines.filter((l) => !l.startsWith('{')), all: lines.join('\n') };
  }

  it('restart (empty): the API answers, readiness says 503, queued work resumes by itself; each process logs the outage once', async () => {
    const tally = newTally();
    const since = { api: api.output().length, worker: worker.output().length };
    const apiReady = async (): Promise<Answer> => {
      const res = await fetch(`http://127.0.0.1:${api.port}/health/ready`, { signal: AbortSignal.timeout(15_000) });
      return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
    };
    await redis.kill();
    const started = Date.now();
    // Down long enough for every connection to fail its reconnection several times (BullMQ retries about once a second).
    while (Date.now() - started < profile.redisOutageMs) {
      record(tally, 'readiness while down', await call('GET', '/health/ready'), [503]);
      record(tally, 'read while down', await call('GET', '/api/v1/organisations'), [200]);
      record(tally, 'report while down', await call('GET', '/api/v1/reports/organisations?period=month'), [200]);
      await requestExports(1, tally);
      record(tally, 'readiness (API process) while down', await apiReady(), [503]);
    }
    await redis.restart();
    await fw.waitFor(async () => (await call('GET', '/health/ready')).statusCode === 200 && (await apiReady()).statusCode === 200, 'readiness after the restart', 30_000);
    const built = await allBuiltOnce('a Redis restart');

    // Every ioredis connection of the API and the worker has an error listener: one warning per process
    // for the outage, one line when Redis is back, no "[ioredis] Unhandled error event", no stderr flood.
    const back = (s: SpawnedService, from: number) => outputOf(s, from).json.some((l) => l.context === 'Redis' && /reachable again/.test(l.msg));
    await fw.waitFor(() => back(api, since.api) && back(worker, since.worker), 'both processes to log that Redis is back', 30_000);
    const lines: string[] = [];
    for (const [name, service, from] of [['API', api, since.api], ['worker', worker, since.worker]] as const) {
      const out = outputOf(service, from);
      const outage = out.json.filter((l) => l.context === 'Redis' && /unreachable/.test(l.msg));
      expect(outage.map((l) => l.level), `${name} outage warnings:\n${out.all}`).toEqual([40]);
      expect(out.all).not.toMatch(/Unhandled error event/);
      expect(out.other.filter((l) => /ECONNREFUSED|Connection is closed/.test(l)), `${name} wrote errors outside its log`).toEqual([]);
      const warned = new Map<string, number>();
      for (const l of out.json.filter((j) => j.level >= 40)) warned.set(l.msg.slice(0, 60), (warned.get(l.msg.slice(0, 60)) ?? 0) + 1);
      // Not a flood: no warning or error repeats while Redis is away (readiness logs its change once, too).
      expect([...warned].filter(([, n]) => n > 1), `${name} repeated warnings`).toEqual([]);
      lines.push(`${name}: ${[...warned].map(([m, n]) => `"${m}"×${n}`).join(', ') || 'no warnings'}`);
    }
    report(`redis restart: while down ${tally.total} requests → ${summary(tally)}; after: ${built.ready} exports ready, ${built.files} files; logs: ${lines.join(', ')}`);
    expect(tally.unexpected).toEqual([]);
  });

  it(`unreachable for ${profile.redisOutageMs} ms (frozen): every request answered, 503 only for readiness, nothing lost`, async () => {
    const tally = newTally();
    redis.pause();
    const started = Date.now();
    try {
      while (Date.now() - started < profile.redisOutageMs) {
        record(tally, 'read', await call('GET', '/api/v1/collaborators?limit=10'), [200]);
        record(tally, 'report', await call('GET', '/api/v1/reports/board?period=month'), [200]);
        record(tally, 'me', await call('GET', '/api/v1/me'), [200]);
        await requestExports(1, tally);
        record(tally, 'readiness', await call('GET', '/health/ready'), [503]);
        record(tally, 'metrics', await call('GET', '/metrics', undefined, {}), [200]);
        // Sign-in counts attempts in Redis (throttling): it may refuse with 503 rather than go unthrottled.
        record(tally, 'login', await call('POST', '/api/v1/auth/login', { login: fw.world.secretaryA.login, password: TEST_PASSWORD }, {}), [200, 503]);
      }
    } finally {
      redis.resume();
    }
    const built = await allBuiltOnce('the outage');
    report(`redis frozen ${fmt(Date.now() - started)} ms: ${tally.total} requests → ${summary(tally)}; after: ${built.ready} exports ready in all, ${built.files} files, 0 duplicates`);
    expect(tally.unexpected).toEqual([]);
  });
});
