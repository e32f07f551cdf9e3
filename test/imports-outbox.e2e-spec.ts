import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueName } from '../src/common/queue/queue.constants.js';
import { REDIS } from '../src/common/redis/redis.module.js';
import { outboxJobId } from '../src/outbox/outbox.service.js';
import { OutboxRelayService } from '../src/outbox/outbox-relay.service.js';
import { createTwoUnitWorld } from './support/fixtures.js';
import { clearRedisPrefix, createTestContext, type TestContext, waitFor } from './support/test-app.js';
import { csv, type ImportView, upload } from './import-support.js';

/**
 * An accepted upload is an intent in Postgres (outbox), not only a job in Redis: Redis losing its
 * keys after the upload — before or after the relay put the job on the queue — delays the import,
 * never loses it, and it still runs exactly once.
 */
describe('imports survive a Redis flush after the upload is accepted', () => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof createTwoUnitWorld>>;

  beforeAll(async () => {
    // No worker yet: the test decides when the relay runs and when Redis loses its keys.
    ctx = await createTestContext({ env: { OUTBOX_POLL_MS: '50', OUTBOX_RECONCILE_MS: '500' } });
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  const HEADERS = ['Mã CTV', 'Họ và tên', 'Số điện thoại', 'Thư điện tử', 'Đơn vị', 'Chức vụ', 'Đối tượng', 'Ngày tham gia'];
  const rows = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => [`${prefix}${i + 1}`, `Lê Văn ${prefix} ${i + 1}`, '', `${prefix.toLowerCase()}${i}@example.org`, world.unitA.code, '', '', '']);

  async function accept(prefix: string, n: number): Promise<string> {
    const res = await upload(ctx, world.admin.headers, { kind: 'collaborators', name: `${prefix}.csv`, content: csv([HEADERS, ...rows(prefix, n)]) });
    expect(res.statusCode, res.body).toBe(202);
    return (res.json() as { id: string }).id;
  }
  const view = async (id: string) => (await ctx.app.inject({ method: 'GET', url: `/api/v1/imports/${id}`, headers: world.admin.headers })).json() as ImportView;
  const count = async (sql: string, params: unknown[]) => Number((await ctx.dataSource.query(sql, params))[0].n);

  it('runs each import exactly once after the Redis prefix is cleared (one relayed before the flush, one not)', async () => {
    const relayed = await accept('FLA', 4);
    // The relay moves the first upload's intent onto the imports queue…
    const relay = ctx.app.get(OutboxRelayService);
    while ((await relay.relayOnce()) > 0);
    const [intent] = await ctx.dataSource.query(`SELECT processed_at, completed_at FROM outbox WHERE kind = 'imports.run' AND payload->>'importId' = $1`, [relayed]);
    expect(intent).toMatchObject({ processed_at: expect.any(Date), completed_at: null });
    // …a second upload is accepted, then Redis loses every key of this test (as a restart without persistence would).
    const notRelayed = await accept('FLB', 3);
    await clearRedisPrefix(String(ctx.env.REDIS_PREFIX));
    expect((await view(relayed)).status).toBe('queued');

    // A worker starts: its relay queues the second intent, its reconciliation puts the first job back.
    await ctx.startWorker();
    const done = await waitFor(
      async () => {
        const views = await Promise.all([view(relayed), view(notRelayed)]);
        return views.every((v) => v.status === 'done' || v.status === 'failed') ? views : null;
      },
      { timeoutMs: 30_000, what: 'both imports to finish after the flush' },
    );
    expect(done[0]).toMatchObject({ status: 'done', counts: { total: 4, applied: 4, created: 4, rejected: 0 } });
    expect(done[1]).toMatchObject({ status: 'done', counts: { total: 3, applied: 3, created: 3, rejected: 0 } });

    // Exactly once: one row and one audit record per collaborator, and both intents closed.
    expect(await count(`SELECT count(*) AS n FROM collaborator WHERE code LIKE 'FL%'`, [])).toBe(7);
    expect(await count(`SELECT count(*) AS n FROM audit_log a JOIN collaborator c ON c.id::text = a.entity_id WHERE a.entity = 'collaborator' AND c.code LIKE 'FL%'`, [])).toBe(7);
    await waitFor(async () => (await count(`SELECT count(*) AS n FROM outbox WHERE kind = 'imports.run' AND completed_at IS NULL`, [])) === 0, {
      what: 'the import intents to be marked completed',
    });
    // Another reconciliation finds nothing to put back, so nothing runs twice.
    expect(await relay.reconcile()).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM audit_log a JOIN collaborator c ON c.id::text = a.entity_id WHERE a.entity = 'collaborator' AND c.code LIKE 'FL%'`, [])).toBe(7);
  });

  it('an import the queue gave up (it stalled more often than allowed) is failed, not left running', async () => {
    // The state BullMQ's stalled check leaves on a job that stalled too often ("defa" on its hash),
    // set on a queued job while the queue is paused, instead of killing a worker twice.
    await ctx.startWorker();
    const queue = ctx.app.get<Queue>(getQueueToken(QueueName.Imports));
    await queue.pause();
    let id: string;
    try {
      id = await accept('GVU', 2);
      const job = await waitFor(
        async () => {
          const [row] = await ctx.dataSource.query(`SELECT id, kind FROM outbox WHERE kind = 'imports.run' AND payload->>'importId' = $1`, [id]);
          return row ? queue.getJob(outboxJobId(row)) : undefined;
        },
        { what: 'the import job' },
      );
      await ctx.app.get<Redis>(REDIS).hset(queue.toKey(job.id!), 'defa', 'job stalled more than allowable limit');
    } finally {
      await queue.resume();
    }
    const finished = await waitFor(
      async () => {
        const v = await view(id);
        return v.status === 'queued' || v.status === 'running' ? null : v;
      },
      { timeoutMs: 30_000, what: 'the import to finish' },
    );
    expect(finished.status).toBe('failed');
    expect(JSON.stringify(finished)).toContain('stopped before finishing it, more than once');
    expect(await count(`SELECT count(*) AS n FROM collaborator WHERE code LIKE 'GVU%'`, [])).toBe(0);
    const [intent] = await ctx.dataSource.query(`SELECT completed_at FROM outbox WHERE kind = 'imports.run' AND payload->>'importId' = $1`, [id]);
    expect(intent.completed_at).not.toBeNull();
  });
});
