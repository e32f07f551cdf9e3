import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobRegistry } from './job-registry.service.js';
import { QueueName } from './queue.constants.js';

/** Each queue's consumer hands jobs to their `@OnJob` handler; one small class per queue. */
abstract class DispatchingProcessor extends WorkerHost {
  // Property injection: subclasses then need no constructor of their own.
  @Inject(JobRegistry) private readonly registry: JobRegistry;

  override async process(job: Job): Promise<unknown> {
    return this.registry.dispatch(job);
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

// Per-channel rate limits (BullMQ limiter: at most `max` jobs per `duration` ms across all workers).
const EMAIL_LIMIT = { limiter: { max: 50, duration: 1_000 } };
const ZALO_LIMIT = { limiter: { max: 100, duration: 1_000 } };
const WEBHOOK_LIMIT = { limiter: { max: 50, duration: 1_000 } };

@Processor(QueueName.NotificationsEmail, EMAIL_LIMIT)
export class NotificationsEmailProcessor extends DispatchingProcessor {}

@Processor(QueueName.NotificationsZalo, ZALO_LIMIT)
export class NotificationsZaloProcessor extends DispatchingProcessor {}

@Processor(QueueName.NotificationsWebhook, WEBHOOK_LIMIT)
export class NotificationsWebhookProcessor extends DispatchingProcessor {}

const PROCESSOR_QUEUES: Array<[object, QueueName, object]> = [
  [MaintenanceProcessor, QueueName.Maintenance, {}],
  [ImportsProcessor, QueueName.Imports, {}],
  [CampaignsProcessor, QueueName.Campaigns, {}],
  [ReportsProcessor, QueueName.Reports, {}],
  [NotificationsProcessor, QueueName.Notifications, {}],
  [NotificationsEmailProcessor, QueueName.NotificationsEmail, EMAIL_LIMIT],
  [NotificationsZaloProcessor, QueueName.NotificationsZalo, ZALO_LIMIT],
  [NotificationsWebhookProcessor, QueueName.NotificationsWebhook, WEBHOOK_LIMIT],
];

/**
 * How long a job stays claimed by a worker that stopped renewing its lock (killed, frozen) before
 * another worker takes it back (BullMQ lockDuration; the stalled check runs as often). Applied by
 * `WorkerModule.register` from the validated config, before the workers are created.
 */
export function configureJobLocks(lockMs: number): void {
  for (const [processor, queue, options] of PROCESSOR_QUEUES) {
    Processor(queue, { ...options, lockDuration: lockMs, stalledInterval: lockMs })(processor as never);
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
