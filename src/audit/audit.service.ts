import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/auth/actor.js';
import type { SqlParams } from '../common/auth/scope.js';

/** Keys that never enter the audit log, whatever entity they come from. */
const SECRET_KEYS = new Set(['password', 'passwordHash', 'newPassword', 'token', 'tokenHash', 'refreshToken', 'accessToken']);
/** Bookkeeping that changes on every write and says nothing about the change. */
const NOISE_KEYS = new Set(['updatedAt', 'version', 'search']);

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  before?: object | null;
  after?: object | null;
}

/**
 * Records who changed what. Call it with the transaction's EntityManager, so the audit row
 * commits (or rolls back) with the change itself.
 */
@Injectable()
export class AuditService {
  async record(manager: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    const { before, after } = diff(clean(entry.before), clean(entry.after));
    await manager.query(
      `INSERT INTO audit_log (actor_user_id, actor_login, actor_role, action, entity, entity_id, before, after, request_id, ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        actor.login.startsWith('system:') ? null : actor.userId,
        actor.login,
        actor.role,
        entry.action,
        entry.entity,
        entry.entityId ?? null,
        before === null ? null : JSON.stringify(before),
        after === null ? null : JSON.stringify(after),
        actor.requestId ?? null,
        actor.ip ?? null,
      ],
    );
  }

  /**
   * The same row as `record`, as an `INSERT … SELECT … FROM from` to put in the statement that
   * makes the change (a CTE over its RETURNING rows), so a hot write path logs without a round trip
   * of its own. `entityId`, `before` and `after` are SQL expressions over `from`; the caller keeps
   * them to what changed, as `record` would.
   */
  insertSelect(actor: Actor, entry: { action: string; entity: string; entityId: string; before: string; after: string }, from: string, params: SqlParams): string {
    return this.insertSelectColumns({
      actorUserId: `${params.add(actor.login.startsWith('system:') ? null : actor.userId)}::uuid`,
      actorLogin: params.add(actor.login),
      actorRole: params.add(actor.role),
      action: params.add(entry.action),
      entity: params.add(entry.entity),
      entityId: entry.entityId,
      before: entry.before,
      after: entry.after,
      requestId: params.add(actor.requestId ?? null),
      ip: params.add(actor.ip ?? null),
    }, from);
  }

  /**
   * `insertSelect` with every column an SQL expression over `from`: for a statement that changes
   * many rows on behalf of many actors at once (a batch), one audit row per row of `from`.
   */
  insertSelectColumns(columns: Record<'actorUserId' | 'actorLogin' | 'actorRole' | 'action' | 'entity' | 'entityId' | 'before' | 'after' | 'requestId' | 'ip', string>, from: string): string {
    const c = columns;
    return `INSERT INTO audit_log (actor_user_id, actor_login, actor_role, action, entity, entity_id, before, after, request_id, ip)
            SELECT ${c.actorUserId}, ${c.actorLogin}, ${c.actorRole}, ${c.action}, ${c.entity}, ${c.entityId}, ${c.before}, ${c.after}, ${c.requestId}, ${c.ip}
              FROM ${from}`;
  }
}

function clean(value: object | null | undefined): Record<string, unknown> | null {
  if (!value) return null;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_KEYS.has(key) || NOISE_KEYS.has(key)) continue;
    out[key] = v instanceof Date ? v.toISOString() : v;
  }
  return out;
}

/** For an update, keeps only the fields that changed, before and after. */
function diff(before: Record<string, unknown> | null, after: Record<string, unknown> | null) {
  if (!before || !after) return { before, after };
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      b[key] = before[key];
      a[key] = after[key];
    }
  }
  return { before: b, after: a };
}
