import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Env } from '../common/config/env.schema.js';
import { Clock } from './clock.js';
import * as build from './notification-builders.js';
import { NotificationOutboxRepository, type PeopleMessages } from './notification-outbox.repository.js';
import type { NotificationEvent } from './notification.types.js';
import { localParts } from './quiet-hours.util.js';

/** A reminder offset as people read it: 24h, 2h, 2d, 90m. */
export function offsetLabel(ms: number): string {
  if (ms > 0 && ms % 86_400_000 === 0 && ms >= 2 * 86_400_000) return `${ms / 86_400_000}d`;
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${Math.max(0, Math.round(ms / 60_000))}m`;
}

/**
 * Turns domain events into outbox rows. Call `enqueueForEvent` with the caller's transaction
 * manager: the rows commit (or roll back) with the change that caused them; the relay sends them.
 */
@Injectable()
export class NotificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: NotificationOutboxRepository,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {}

  /** Returns how many people get a message. Safe to call twice: the dedupe key absorbs repeats. */
  async enqueueForEvent(manager: EntityManager, event: NotificationEvent): Promise<number> {
    switch (event.type) {
      case 'tasks.assigned': {
        const launchKey = event.launchKey ?? (await this.launchKey(manager, event.campaignId));
        return this.write(manager, build.assignmentDigests(event.campaignId, launchKey), { campaignId: event.campaignId });
      }
      case 'tasks.reminder':
        return this.write(manager, build.reminders(event.campaignId, event.offset), { campaignId: event.campaignId, offset: event.offset });
      case 'task.reopened':
        return this.write(manager, build.reopenNotice(String(event.taskId), String(event.reopenKey), event.reason ?? null), { taskId: String(event.taskId) });
      case 'campaign.closed':
        return this.write(manager, build.campaignClosedSummary(event.campaignId), { campaignId: event.campaignId });
    }
  }

  /**
   * The time-driven triggers, run by the worker's schedule job (every few minutes; each message is
   * written once thanks to its dedupe key): reminders, escalations, units behind, the secretaries'
   * daily summary, scheduled reports.
   *
   * Reminders come from the campaigns feature's `reminder_run` rows (written when a campaign's
   * REMINDER_OFFSETS come due, skipped when a deadline moved): each unnotified row becomes one
   * reminder per person with open tasks, and is marked notified in the same transaction.
   */
  async runScheduled(): Promise<Record<string, number>> {
    const now = this.clock.now();
    const out: Record<string, number> = { reminders: 0, escalations: 0, unitsBehind: 0, secretarySummaries: 0, reports: 0 };
    const campaigns: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM campaign
        WHERE status = 'active' AND deadline > $1 AND deadline <= $1::timestamptz + make_interval(hours => $2::int)`,
      [now, this.env.ESCALATION_HOURS_BEFORE],
    );
    await this.dataSource.transaction(async (m) => {
      const due: Array<{ campaign_id: string; remind_at: Date; offset_ms: string; live: boolean }> = await m.query(
        `SELECT r.campaign_id, r.remind_at, (extract(epoch FROM c.deadline - r.remind_at) * 1000)::bigint::text AS offset_ms,
                (c.status = 'active' AND c.deadline > $1) AS live
           FROM reminder_run r JOIN campaign c ON c.id = r.campaign_id
          WHERE r.notified_at IS NULL
          ORDER BY r.remind_at FOR UPDATE OF r SKIP LOCKED`,
        [now],
      );
      // After a backlog (worker down), only the latest due run of a campaign is sent: 1 h before the
      // deadline people get the 2 h reminder, not also the 24 h one late.
      const latest = new Map(due.map((r) => [r.campaign_id, r.remind_at]));
      for (const r of due) {
        // A closed campaign or a passed deadline: nothing left to remind about.
        if (r.live && latest.get(r.campaign_id) === r.remind_at) {
          out.reminders! += await this.enqueueForEvent(m, { type: 'tasks.reminder', campaignId: r.campaign_id, offset: offsetLabel(Number(r.offset_ms)) });
        }
        await m.query(`UPDATE reminder_run SET notified_at = $3 WHERE campaign_id = $1 AND remind_at = $2`, [r.campaign_id, r.remind_at, now]);
      }
      for (const c of campaigns) {
        out.escalations! += await this.write(m, build.escalations(now, this.env.ESCALATION_HOURS_BEFORE, c.id), { campaignId: c.id });
        out.unitsBehind! += await this.write(m, build.unitsBehind(c.id, this.env.UNIT_BEHIND_PERCENT), { campaignId: c.id });
      }
      const local = localParts(now);
      if (local.hour >= this.env.SECRETARY_SUMMARY_HOUR) {
        out.secretarySummaries = await this.write(m, build.secretaryDailySummaries(now, local.date), { date: local.date });
      }
      out.reports = await this.scheduledReports(m, now);
    });
    return out;
  }

  /** Weekly reports go out on Monday mornings for the previous week, monthly on the 1st for the previous month. */
  private async scheduledReports(m: EntityManager, now: Date): Promise<number> {
    const local = localParts(now);
    if (local.hour < 7) return 0;
    const day = (iso: string) => new Date(`${iso}T00:00:00+07:00`);
    let sent = 0;
    if (local.weekday === 1) {
      const to = day(local.date);
      const from = new Date(to.getTime() - 7 * 86_400_000);
      const key = localParts(from).date;
      sent += await this.write(m, build.scheduledReports('weekly', key, from, to), { period: 'weekly', periodKey: key });
    }
    if (local.day === 1) {
      const to = day(local.date);
      const prev = localParts(new Date(to.getTime() - 86_400_000)).date.slice(0, 7);
      const from = day(`${prev}-01`);
      sent += await this.write(m, build.scheduledReports('monthly', prev, from, to), { period: 'monthly', periodKey: prev });
    }
    return sent;
  }

  private async write(m: EntityManager, spec: PeopleMessages, webhookData: Record<string, unknown>): Promise<number> {
    const now = this.clock.now();
    const people = await this.outbox.insertForPeople(m, spec, now);
    if (people > 0) await this.outbox.insertForWebhooks(m, spec.event, spec.eventKey, spec.event, { ...webhookData, recipients: people }, now);
    return people;
  }

  private async launchKey(m: EntityManager, campaignId: string): Promise<string> {
    const [row] = await m.query(`SELECT coalesce(launched_at, created_at) AS at FROM campaign WHERE id = $1`, [campaignId]);
    return row ? new Date(row.at as string).toISOString() : 'unknown';
  }
}
