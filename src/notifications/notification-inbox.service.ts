import { decodeCursor, encodeCursor } from '../common/pagination/opaque-cursor.js';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/auth/actor.js';
import { Env } from '../common/config/env.schema.js';
import { NotFoundError, ValidationError } from '../common/errors/domain.error.js';
import type { DeliveryPageDto, DeliveryQueryDto, InboxPageDto, InboxQueryDto, PreferencesDto, PreferencesResponseDto } from './dto/notification.dto.js';

const NOTHING = '00000000-0000-0000-0000-000000000000';

/** The in-app inbox, per-person preferences, and the admins' delivery log. */
@Injectable()
export class NotificationInboxService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly env: Env,
  ) {}

  /** Rows addressed to the login, or to the collaborator the login is linked to. */
  private mine(actor: Actor, first: number): { sql: string; params: unknown[] } {
    return {
      sql: `channel = 'in_app' AND (user_id = $${first} OR collaborator_id = $${first + 1})`,
      params: [actor.userId, actor.collaboratorId ?? NOTHING],
    };
  }

  /** Unread first, then newest first; keyset cursor over (read?, created_at, id). */
  async inbox(actor: Actor, q: InboxQueryDto): Promise<InboxPageDto> {
    const limit = q.limit ?? 20;
    const mine = this.mine(actor, 1);
    const params = [...mine.params];
    let where = mine.sql;
    if (q.unreadOnly) where += ' AND read_at IS NULL';
    if (q.cursor) {
      const [r, c, id] = decodeCursor(q.cursor, 3)! as [number, string, string];
      if (![0, 1].includes(r) || Number.isNaN(Date.parse(c)) || !/^[0-9a-f-]{36}$/.test(id)) {
        throw new ValidationError([{ field: 'cursor', code: 'invalidCursor', message: 'cursor is not one this API returned' }]);
      }
      params.push(r, c, id);
      const [pr, pc, pid] = [params.length - 2, params.length - 1, params.length];
      where += ` AND ((read_at IS NOT NULL)::int > $${pr} OR ((read_at IS NOT NULL)::int = $${pr} AND (created_at < $${pc} OR (created_at = $${pc} AND id < $${pid}))))`;
    }
    params.push(limit + 1);
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT id, event, title, body, data, read_at AS "readAt", created_at AS "createdAt",
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "cursorAt"
         FROM notification WHERE ${where}
        ORDER BY (read_at IS NOT NULL), created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM notification WHERE ${mine.sql} AND read_at IS NULL`, mine.params);
    return {
      items: page.map(({ cursorAt: _c, data, ...r }) => ({
        ...(r as Omit<InboxPageDto['items'][number], 'read' | 'data'>),
        data: Object.fromEntries(Object.entries(data as Record<string, unknown>).filter(([k]) => k !== 'fullName')),
        read: r.readAt !== null,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.readAt === null ? 0 : 1, last.cursorAt, last.id]) : null,
      unreadCount: count as number,
    };
  }

  async markRead(actor: Actor, id: string): Promise<void> {
    const mine = this.mine(actor, 2);
    const [rows] = await this.dataSource.query(
      `UPDATE notification SET read_at = coalesce(read_at, now()) WHERE id = $1 AND ${mine.sql} RETURNING id`,
      [id, ...mine.params],
    );
    // Someone else's notification answers like a missing one.
    if ((rows as unknown[]).length === 0) throw new NotFoundError('Notification', id);
  }

  async markAllRead(actor: Actor): Promise<number> {
    const mine = this.mine(actor, 1);
    const [, count] = await this.dataSource.query(`UPDATE notification SET read_at = now() WHERE ${mine.sql} AND read_at IS NULL`, mine.params);
    return count as number;
  }

  async preferences(actor: Actor): Promise<PreferencesResponseDto> {
    const [row] = await this.dataSource.query(
      `SELECT email, zalo, quiet_hours AS "quietHours", report_periods AS "reportPeriods" FROM notification_preference WHERE user_id = $1`,
      [actor.userId],
    );
    const prefs: PreferencesDto = row ?? { email: true, zalo: true, quietHours: null, reportPeriods: [] };
    return { ...prefs, inApp: true, effectiveQuietHours: prefs.quietHours ?? this.env.QUIET_HOURS };
  }

  async updatePreferences(actor: Actor, dto: PreferencesDto): Promise<PreferencesResponseDto> {
    if (dto.reportPeriods.length > 0 && actor.role === 'collaborator') {
      throw new ValidationError([{ field: 'reportPeriods', code: 'notAllowed', message: 'scheduled reports are for secretaries and admins' }]);
    }
    const before = await this.preferences(actor);
    await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO notification_preference (user_id, email, zalo, quiet_hours, report_periods, updated_at)
         VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (user_id) DO UPDATE SET email = $2, zalo = $3, quiet_hours = $4, report_periods = $5, updated_at = now()`,
        [actor.userId, dto.email, dto.zalo, dto.quietHours ?? null, dto.reportPeriods],
      );
      await this.audit.record(m, actor, { action: 'notification_preference.update', entity: 'notification_preference', entityId: actor.userId, before, after: dto });
    });
    return this.preferences(actor);
  }

  /** Every attempt at an external channel, newest first, with the provider's answer. Admins only. */
  async deliveries(q: DeliveryQueryDto): Promise<DeliveryPageDto> {
    const limit = q.limit ?? 50;
    const params: unknown[] = [];
    const add = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where: string[] = ['TRUE'];
    if (q.channel) where.push(`d.channel = ${add(q.channel)}`);
    if (q.state) where.push(`d.state = ${add(q.state)}`);
    if (q.event) where.push(`n.event = ${add(q.event)}`);
    if (q.notificationId) where.push(`d.notification_id = ${add(q.notificationId)}`);
    if (q.webhookId) where.push(`n.webhook_id = ${add(q.webhookId)}`);
    if (q.from) where.push(`d.attempted_at >= ${add(q.from)}`);
    if (q.to) where.push(`d.attempted_at < ${add(q.to)}`);
    if (q.cursor) {
      const [id] = decodeCursor(q.cursor, 1)! as [string];
      if (!/^\d+$/.test(String(id))) throw new ValidationError([{ field: 'cursor', code: 'invalidCursor', message: 'cursor is not one this API returned' }]);
      where.push(`d.id < ${add(id)}`);
    }
    const rows: DeliveryPageDto['items'] = await this.dataSource.query(
      `SELECT d.id::text AS id, d.notification_id AS "notificationId", n.event, d.channel, d.attempt, d.state, d.error,
              d.provider_response AS "providerResponse", d.attempted_at AS "attemptedAt", n.state AS "notificationState",
              n.address, n.collaborator_id AS "collaboratorId", n.user_id AS "userId", n.webhook_id AS "webhookId"
         FROM notification_delivery d JOIN notification n ON n.id = d.notification_id
        WHERE ${where.join(' AND ')}
        ORDER BY d.id DESC LIMIT ${add(limit + 1)}`,
      params,
    );
    const page = rows.slice(0, limit);
    return { items: page, nextCursor: rows.length > limit ? encodeCursor([page.at(-1)!.id]) : null };
  }
}
