import { describe, expect, it } from 'vitest';
import { batchSlots, MicroBatcher, microBatchTotals } from './micro-batcher.js';

/** A `run` whose batches the test finishes by hand, recording what each batch held. */
function controlledRun() {
  const batches: Array<{ items: number[]; finish: (error?: Error) => void }> = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ items, finish: (error) => (error ? reject(error) : resolve(items.map((n) => `r${n}`))) });
    });
  return { batches, run };
}

const until = async (check: () => boolean) => {
  const deadline = Date.now() + 2_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met within 2 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
};

describe('MicroBatcher', () => {
  it('runs a lone request at once, and groups those that arrive while every slot is busy', async () => {
    const { batches, run } = controlledRun();
    const batcher = new MicroBatcher(run, { name: 'spec-group', maxBatch: 3, maxInFlight: 1 });
    const first = batcher.submit(1);
    await until(() => batches.length === 1);
    expect(batches[0]!.items).toEqual([1]);
    // The slot is busy: these wait, then go together (at most maxBatch at a time), in order.
    const later = [2, 3, 4, 5].map((n) => batcher.submit(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(1);
    expect(batcher.waiting).toBe(4);
    batches[0]!.finish();
    expect(await first).toBe('r1');
    await until(() => batches.length === 2);
    expect(batches[1]!.items).toEqual([2, 3, 4]);
    batches[1]!.finish();
    await until(() => batches.length === 3);
    expect(batches[2]!.items).toEqual([5]);
    batches[2]!.finish();
    expect(await Promise.all(later)).toEqual(['r2', 'r3', 'r4', 'r5']);
    expect(microBatchTotals().get('spec-group')).toEqual({ batches: 3, requests: 5 });
  });

  it('runs up to maxInFlight batches at once', async () => {
    const { batches, run } = controlledRun();
    const batcher = new MicroBatcher(run, { name: 'spec-parallel', maxBatch: 10, maxInFlight: 2 });
    const a = batcher.submit(1);
    await until(() => batches.length === 1);
    const b = batcher.submit(2);
    await until(() => batches.length === 2);
    const c = batcher.submit(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toHaveLength(2);
    batches[1]!.finish();
    await until(() => batches.length === 3);
    batches[0]!.finish();
    batches[2]!.finish();
    expect(await Promise.all([a, b, c])).toEqual(['r1', 'r2', 'r3']);
  });

  it('gives a failed batch’s error to each of its requests, and goes on with the next', async () => {
    const { batches, run } = controlledRun();
    const batcher = new MicroBatcher(run, { name: 'spec-error', maxBatch: 10, maxInFlight: 1 });
    const first = batcher.submit(1);
    await until(() => batches.length === 1);
    const failing = [2, 3].map((n) => batcher.submit(n));
    batches[0]!.finish();
    await first;
    await until(() => batches.length === 2);
    batches[1]!.finish(new Error('database went away'));
    for (const request of failing) await expect(request).rejects.toThrow('database went away');
    const after = batcher.submit(4);
    await until(() => batches.length === 3);
    batches[2]!.finish();
    expect(await after).toBe('r4');
  });

  it('refuses a run that answers for fewer requests than it was given', async () => {
    const batcher = new MicroBatcher(async (items: number[]) => items.slice(1), { name: 'spec-short', maxBatch: 10, maxInFlight: 1 });
    await expect(batcher.submit(1)).rejects.toThrow('batch of 1 answered 0 results');
  });

  it('sizes its slots from DATABASE_BATCH_CONCURRENCY, within a quarter of the pool (2 for small pools)', () => {
    expect(batchSlots({ DATABASE_POOL_SIZE: 20, DATABASE_BATCH_CONCURRENCY: 3 })).toBe(3);
    expect(batchSlots({ DATABASE_POOL_SIZE: 20, DATABASE_BATCH_CONCURRENCY: 10 })).toBe(5);
    expect(batchSlots({ DATABASE_POOL_SIZE: 4, DATABASE_BATCH_CONCURRENCY: 3 })).toBe(2);
    expect(batchSlots({ DATABASE_POOL_SIZE: 20, DATABASE_BATCH_CONCURRENCY: 1 })).toBe(1);
  });
});
