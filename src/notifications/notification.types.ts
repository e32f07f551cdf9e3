/** Every event the service notifies about. Stored in `notification.event`; never rename a shipped value. */
export const NOTIFICATION_EVENTS = [
  'tasks.assigned',
  'tasks.reminder',
  'task.reopened',
  'secretary.daily_summary',
  'campaign.closed',
  'tasks.escalated',
  'units.behind',
  'report.scheduled',
] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENTS)[number];

export const CHANNELS = ['in_app', 'email', 'zalo', 'webhook'] as const;
export type ChannelName = (typeof CHANNELS)[number];
export type ExternalChannelName = Exclude<ChannelName, 'in_app'>;

/**
 * What the campaigns code reports, inside its own transaction, through
 * `NotificationService.enqueueForEvent(manager, event)`.
 */
export type NotificationEvent =
  /** After a launch's fan-out committed its share_task rows: one digest per person. `launchKey`
   * distinguishes successive launches of one campaign (default: the campaign's launched_at). */
  | { type: 'tasks.assigned'; campaignId: string; launchKey?: string }
  /** A reminder `offset` before the deadline (e.g. '24h', '2h'); only people with open tasks get one. */
  | { type: 'tasks.reminder'; campaignId: string; offset: string }
  /** A task was reopened; `reopenKey` (e.g. the task's new version) makes each reopening one notice. */
  | { type: 'task.reopened'; taskId: string | number; reopenKey: string | number; reason?: string }
  | { type: 'campaign.closed'; campaignId: string };

export interface NotificationMessage {
  id: string;
  event: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  /** Files sent with the message by channels that can carry them (e-mail); others ignore them. */
  attachments?: MessageAttachment[];
}

export interface MessageAttachment {
  filename: string;
  /** A file on this machine (the worker's storage). */
  path: string;
  contentType: string;
}

export interface Recipient {
  /** Phone (E.164), e-mail address or webhook URL, as captured when the row was written. */
  address: string;
  fullName?: string | null;
  webhookId?: string | null;
}

/**
 * - delivered: the provider accepted it;
 * - retry: worth trying later (timeouts, 5xx, quota, expired token after a refresh failed);
 * - failed: will not succeed as is (invalid phone, template not approved, 4xx).
 */
export interface DeliveryResult {
  state: 'delivered' | 'retry' | 'failed';
  error?: string;
  providerResponse?: unknown;
}

/** One way of reaching people. Adding a channel = one class implementing this, listed in the module. */
export interface NotificationChannel {
  readonly name: ExternalChannelName;
  /** False when the installation has not configured it (no SMTP_URL, no ZNS base URL). */
  enabled(): boolean;
  send(message: NotificationMessage, recipient: Recipient): Promise<DeliveryResult>;
}

export const NOTIFICATION_CHANNELS = Symbol('NOTIFICATION_CHANNELS');
