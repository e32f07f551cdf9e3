import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/spawn-service.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';

/** A Redis of the test's own, so stopping it cannot disturb other test files. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(async () => {
    const { Redis } = await import('ioredis');
    const r = new Redis({ port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 }).on('error', () => undefined);
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } finally {
      r.disconnect();
    }
  }, { what: 'redis-server to start' });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('readiness when Redis goes away', () => {
  let ctx: TestContext;
  let redis: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    ctx = await createTestContext({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    await ctx?.close().catch(() => undefined);
    if (redis) await stop(redis);
  });

  it('reports 503 naming Redis while liveness stays 200, and recovers without a restart', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);

    await stop(redis);
    const down = await waitFor(async () => {
      const res = await ctx.app.inject({ method: 'GET', url: '/health/ready' });
      return res.statusCode === 503 ? res : undefined;
    }, { what: 'readiness to notice Redis is gone' });
    expect(down.headers['content-type']).toContain('application/problem+json');
    expect(down.json().detail).toContain('redis');
    expect(down.json().checks.redis.status).toBe('down');
    expect(down.json().checks.postgres.status).toBe('up');
    expect((await ctx.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);

    redis = await startRedis(port);
    await waitFor(async () => (await ctx.app.inject({ method: 'GET', url: '/health/ready' })).statusCode === 200, {
      timeoutMs: 15_000,
      what: 'readiness to recover',
    });
  });
});
