/**
 * The one registry of queues and jobs. Values are stored in Redis with every job: never rename
 * a shipped value, add a new one instead.
 */
export enum QueueName {
  Maintenance = 'maintenance',
  Imports = 'imports',
  Campaigns = 'campaigns',
  Reports = 'reports',
  /** Outbox relay and time-driven notification triggers. */
  Notifications = 'notifications',
  /** One queue per external channel, so each has its own rate limit. */
  NotificationsEmail = 'notifications-email',
  NotificationsZalo = 'notifications-zalo',
  NotificationsWebhook = 'notifications-webhook',
}

export enum JobName {
  WorkerHeartbeat = 'maintenance.worker-heartbeat',
  PurgeCampaignProofs = 'maintenance.purge-campaign-proofs',
  ImportRun = 'imports.run',
  CampaignFanOut = 'campaigns.fan-out',
  CampaignRemind = 'campaigns.remind',
  CampaignExpire = 'campaigns.expire',
  ReportExportBuild = 'reports.export-build',
  ReportExportCleanup = 'reports.export-cleanup',
  NotificationRelay = 'notifications.relay',
  NotificationSchedule = 'notifications.schedule',
  NotificationDeliverEmail = 'notifications.deliver-email',
  NotificationDeliverZalo = 'notifications.deliver-zalo',
  NotificationDeliverWebhook = 'notifications.deliver-webhook',
}

export const JOB_QUEUE: Record<JobName, QueueName> = {
  [JobName.WorkerHeartbeat]: QueueName.Maintenance,
  [JobName.PurgeCampaignProofs]: QueueName.Maintenance,
  [JobName.ImportRun]: QueueName.Imports,
  [JobName.CampaignFanOut]: QueueName.Campaigns,
  [JobName.CampaignRemind]: QueueName.Campaigns,
  [JobName.CampaignExpire]: QueueName.Campaigns,
  [JobName.ReportExportBuild]: QueueName.Reports,
  [JobName.ReportExportCleanup]: QueueName.Reports,
  [JobName.NotificationRelay]: QueueName.Notifications,
  [JobName.NotificationSchedule]: QueueName.Notifications,
  [JobName.NotificationDeliverEmail]: QueueName.NotificationsEmail,
  [JobName.NotificationDeliverZalo]: QueueName.NotificationsZalo,
  [JobName.NotificationDeliverWebhook]: QueueName.NotificationsWebhook,
};

/** The payload each job carries: ids and small scalars only; Postgres holds the data. */
export interface JobPayloads {
  [JobName.WorkerHeartbeat]: { requestedAt: string };
  [JobName.PurgeCampaignProofs]: { campaignId: string };
  /** Put on the queue by the outbox relay (`outboxId`); jobs added before imports used the outbox have none. */
  [JobName.ImportRun]: { outboxId?: string; importId: string };
  /** Jobs put on the queue by the outbox relay carry the outbox row's id (see src/outbox). */
  [JobName.CampaignFanOut]: { outboxId: string; campaignId: string };
  [JobName.CampaignRemind]: { outboxId: string; campaignId: string; remindAt: string };
  [JobName.CampaignExpire]: { outboxId: string; campaignId: string; deadline: string };
  /** Put on the queue by the outbox relay (`outboxId`); jobs added before exports used the outbox have none. */
  [JobName.ReportExportBuild]: { outboxId?: string; exportId: string };
  [JobName.ReportExportCleanup]: { requestedAt: string };
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
