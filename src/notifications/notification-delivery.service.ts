import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { Env } from '../common/config/env.schema.js';
import { PROCESS_ROLE, type ProcessRole } from '../common/core.module.js';
import { OnJob } from '../common/queue/on-job.decorator.js';
import { JobName, type JobPayloads, QueueName } from '../common/queue/queue.constants.js';
import { Clock } from './clock.js';
import { NotificationService } from './notification.service.js';
import {
  type DeliveryResult,
  type ExternalChannelName,
  type MessageAttachment,
  NOTIFICATION_CHANNELS,
  type NotificationChannel,
} from './notification.types.js';
import { parseQuietHours, releaseTime } from './quiet-hours.util.js';
import { ScheduledReportExports } from './scheduled-report-exports.service.js';
import { WebhookService } from './webhook.service.js';

const JOB_FOR_CHANNEL: Record<ExternalChannelName, JobName> = {
  email: JobName.NotificationDeliverEmail,
  zalo: JobName.NotificationDeliverZalo,
  webhook: JobName.NotificationDeliverWebhook,
};
const RELAY_BATCH = 2_000;
/** A row handed to a queue is handed over again after this long if still not done (its job may be lost). */
export const RELAY_RETRY_MS = 2 * 60_000;
/** How long a scheduled report e-mail waits between looks at its export while the worker builds it. */
export const EXPORT_WAIT_MS = 30_000;

/** Backoff between attempts at one message: 30 s, 1 min, 2 min … capped at 1 h. */
export const backoffMs = (attempt: number) => Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);

interface ClaimedRow {
  id: string;
  dedupe_key: string;
  event: string;
  channel: ExternalChannelName;
  title: string;
  body: string;
  data: Record<string, unknown>;
  address: string | null;
  webhook_id: string | null;
  user_id: string | null;
  attempts: number;
  quiet_hours: string | null;
}

/**
 * Sends outbox rows. Postgres holds the state; job ids derive from the row (`<id>-<attempt>-<due ms>`,
 * deterministic), so the relay may re-add a job any number of times —
 * after a Redis loss too — and a row is claimed (pending → sending) by exactly one handler.
 */
