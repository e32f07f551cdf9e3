import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { QUEUE_PROCESSORS } from './dispatching.processor.js';
import { ALL_QUEUES, JOB_QUEUE } from './queue.constants.js';

// @nestjs/bullmq's metadata key for @Processor(...) options.
const PROCESSOR_METADATA = 'bullmq:processor_metadata';

describe('queue consumers', () => {
  const consumed = QUEUE_PROCESSORS.map((processor) => (Reflect.getMetadata(PROCESSOR_METADATA, processor) as { name: string }).name);

  it('has exactly one consumer for every queue, so no job waits forever', () => {
    expect([...consumed].sort()).toEqual([...ALL_QUEUES].sort());
  });

  it('puts every job on a queue that has a consumer', () => {
    for (const [job, queue] of Object.entries(JOB_QUEUE)) expect(consumed, job).toContain(queue);
  });
});
