import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { PROCESS_ROLE, type ProcessRole } from '../common/core.module.js';
import { OnJob } from '../common/queue/on-job.decorator.js';
import { JobName, type JobPayloads, QueueName } from '../common/queue/queue.constants.js';

const STARTED_AT = new Date();

/**
 * Proves the queue wiring end to end: a scheduled job that each run records, in Postgres,
 * which worker process handled it and when.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap {
  private readonly logger = new Logger(HeartbeatService.name);
  readonly workerId = `${hostname()}:${process.pid}`;

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.role !== 'worker') return;
    // A job scheduler is idempotent by id, so every worker may upsert it.
    await this.queue
      .upsertJobScheduler('worker-heartbeat', { every: 30_000 }, { name: JobName.WorkerHeartbeat, data: { requestedAt: 'scheduled' } })
      .catch((error: unknown) => this.logger.warn(`Could not schedule heartbeat yet: ${String(error)}`));
  }

  @OnJob(JobName.WorkerHeartbeat)
  async beat(_payload: JobPayloads[JobName.WorkerHeartbeat]): Promise<{ workerId: string }> {
    await this.dataSource.query(
      `INSERT INTO worker_heartbeat (worker_id, hostname, pid, started_at, seen_at, beats)
       VALUES ($1, $2, $3, $4, now(), 1)
       ON CONFLICT (worker_id) DO UPDATE SET seen_at = now(), beats = worker_heartbeat.beats + 1`,
      [this.workerId, hostname(), process.pid, STARTED_AT],
    );
    return { workerId: this.workerId };
  }
}