@Injectable()
export class NotificationDeliveryService implements OnApplicationBootstrap {
  private readonly logger = new Logger(NotificationDeliveryService.name);
  private readonly channels: Map<ExternalChannelName, NotificationChannel>;
  private readonly queues: Record<ExternalChannelName, Queue>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly env: Env,
    private readonly notifications: NotificationService,
    private readonly webhooks: WebhookService,
    private readonly reportExports: ScheduledReportExports,
    @Inject(NOTIFICATION_CHANNELS) channels: NotificationChannel[],
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
    @InjectQueue(QueueName.Notifications) private readonly scheduleQueue: Queue,
    @InjectQueue(QueueName.NotificationsEmail) email: Queue,
    @InjectQueue(QueueName.NotificationsZalo) zalo: Queue,
    @InjectQueue(QueueName.NotificationsWebhook) webhook: Queue,
  ) {
    this.channels = new Map(channels.map((c) => [c.name, c]));
    this.queues = { email, zalo, webhook };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.role !== 'worker') return;
    await this.applyRateLimits().catch((error: unknown) => this.logger.warn(`Could not set notification rate limits yet: ${String(error)}`));
    await Promise.all([
      this.scheduleQueue.upsertJobScheduler('notifications-relay', { every: 15_000 }, { name: JobName.NotificationRelay, data: {} }),
      this.scheduleQueue.upsertJobScheduler('notifications-schedule', { every: 300_000 }, { name: JobName.NotificationSchedule, data: {} }),
    ]).catch((error: unknown) => this.logger.warn(`Could not schedule notification jobs yet: ${String(error)}`));
  }

  /**
   * The relay: enqueue every row that is due (pending, or sending with an expired lease). Runs
   * every 15 s in the worker; callers may also call it right after committing an event.
   */
  /**
   * BullMQ's queue-level rate limit per channel (kept in Redis, shared by every worker). Set at
   * start and again by each relay run, so a Redis that lost its data gets it back within seconds.
   */
  async applyRateLimits(): Promise<void> {
    const perSecond: Record<ExternalChannelName, number> = {
      email: this.env.NOTIFICATION_EMAIL_PER_SECOND,
      zalo: this.env.NOTIFICATION_ZALO_PER_SECOND,
      webhook: this.env.NOTIFICATION_WEBHOOK_PER_SECOND,
    };
    await Promise.all((Object.keys(this.queues) as ExternalChannelName[]).map((c) => this.queues[c].setGlobalRateLimit(perSecond[c], 1_000)));
  }

  @OnJob(JobName.NotificationRelay)
  async relay(_payload?: JobPayloads[JobName.NotificationRelay]): Promise<{ enqueued: number }> {
    if (this.role === 'worker') await this.applyRateLimits();
    const now = this.clock.now();
    let enqueued = 0;
    for (;;) {
      // Marks what it hands over, so a backlog is not re-added every sweep; a row whose job Redis
      // lost is handed over again once RELAY_RETRY_MS has passed.
      const [rows] = (await this.dataSource.query(
        `UPDATE notification n SET relayed_at = $1
          WHERE n.id IN (SELECT id FROM notification
                          WHERE not_before <= $1 AND (state = 'pending' OR (state = 'sending' AND locked_until < $1))
                            AND (relayed_at IS NULL OR relayed_at < $1::timestamptz - make_interval(secs => $3::int))
                          ORDER BY not_before, id LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING n.id, n.channel, n.attempts, (extract(epoch FROM n.not_before) * 1000)::bigint::text AS due`,
        [now, RELAY_BATCH, RELAY_RETRY_MS / 1000],
      )) as [Array<{ id: string; channel: ExternalChannelName; attempts: number; due: string }>, number];
      for (const channel of Object.keys(this.queues) as ExternalChannelName[]) {
        const batch = rows.filter((r) => r.channel === channel);
        if (batch.length === 0) continue;
        await this.queues[channel].addBulk(
          batch.map((r) => ({
            name: JOB_FOR_CHANNEL[channel],
            data: { notificationId: r.id },
            opts: { jobId: `${r.id}-${r.attempts + 1}-${r.due}`, attempts: 1, removeOnComplete: { age: 3600 } },
          })),
        );
      }
      enqueued += rows.length;
      if (rows.length < RELAY_BATCH) return { enqueued };
    }
  }

  @OnJob(JobName.NotificationSchedule)
  async schedule(_payload?: JobPayloads[JobName.NotificationSchedule]): Promise<Record<string, number>> {
    const written = await this.notifications.runScheduled();
    await this.relay();
    return written;
  }

  @OnJob(JobName.NotificationDeliverEmail)
  deliverEmail(payload: JobPayloads[JobName.NotificationDeliverEmail]) {
    return this.deliver(payload.notificationId);
  }

  @OnJob(JobName.NotificationDeliverZalo)
  deliverZalo(payload: JobPayloads[JobName.NotificationDeliverZalo]) {
    return this.deliver(payload.notificationId);
  }

  @OnJob(JobName.NotificationDeliverWebhook)
  deliverWebhook(payload: JobPayloads[JobName.NotificationDeliverWebhook]) {
    return this.deliver(payload.notificationId);
  }

  /** One attempt at one row; returns what happened (also the job's return value). */
  async deliver(notificationId: string): Promise<{ outcome: string }> {
    const now = this.clock.now();
    const [claimed] = (await this.dataSource.query(
      `UPDATE notification n SET state = 'sending', attempts = n.attempts + 1, locked_until = $2::timestamptz + make_interval(secs => $3::int)
        WHERE n.id = $1 AND n.not_before <= $2 AND (n.state = 'pending' OR (n.state = 'sending' AND n.locked_until < $2))
        RETURNING n.id, n.dedupe_key, n.event, n.channel, n.title, n.body, n.data, n.address, n.webhook_id, n.user_id, n.attempts,
                  (SELECT p.quiet_hours FROM notification_preference p WHERE p.user_id = n.user_id) AS quiet_hours`,
      [notificationId, now, this.env.NOTIFICATION_LEASE_SECONDS],
    )) as [ClaimedRow[], number];
    const row = claimed[0];
    // Gone, already sent, or not due yet: nothing to do (a re-added job is harmless).
    if (!row) return { outcome: 'skipped' };

    if (row.channel !== 'webhook') {
      const release = releaseTime(now, parseQuietHours(row.quiet_hours ?? this.env.QUIET_HOURS));
      if (release > now) return this.hold(row, release, `quiet hours: held until ${release.toISOString()}`, now);
    }

    let result: DeliveryResult | undefined;
    let attachments: MessageAttachment[] | undefined;
    if (row.event === 'report.scheduled' && row.channel === 'email') {
      const prepared = await this.reportExports.prepare(row).catch((error: unknown) => ({ kind: 'failed' as const, retry: true, error: `report export: ${String(error)}` }));
      if (prepared.kind === 'wait') return this.hold(row, new Date(now.getTime() + EXPORT_WAIT_MS), prepared.reason, now);
      if (prepared.kind === 'failed') result = { state: prepared.retry ? 'retry' : 'failed', error: prepared.error };
      else ({ attachments, body: row.body } = prepared);
    }

    const channel = this.channels.get(row.channel);
    try {
      result ??= channel
        ? await channel.send(
            { id: row.id, event: row.event, title: row.title, body: row.body, data: row.data, attachments },
            { address: row.address ?? '', fullName: (row.data.fullName as string | undefined) ?? null, webhookId: row.webhook_id },
          )
        : { state: 'failed', error: `channel ${row.channel} is not available` };
    } catch (error) {
      result = { state: 'retry', error: `channel threw: ${String(error)}` };
    }
    const exhausted = result.state === 'retry' && row.attempts >= this.env.NOTIFICATION_MAX_ATTEMPTS;
    const finalState = result.state === 'delivered' ? 'delivered' : result.state === 'failed' || exhausted ? 'failed' : 'pending';
    const doneAt = this.clock.now();
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO notification_delivery (notification_id, channel, attempt, state, error, provider_response, attempted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [row.id, row.channel, row.attempts, result.state, result.error ?? null, result.providerResponse === undefined ? null : JSON.stringify(result.providerResponse), doneAt],
      );
      await m.query(
        `UPDATE notification SET state = $2, locked_until = NULL, relayed_at = NULL, last_error = $3,
                delivered_at = CASE WHEN $2 = 'delivered' THEN $4::timestamptz END,
                not_before = CASE WHEN $2 = 'pending' THEN $4::timestamptz + make_interval(secs => $5::int) ELSE not_before END
          WHERE id = $1`,
        [row.id, finalState, result.error ?? null, doneAt, backoffMs(row.attempts) / 1000],
      );
      if (row.channel === 'webhook' && row.webhook_id) await this.webhooks.recordOutcome(m, row.webhook_id, result, doneAt);
    });
    return { outcome: finalState };
  }

  /** Puts a claimed row back, due at `until`, without spending an attempt; the wait is logged. */
  private async hold(row: ClaimedRow, until: Date, reason: string, now: Date): Promise<{ outcome: string }> {
    await this.dataSource.transaction(async (m) => {
      await m.query(`UPDATE notification SET state = 'pending', attempts = attempts - 1, locked_until = NULL, relayed_at = NULL, not_before = $2 WHERE id = $1`, [row.id, until]);
      await m.query(
        `INSERT INTO notification_delivery (notification_id, channel, attempt, state, error, attempted_at) VALUES ($1, $2, $3, 'deferred', $4, $5)`,
        [row.id, row.channel, row.attempts, reason, now],
      );
    });
    return { outcome: 'deferred' };
  }
}
