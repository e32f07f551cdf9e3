import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { QueueName } from '../src/common/queue/queue.constants.js';
import { REDIS } from '../src/common/redis/redis.module.js';
import { outboxJobId } from '../src/outbox/outbox.service.js';
import { createTwoUnitWorld, type TestUser } from './support/fixtures.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';

/**
 * Export builds that fail are retried with exponential backoff; the last failure is shown to the
 * requester (status `failed` and a reason); a request that can no longer succeed is not retried.
 * The fault is real: a file where the exports directory should be, so the worker cannot write.
 */
describe('report export retries', () => {
  let ctx: TestContext;
  let w: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  const storage = `/tmp/outreach-test-export-retries-${process.pid}`;
  const exportsDir = `${storage}/exports`;
  const ATTEMPTS = 3;
  const DELAY_MS = 600;

  beforeAll(async () => {
    mkdirSync(storage, { recursive: true });
    ctx = await createTestContext({ env: { STORAGE_DIR: storage, OUTBOX_POLL_MS: '50', EXPORT_ATTEMPTS: String(ATTEMPTS), EXPORT_RETRY_DELAY_MS: String(DELAY_MS) } });
    w = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => {
    await ctx?.close();
    rmSync(storage, { recursive: true, force: true });
  });

  const request = async (user: TestUser, body: object): Promise<string> => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/reports/exports', headers: user.headers, payload: body });
    expect(res.statusCode, res.body).toBe(202);
    return (res.json() as { id: string }).id;
  };
  const status = async (user: TestUser, id: string) =>
    (await ctx.app.inject({ method: 'GET', url: `/api/v1/reports/exports/${id}`, headers: user.headers })).json() as { status: string; error: string | null };
  const jobOf = async (exportId: string): Promise<Job | undefined> => {
    const [row] = await ctx.dataSource.query(`SELECT id, kind FROM outbox WHERE kind = 'reports.export-build' AND payload->>'exportId' = $1`, [exportId]);
    if (!row) return undefined;
    return ctx.app.get<Queue>(getQueueToken(QueueName.Reports)).getJob(outboxJobId(row));
  };
  const finished = (user: TestUser, id: string) =>
    waitFor(
      async () => {
        const s = await status(user, id);
        return s.status === 'ready' || s.status === 'failed' ? s : null;
      },
      { timeoutMs: 30_000, what: `export ${id} to finish` },
    );
  const intentOpen = async (id: string) =>
    (await ctx.dataSource.query(`SELECT completed_at FROM outbox WHERE kind = 'reports.export-build' AND payload->>'exportId' = $1`, [id]))[0].completed_at === null;

  it('does not retry a request that can no longer succeed (out of the requester’s scope now): failed at once, with the reason', async () => {
    // Valid when asked (unit A's own cell), then the secretary moves to unit B before any worker runs.
    const id = await request(w.secretaryA, { report: 'organisations', format: 'csv', filters: { subtreeOf: w.cellA.id } });
    await ctx.dataSource.query(`UPDATE app_user SET organisation_id = $2 WHERE id = $1`, [w.secretaryA.id, w.unitB.id]);
    try {
      await ctx.startWorker();
      const s = await finished(w.secretaryA, id);
      expect(s.status).toBe('failed');
      expect(s.error).toMatch(/not found/i);
      // The export is marked failed just before the handler throws; BullMQ then fails the job.
      const job = await waitFor(async () => {
        const j = await jobOf(id);
        return j && (await j.getState()) === 'failed' ? j : null;
      }, { what: 'the build job to be failed' });
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(1);
      expect(await intentOpen(id)).toBe(false);
    } finally {
      await ctx.dataSource.query(`UPDATE app_user SET organisation_id = $2 WHERE id = $1`, [w.secretaryA.id, w.unitA.id]);
    }
  });

  it('retries a failed build with exponential backoff and succeeds once the fault is gone', async () => {
    rmSync(exportsDir, { recursive: true, force: true });
    writeFileSync(exportsDir, 'not a directory');
    const id = await request(w.admin, { report: 'organisations', format: 'csv' });
    // The first attempt fails: the export waits for its retry, still queued, not failed.
    const waiting = await waitFor(
      async () => {
        const s = await status(w.admin, id);
        if (s.status === 'failed' || s.status === 'ready') throw new Error(`export finished too early: ${JSON.stringify(s)}`);
        return s.error ? s : null;
      },
      { what: 'the first attempt to fail' },
    );
    expect(waiting).toMatchObject({ status: 'queued', error: `attempt 1 of ${ATTEMPTS} failed; retrying` });
    const job = (await jobOf(id))!;
    expect(job.opts).toMatchObject({ attempts: ATTEMPTS, backoff: { type: 'exponential', delay: DELAY_MS } });
    expect(await intentOpen(id)).toBe(true);
    rmSync(exportsDir, { force: true });

    const s = await finished(w.admin, id);
    expect(s).toMatchObject({ status: 'ready', error: null });
    const done = (await jobOf(id))!;
    expect(await done.getState()).toBe('completed');
    // Started at least twice: the failed attempt, then the one that built it.
    expect(done.attemptsStarted).toBeGreaterThanOrEqual(2);
    expect((await ctx.app.inject({ method: 'GET', url: `/api/v1/reports/exports/${id}/download`, headers: w.admin.headers })).statusCode).toBe(200);
    expect(await intentOpen(id)).toBe(false);
  });

  it('after the last attempt the export is failed, with a reason the requester sees', async () => {
    rmSync(exportsDir, { recursive: true, force: true });
    writeFileSync(exportsDir, 'not a directory');
    try {
      const id = await request(w.secretaryA, { report: 'organisations', format: 'xlsx' });
      const s = await finished(w.secretaryA, id);
      expect(s.status).toBe('failed');
      expect(s.error).toBe(`the export could not be built after ${ATTEMPTS} attempts; quote export ${id} when reporting it`);
      const job = await waitFor(async () => {
        const j = await jobOf(id);
        return j && (await j.getState()) === 'failed' ? j : null;
      }, { what: 'the build job to be failed' });
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(ATTEMPTS);
      expect(await intentOpen(id)).toBe(false);
      // The file is not there to download: 409 naming the status.
      const download = await ctx.app.inject({ method: 'GET', url: `/api/v1/reports/exports/${id}/download`, headers: w.secretaryA.headers });
      expect(download.statusCode).toBe(409);
    } finally {
      rmSync(exportsDir, { force: true });
    }
  });

  it('an export whose build the queue gave up (it stalled more often than allowed) is failed, not left running', async () => {
    // BullMQ's stalled check marks a job that stalled too often with a deferred failure ("defa" on
    // its hash) and the next worker to take it fails it without running the handler. That state is
    // set here on a queued job (the queue paused meanwhile) instead of killing a worker twice.
    const queue = ctx.app.get<Queue>(getQueueToken(QueueName.Reports));
    await queue.pause();
    let id: string;
    try {
      id = await request(w.secretaryA, { report: 'organisations', format: 'csv' });
      const job = await waitFor(() => jobOf(id), { what: 'the build job' });
      await ctx.app.get<Redis>(REDIS).hset(queue.toKey(job.id!), 'defa', 'job stalled more than allowable limit');
    } finally {
      await queue.resume();
    }
    const s = await finished(w.secretaryA, id);
    expect(s.status).toBe('failed');
    expect(s.error).toContain('stopped before finishing it, more than once');
    expect(s.error).toContain(id);
    expect(await (await jobOf(id))!.getState()).toBe('failed');
    expect(await intentOpen(id)).toBe(false);
  });
});
