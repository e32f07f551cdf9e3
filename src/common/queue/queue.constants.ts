/**
 * The one registry of queues and jobs. Values are stored in Redis with every job: never rename
 * a shipped value, add a new one instead.
 */
export enum QueueName {
  Maintenance = 'maintenance',
  /** Outbox relay and time-driven notification triggers. */
  Notifications = 'notifications',
  /** One queue per external channel, so each has its own rate limit. */
  NotificationsEmail = 'notifications-email',
  NotificationsZalo = 'notifications-zalo',
  NotificationsWebhook = 'notifications-webhook',
}

export enum JobName {
  WorkerHeartbeat = 'maintenance.worker-heartbeat',
  NotificationRelay = 'notifications.relay',
  NotificationSchedule = 'notifications.schedule',
  NotificationDeliverEmail = 'notifications.deliver-email',
  NotificationDeliverZalo = 'notifications.deliver-zalo',
  NotificationDeliverWebhook = 'notifications.deliver-webhook',
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.WorkerHeartbeat]: QueueName.Maintenance,
  [JobName.NotificationRelay]: QueueName.Notifications,
  [JobName.NotificationSchedule]: QueueName.Notifications,
  [JobName.NotificationDeliverEmail]: QueueName.NotificationsEmail,
  [JobName.NotificationDeliverZalo]: QueueName.NotificationsZalo,
  [JobName.NotificationDeliverWebhook]: QueueName.NotificationsWebhook,
};

/** The payload each job carries: ids and small scalars only; Postgres holds the data. */
export interface JobPayloads {
  [JobName.WorkerHeartbeat]: { requestedAt: string };
  [JobName.NotificationRelay]: Record<string, never>;
  [JobName.NotificationSchedule]: Record<string, never>;
  [JobName.NotificationDeliverEmail]: { notificationId: string };
  [JobName.NotificationDeliverZalo]: { notificationId: string };
  [JobName.NotificationDeliverWebhook]: { notificationId: string };
}

export const ALL_QUEUES = Object.values(QueueName);

/** Retry with backoff, keep failures for inspection, trim successes. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
} as const;
