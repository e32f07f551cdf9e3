import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../common/auth/actor.js';
import { Env } from '../common/config/env.schema.js';
import { NotFoundError, StaleVersionError } from '../common/errors/domain.error.js';
import { AuditService } from '../audit/audit.service.js';
import type { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook.dto.js';
import type { DeliveryResult } from './notification.types.js';

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  consecutiveFailures: number;
  disabledAt: string | null;
  disabledReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = `id, url, events, description, active, consecutive_failures AS "consecutiveFailures", disabled_at AS "disabledAt",
  disabled_reason AS "disabledReason", version, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Admin-registered webhook endpoints; disabled automatically after repeated failure, with the reason kept. */
@Injectable()
export class WebhookService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly env: Env,
  ) {}

  list(): Promise<WebhookView[]> {
    return this.dataSource.query(`SELECT ${COLUMNS} FROM webhook ORDER BY created_at, id`);
  }

  async get(id: string): Promise<WebhookView> {
    const [row] = await this.dataSource.query(`SELECT ${COLUMNS} FROM webhook WHERE id = $1`, [id]);
    if (!row) throw new NotFoundError('Webhook', id);
    return row;
  }

  /** The secret is returned here, once; afterwards only its existence is visible. */
  async create(actor: Actor, dto: CreateWebhookDto): Promise<WebhookView & { secret: string }> {
    const secret = `whsec_${randomBytes(24).toString('hex')}`;
    return this.dataSource.transaction(async (m) => {
      const [row] = await m.query(
        `INSERT INTO webhook (url, events, description, secret, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [dto.url, [...new Set(dto.events)], dto.description ?? null, secret, actor.userId],
      );
      await this.audit.record(m, actor, { action: 'webhook.create', entity: 'webhook', entityId: row.id, after: row });
      return { ...row, secret };
    });
  }

  /** Re-activating (active: true) clears the failure count and the reason. */
  async update(actor: Actor, id: string, dto: UpdateWebhookDto): Promise<WebhookView> {
    return this.dataSource.transaction(async (m) => {
      const [before] = await m.query(`SELECT ${COLUMNS} FROM webhook WHERE id = $1 FOR UPDATE`, [id]);
      if (!before) throw new NotFoundError('Webhook', id);
      if (dto.version !== undefined && dto.version !== before.version) throw new StaleVersionError('Webhook', dto.version, before.version);
      const reactivate = dto.active === true && !before.active;
      const [[after]] = await m.query(
        `UPDATE webhook SET url = coalesce($2, url), events = coalesce($3, events), description = coalesce($4, description),
                active = coalesce($5, active),
                consecutive_failures = CASE WHEN $6 THEN 0 ELSE consecutive_failures END,
                disabled_at = CASE WHEN $6 THEN NULL WHEN $5 = false AND active THEN now() ELSE disabled_at END,
                disabled_reason = CASE WHEN $6 THEN NULL WHEN $5 = false AND active THEN 'disabled by an administrator' ELSE disabled_reason END,
                version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, dto.url ?? null, dto.events ? [...new Set(dto.events)] : null, dto.description ?? null, dto.active ?? null, reactivate],
      );
      await this.audit.record(m, actor, { action: 'webhook.update', entity: 'webhook', entityId: id, before, after });
      return after;
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const [before] = await m.query(`SELECT ${COLUMNS} FROM webhook WHERE id = $1 FOR UPDATE`, [id]);
      if (!before) throw new NotFoundError('Webhook', id);
      await m.query(`DELETE FROM webhook WHERE id = $1`, [id]);
      await this.audit.record(m, actor, { action: 'webhook.delete', entity: 'webhook', entityId: id, before });
    });
  }

  /**
   * Called in the delivery's transaction. Success resets the count; each failure increments it,
   * and at WEBHOOK_MAX_FAILURES the webhook is disabled with the reason, its queued messages cancelled.
   */
  async recordOutcome(m: EntityManager, webhookId: string, result: DeliveryResult, at: Date): Promise<void> {
    if (result.state === 'delivered') {
      await m.query(`UPDATE webhook SET consecutive_failures = 0 WHERE id = $1 AND consecutive_failures <> 0`, [webhookId]);
      return;
    }
    const [[hook]] = await m.query(
      `UPDATE webhook SET consecutive_failures = consecutive_failures + 1 WHERE id = $1 AND active RETURNING consecutive_failures`,
      [webhookId],
    );
    if (!hook || hook.consecutive_failures < this.env.WEBHOOK_MAX_FAILURES) return;
    const reason = `disabled after ${hook.consecutive_failures} consecutive failed deliveries; last: ${result.error ?? 'unknown error'}`;
    await m.query(
      `UPDATE webhook SET active = false, disabled_at = $2, disabled_reason = $3, version = version + 1, updated_at = $2 WHERE id = $1`,
      [webhookId, at, reason],
    );
    await m.query(
      `UPDATE notification SET state = 'cancelled', last_error = 'webhook disabled', locked_until = NULL
        WHERE webhook_id = $1 AND state = 'pending'`,
      [webhookId],
    );
  }
}
