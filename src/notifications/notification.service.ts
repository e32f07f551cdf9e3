import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Env } from '../common/config/env.schema.js';
import { Clock } from './clock.js';
import * as build from './notification-builders.js';
import { NotificationOutboxRepository, type PeopleMessages } from './notification-outbox.repository.js';
import type { NotificationEvent } from './notification.types.js';
import { localParts } from './quiet-hours.util.js';

/** Reminder offsets before a campaign's deadline (hours → label). */
export const REMINDER_OFFSETS: ReadonlyArray<{ hours: number; label: string }> = [
  { hours: 24, label: '24h' },
  { hours: 2, label: '2h' },
];

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
   */
  async runScheduled(): Promise<Record<string, number>> {
    const now = this.clock.now();
    const out: Record<string, number> = { reminders: 0, escalations: 0, unitsBehind: 0, secretarySummaries: 0, reports: 0 };
    const horizon = Math.max(this.env.ESCALATION_HOURS_BEFORE, ...REMINDER_OFFSETS.map((o) => o.hours));
    const campaigns: Array<{ id: string; hours_left: number }> = await this.dataSource.query(
      `SELECT id, extract(epoch FROM deadline - $1::timestamptz) / 3600 AS hours_left FROM campaign
        WHERE status = 'active' AND deadline > $1 AND deadline <= $1::timestamptz + make_interval(hours => $2::int)`,
      [now, horizon],
    );
    await this.dataSource.transaction(async (m) => {
      for (const c of campaigns) {
        const hoursLeft = Number(c.hours_left);
        // Only the nearest offset passed: a campaign 1 h from its deadline gets the 2 h reminder, not also the 24 h one late.
        const offset = REMINDER_OFFSETS.filter((o) => hoursLeft <= o.hours).sort((a, b) => a.hours - b.hours)[0];
        if (offset) out.reminders! += await this.enqueueForEvent(m, { type: 'tasks.reminder', campaignId: c.id, offset: offset.label });
        if (hoursLeft <= this.env.ESCALATION_HOURS_BEFORE) {
          out.escalations! += await this.write(m, build.escalations(now, this.env.ESCALATION_HOURS_BEFORE, c.id), { campaignId: c.id });
          out.unitsBehind! += await this.write(m, build.unitsBehind(c.id, this.env.UNIT_BEHIND_PERCENT), { campaignId: c.id });
        }
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
