import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobRegistry } from './job-registry.service.js';
import { QueueName } from './queue.constants.js';

/** Each queue's consumer hands jobs to their `@OnJob` handler; one small class per queue. */
abstract class DispatchingProcessor extends WorkerHost {
  // Property injection: subclasses then need no constructor of their own.
  @Inject(JobRegistry) private readonly registry: JobRegistry;

  private readonly logger = new Logger('Queue');

  override async process(job: Job): Promise<unknown> {
    return this.registry.dispatch(job);
  }

  /**
   * A job that stalled more often than allowed (its worker died or froze while running it, each
   * time) is failed by BullMQ on the next pick-up without calling `process`: its handler's own
   * final-failure path never runs, so the job's `@OnJobGivenUp` method is called here instead.
   */
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (!job?.deferredFailure) return;
    try {
      const handled = await this.registry.givenUp(job, job.deferredFailure);
      this.logger.error({ jobId: job.id, job: job.name, reason: error.message, handled }, 'Job given up by the queue');
    } catch (failure) {
      this.logger.error({ err: failure, jobId: job.id, job: job.name }, 'Job given up by the queue; recording it failed');
    }
  }
}

@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends DispatchingProcessor {}

@Processor(QueueName.Imports)
export class ImportsProcessor extends DispatchingProcessor {}

@Processor(QueueName.Campaigns)
export class CampaignsProcessor extends DispatchingProcessor {}

@Processor(QueueName.Reports)
export class ReportsProcessor extends DispatchingProcessor {}

@Processor(QueueName.Notifications)
export class NotificationsProcessor extends DispatchingProcessor {}

// The per-channel queues are rate limited by BullMQ's queue-level (global) rate limit, set from
// NOTIFICATION_*_PER_SECOND by NotificationDeliveryService (it applies across all workers).
@Processor(QueueName.NotificationsEmail)
export class NotificationsEmailProcessor extends DispatchingProcessor {}

@Processor(QueueName.NotificationsZalo)
export class NotificationsZaloProcessor extends DispatchingProcessor {}

@Processor(QueueName.NotificationsWebhook)
export class NotificationsWebhookProcessor extends DispatchingProcessor {}

const PROCESSOR_QUEUES: Array<[object, QueueName]> = [
  [MaintenanceProcessor, QueueName.Maintenance],
  [ImportsProcessor, QueueName.Imports],
  [CampaignsProcessor, QueueName.Campaigns],
  [ReportsProcessor, QueueName.Reports],
  [NotificationsProcessor, QueueName.Notifications],
  [NotificationsEmailProcessor, QueueName.NotificationsEmail],
  [NotificationsZaloProcessor, QueueName.NotificationsZalo],
  [NotificationsWebhookProcessor, QueueName.NotificationsWebhook],
];

/**
 * Worker options from the validated config, applied by `WorkerModule.register` before the workers are
 * created: how many jobs of each queue run at once in this process (WORKER_CONCURRENCY), and how long
 * a job stays claimed by a worker that stopped renewing its lock (killed, frozen) before another worker
 * takes it back (QUEUE_LOCK_MS: BullMQ lockDuration; the stalled check runs as often).
 */
export function configureWorkers(options: { concurrency: number; lockMs: number }): void {
  for (const [processor, queue] of PROCESSOR_QUEUES) {
    Processor(queue, { concurrency: options.concurrency, lockDuration: options.lockMs, stalledInterval: options.lockMs })(processor as never);
  }
}

export const QUEUE_PROCESSORS = [
  MaintenanceProcessor,
  ImportsProcessor,
  CampaignsProcessor,
  ReportsProcessor,
  NotificationsProcessor,
  NotificationsEmailProcessor,
  NotificationsZaloProcessor,
  NotificationsWebhookProcessor,
];
