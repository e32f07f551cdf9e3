import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SqlParams } from '../common/auth/scope.js';
import { decodeCursor, encodeCursor, type Page } from '../common/pagination/opaque-cursor.js';
import type { AuditFilterQuery, ListAuditQuery } from './dto/audit-query.dto.js';

export interface AuditRow {
  id: string;
  at: Date;
  actorUserId: string | null;
  actorLogin: string;
  actorRole: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
  ip: string | null;
}

const COLUMNS = `id::text AS id, at, actor_user_id AS "actorUserId", actor_login AS "actorLogin", actor_role AS "actorRole", action, entity,
  entity_id AS "entityId", before, after, request_id AS "requestId", ip`;
const EXPORT_BATCH = 1_000;

/** Reads the audit log: newest first, keyset-paginated on the identity id (insertion order). */
@Injectable()
export class AuditQueryService {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: ListAuditQuery): Promise<Page<AuditRow>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, 1);
    const rows = await this.page(query, after ? String(after[0]) : null, limit + 1);
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
  }

  /** Every matching row, newest first, fetched in batches so an export never holds the whole log. */
  async *stream(filter: AuditFilterQuery): AsyncGenerator<AuditRow> {
    let before: string | null = null;
    for (;;) {
      const rows = await this.page(filter, before, EXPORT_BATCH);
      yield* rows;
      if (rows.length < EXPORT_BATCH) return;
      before = rows[rows.length - 1]!.id;
    }
  }

  private page(filter: AuditFilterQuery, beforeId: string | null, limit: number): Promise<AuditRow[]> {
    const params = new SqlParams();
    const where: string[] = [];
    if (filter.entity) where.push(`entity = ${params.add(filter.entity)}`);
    if (filter.entityId) where.push(`entity_id = ${params.add(filter.entityId)}`);
    if (filter.actorUserId) where.push(`actor_user_id = ${params.add(filter.actorUserId)}`);
    if (filter.action) where.push(`action = ${params.add(filter.action)}`);
    if (filter.from) where.push(`at >= ${params.add(filter.from)}::timestamptz`);
    if (filter.to) where.push(`at < ${params.add(filter.to)}::timestamptz`);
    if (beforeId) {
      if (!/^\d{1,19}$/.test(beforeId)) return Promise.resolve([]);
      where.push(`id < ${params.add(beforeId)}::bigint`);
    }
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY audit_log.id DESC LIMIT ${params.add(limit)}`,
      params.values,
    );
  }
}
