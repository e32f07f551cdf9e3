import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { microBatchTotals } from '../database/micro-batcher.js';
import { ALL_QUEUES } from '../queue/queue.constants.js';
import { withTimeout } from '../util/with-timeout.util.js';

/** One registry per process (not prom-client's global), so several apps in one test process don't clash. */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(private readonly moduleRef: ModuleRef) {}

  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry });
    // /metrics is unauthenticated: the runtime's exact version would tell an attacker which CVEs to try.
    this.registry.removeSingleMetric('nodejs_version_info');
    // Requests ÷ batches = how many requests shared a statement (see MicroBatcher).
    for (const [field, name, help] of [
      ['batches', 'db_batches_total', 'Statements run by each request batcher'],
      ['requests', 'db_batched_requests_total', 'Requests served by those statements'],
    ] as const) {
      new Counter({
        name,
        help,
        labelNames: ['batch'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [batch, total] of microBatchTotals()) this.inc({ batch }, total[field]);
        },
      });
    }
    const queues = ALL_QUEUES.map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    new Gauge({
      name: 'queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        await Promise.all(
          queues.map(async (queue) => {
            // While Redis is down the scrape still answers, without queue figures.
            const counts = await withTimeout(queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'), 1_000).catch(
              () => undefined,
            );
            for (const [state, value] of Object.entries(counts ?? {})) this.set({ queue: queue.name, state }, value);
          }),
        );
      },
    });
  }
}
