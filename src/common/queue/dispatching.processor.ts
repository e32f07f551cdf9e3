import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { Env } from '../config/env.schema.js';
import { JobRegistry } from './job-registry.service.js';
import { QueueName } from './queue.constants.js';

/** Each queue's consumer hands jobs to their `@OnJob` handler; one small class per queue. */
abstract class DispatchingProcessor extends WorkerHost implements OnApplicationBootstrap {
  // Property injection: subclasses then need no constructor of their own.
  @Inject(JobRegistry) private readonly registry: JobRegistry;
  @Inject(Env) private readonly env: Env;

  /** Jobs of one queue run up to WORKER_CONCURRENCY at a time in this process (BullMQ applies it live). */
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.env.WORKER_CONCURRENCY;
  }

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

// The per-channel queues are rate limited by BullMQ's queue-level (global) rate limit, set from
// NOTIFICATION_*_PER_SECOND by NotificationDeliveryService (it applies across all workers).
@Processor(QueueName.NotificationsEmail)
export class NotificationsEmailProcessor extends DispatchingProcessor {}

@Processor(QueueName.NotificationsZalo)
export class NotificationsZaloProcessor extends DispatchingProcessor {}

@Processor(QueueName.NotificationsWebhook)
export class NotificationsWebhookProcessor extends DispatchingProcessor {}

const PROCESSOR_QUEUES: Array<[object, QueueName, object]> = [
  [MaintenanceProcessor, QueueName.Maintenance, {}],
  [ImportsProcessor, QueueName.Imports, {}],
  [CampaignsProcessor, QueueName.Campaigns, {}],
  [ReportsProcessor, QueueName.Reports, {}],
  [NotificationsProcessor, QueueName.Notifications, {}],
  [NotificationsEmailProcessor, QueueName.NotificationsEmail, {}],
  [NotificationsZaloProcessor, QueueName.NotificationsZalo, {}],
  [NotificationsWebhookProcessor, QueueName.NotificationsWebhook, {}],
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
