import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Env } from '../common/config/env.schema.js';
import { ZaloZnsChannel } from './channels/zalo.channel.js';
import type { ChannelName, NotificationEventType } from './notification.types.js';

export interface PeopleMessages {
  event: NotificationEventType;
  /** Identifies the event instance; each row's dedupe key is `<eventKey>:<person>:<channel>`. */
  eventKey: string;
  /**
   * A SELECT yielding one row per recipient: `collaborator_id uuid, user_id uuid, title text,
   * body text, data jsonb` (one of the ids may be NULL). Uses `$1…$n` from `params`.
   */
  sql: string;
  params: unknown[];
  channels?: ChannelName[];
}

/**
 * Writes outbox rows set-based: one INSERT … SELECT fans a message out to every channel the person
 * can be reached on, with ON CONFLICT DO NOTHING on the dedupe key — so running a builder twice,
 * or a retried job, writes nothing new. Demo people are never reached outside the app.
 */
@Injectable()
export class NotificationOutboxRepository {
  constructor(
    private readonly env: Env,
    private readonly zalo: ZaloZnsChannel,
  ) {}

  /** Returns how many people got a message (in-app rows written now). */
  async insertForPeople(m: EntityManager, spec: PeopleMessages, now: Date): Promise<number> {
    const channels = spec.channels ?? ['in_app', 'email', 'zalo'];
    const n = spec.params.length;
    const emailOn = Boolean(this.env.SMTP_URL) && channels.includes('email');
    const zaloOn = this.zalo.enabled() && Boolean(this.zalo.templateFor(spec.event)) && channels.includes('zalo');
    // Counted in SQL: a launch digest reaches every targeted person (1M at national scale), so
    // RETURNING one row per message would hold them all in the worker's memory.
    const [{ people }]: Array<{ people: number }> = await m.query(
      `WITH msg AS (${spec.sql}),
       r AS (
         SELECT msg.*, coalesce(u1.id, u2.id) AS uid, c.id AS cid, c.email, c.phone, c.full_name,
                (coalesce(c.is_demo, false) OR coalesce(u1.is_demo, u2.is_demo, false)) AS demo,
                coalesce(p.email, true) AS want_email, coalesce(p.zalo, true) AS want_zalo,
                coalesce('u:' || msg.user_id::text, 'c:' || msg.collaborator_id::text) AS who
           FROM msg
           LEFT JOIN app_user u1 ON u1.id = msg.user_id
           LEFT JOIN app_user u2 ON msg.user_id IS NULL AND u2.collaborator_id = msg.collaborator_id
           LEFT JOIN collaborator c ON c.id = coalesce(msg.collaborator_id, u1.collaborator_id)
           LEFT JOIN notification_preference p ON p.user_id = coalesce(u1.id, u2.id)
       ),
       ins AS (
       INSERT INTO notification (dedupe_key, event, channel, collaborator_id, user_id, address, title, body, data, state, delivered_at, not_before, created_at)
       SELECT $${n + 1} || ':' || r.who || ':' || ch.channel, $${n + 2}, ch.channel, r.cid, r.uid,
              CASE ch.channel WHEN 'email' THEN r.email WHEN 'zalo' THEN r.phone END,
              r.title, r.body, r.data || jsonb_build_object('fullName', r.full_name),
              CASE ch.channel WHEN 'in_app' THEN 'delivered' ELSE 'pending' END,
              CASE ch.channel WHEN 'in_app' THEN $${n + 6}::timestamptz END, $${n + 6}, $${n + 6}
         FROM r CROSS JOIN unnest($${n + 3}::text[]) AS ch(channel)
        WHERE ch.channel = 'in_app'
           OR (ch.channel = 'email' AND $${n + 4} AND r.email IS NOT NULL AND NOT r.demo AND r.want_email)
           OR (ch.channel = 'zalo' AND $${n + 5} AND r.phone IS NOT NULL AND NOT r.demo AND r.want_zalo)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING channel)
       SELECT (count(*) FILTER (WHERE channel = 'in_app'))::int AS people FROM ins`,
      [...spec.params, spec.eventKey, spec.event, channels.filter((c) => c !== 'webhook'), emailOn, zaloOn, now],
    );
    return people;
  }

  /** One webhook call per event instance (not per person) to every active webhook subscribed to it. */
  async insertForWebhooks(m: EntityManager, event: NotificationEventType, eventKey: string, title: string, data: Record<string, unknown>, now: Date): Promise<void> {
    await m.query(
      `INSERT INTO notification (dedupe_key, event, channel, webhook_id, address, title, body, data, not_before, created_at)
       SELECT $1 || ':w:' || w.id::text, $2, 'webhook', w.id, w.url, $3, $3, $4::jsonb, $5, $5
         FROM webhook w WHERE w.active AND $2 = ANY(w.events)
       ON CONFLICT (dedupe_key) DO NOTHING`,
      [eventKey, event, title, JSON.stringify(data), now],
    );
  }
}
