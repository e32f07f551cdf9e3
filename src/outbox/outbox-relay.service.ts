import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { Env } from '../common/config/env.schema.js';
import { PROCESS_ROLE, type ProcessRole } from '../common/core.module.js';
import { JOB_QUEUE, JobName, QueueName } from '../common/queue/queue.constants.js';
import { isRedisOutageError } from '../common/redis/redis-outage.js';
import { outboxJobId, type OutboxRow } from './outbox.service.js';

const BATCH = 200;

/**
 * Worker-side relay: moves outbox rows onto the queue (`FOR UPDATE SKIP LOCKED`, so several
 * workers share the rows), and reconciles: every intent not yet completed must have its job in
 * Redis; a flushed or restarted Redis gets its jobs back (same deterministic job ids).
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private pollTimer?: NodeJS.Timeout;
  private reconcileTimer?: NodeJS.Timeout;
  private stopped = false;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly env: Env,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
    @InjectQueue(QueueName.Campaigns) private readonly campaigns: Queue,
    @InjectQueue(QueueName.Reports) private readonly reports: Queue,
    @InjectQueue(QueueName.Imports) private readonly imports: Queue,
  ) {}

  onApplicationBootstrap(): void {
    if (this.role !== 'worker') return;
    this.schedulePoll(0);
    this.scheduleReconcile(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.reconcileTimer);
    await this.running.catch(() => undefined);
  }

  private schedulePoll(delay: number): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.running = this.relayOnce()
        .then((moved) => this.schedulePoll(moved === BATCH ? 0 : this.env.OUTBOX_POLL_MS))
        .catch((error: unknown) => {
          // Redis away: already logged once for the outage (redis-outage.ts); the rows wait in Postgres.
          if (isRedisOutageError(error)) this.logger.debug(`Outbox relay waits for Redis: ${String(error)}`);
          else this.logger.warn(`Outbox relay failed, retrying: ${String(error)}`);
          this.schedulePoll(this.env.OUTBOX_POLL_MS * 4);
        });
    }, delay);
  }

  private scheduleReconcile(delay: number): void {
    if (this.stopped) return;
    this.reconcileTimer = setTimeout(() => {
      this.reconcile()
        .catch((error: unknown) =>
          isRedisOutageError(error)
            ? this.logger.debug(`Outbox reconciliation waits for Redis: ${String(error)}`)
            : this.logger.warn(`Outbox reconciliation failed: ${String(error)}`),
        )
        .finally(() => this.scheduleReconcile(this.env.OUTBOX_RECONCILE_MS));
    }, delay);
  }

  private queueFor(kind: string): Queue {
    const queue = JOB_QUEUE[kind as keyof typeof JOB_QUEUE];
    if (queue === QueueName.Campaigns) return this.campaigns;
    if (queue === QueueName.Reports) return this.reports;
    if (queue === QueueName.Imports) return this.imports;
    throw new Error(`Outbox kind "${kind}" has no queue`);
  }

  /** Retries of a kind, when they differ from the queue's defaults (DEFAULT_JOB_OPTIONS). */
  private retryOptions(kind: string): Pick<JobsOptions, 'attempts' | 'backoff'> {
    if (kind === JobName.ReportExportBuild) {
      return { attempts: this.env.EXPORT_ATTEMPTS, backoff: { type: 'exponential', delay: this.env.EXPORT_RETRY_DELAY_MS } };
    }
    return {};
  }

  private async enqueue(row: OutboxRow): Promise<void> {
    const delay = Math.max(0, new Date(row.available_at).getTime() - Date.now());
    await this.queueFor(row.kind).add(row.kind, { ...row.payload, outboxId: String(row.id) }, { jobId: outboxJobId(row), delay, ...this.retryOptions(row.kind) });
  }

  /** Moves one batch of unprocessed rows onto the queue; returns how many. */
  async relayOnce(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, kind, payload, available_at FROM outbox
          WHERE processed_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return 0;
      // If Redis refuses, the transaction rolls back and the rows wait for the next poll;
      // if the commit fails after the add, the next add of the same job id is a no-op.
      for (const row of rows) await this.enqueue(row);
      await manager.query(`UPDATE outbox SET processed_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  /** Re-enqueues every relayed but unfinished intent whose job Redis no longer has. Returns how many. */
  async reconcile(): Promise<number> {
    let after = '0';
    let restored = 0;
    for (;;) {
      const rows: OutboxRow[] = await this.dataSource.query(
        `SELECT id, kind, payload, available_at FROM outbox
          WHERE processed_at IS NOT NULL AND completed_at IS NULL AND id > $1 ORDER BY id LIMIT 500`,
        [after],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        const job = await this.queueFor(row.kind).getJob(outboxJobId(row));
        if (!job) {
          await this.enqueue(row);
          restored++;
        }
      }
      after = String(rows[rows.length - 1]!.id);
    }
    if (restored > 0) this.logger.log(`Reconciliation put ${restored} lost job(s) back on the queue`);
    return restored;
  }
}
