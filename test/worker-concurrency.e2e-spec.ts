import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUE_PROCESSORS } from '../src/common/queue/dispatching.processor.js';
import { createTestContext, type TestContext } from './support/test-app.js';

describe('worker concurrency', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { WORKER_CONCURRENCY: '3' } });
  });
  afterAll(async () => ctx?.close());

  it('runs up to WORKER_CONCURRENCY jobs of each queue at once in one worker process', async () => {
    const worker = await ctx.startWorker();
    for (const processor of QUEUE_PROCESSORS) expect(worker.get(processor).worker.concurrency, processor.name).toBe(3);
  });
});
