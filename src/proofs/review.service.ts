import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/auth/actor.js';
import { scopeOf, SqlParams } from '../common/auth/scope.js';
import { NotFoundError, ValidationError } from '../common/errors/domain.error.js';
import { TaskNotAwaitingReviewError } from './proof.errors.js';
import { DUPLICATE_COUNT_SQL, type ProofImageInfo, ProofService, type TaskProofState, toImageInfo } from './proof.service.js';
import { decodeCursor, encodeCursor } from '../common/pagination/opaque-cursor.js';
import { TASK_ID_PATTERN, taskInScope } from '../tasks/task-scope.js';
import { NotificationService } from '../notifications/notification.service.js';

export interface ReviewQueueItem {
  taskId: string;
  campaignId: string;
  campaignTitle: string;
  item: { id: string; url: string; title: string };
  organisationId: string;
  organisationName: string;
  platform: string;
  channel: { id: string; name: string } | null;
  /** The assignee of a personal share; null for a channel task. */
  collaboratorId: string | null;
  completedBy: { collaboratorId: string; fullName: string } | null;
  completedAt: string;
  deadline: string;
  late: boolean;
  proofUrl: string | null;
  note: string | null;
  proofImage: ProofImageInfo | null;
  /** The picture was also used as proof for another task. */
  duplicate: boolean;
}

export interface ReviewQueuePage {
  items: ReviewQueueItem[];
  nextCursor: string | null;
}

export interface BulkApproveResult {
  approved: string[];
  skipped: Array<{ taskId: string; reason: 'NOT_FOUND' | 'TASK_NOT_AWAITING_REVIEW' }>;
}

const AWAITING = `t.status = 'done' AND t.review_status = 'pending'`;

/** Review of completions for campaigns that require it: the queue, approval and rejection. */
@Injectable()
export class ReviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly proofs: ProofService,
    private readonly notifications: NotificationService,
  ) {}

  /** Completions awaiting review in the caller's scope, oldest completion first. */
  async queue(actor: Actor, query: { limit: number; cursor?: string; campaignId?: string; organisationId?: string }): Promise<ReviewQueuePage> {
    const params = new SqlParams();
    const where = [AWAITING, taskInScope(scopeOf(actor), params)];
    if (query.campaignId) where.push(`t.campaign_id = ${params.add(query.campaignId)}`);
    if (query.organisationId) {
      where.push(`t.organisation_id IN (SELECT o.id FROM organisation o WHERE o.ancestors @> ARRAY[${params.add(query.organisationId)}]::uuid[])`);
    }
    if (query.cursor) {
      const [micros, id] = reviewCursor(query.cursor);
      where.push(`(t.completed_at, t.id) > (timestamptz 'epoch' + ${params.add(micros)}::bigint * interval '1 microsecond', ${params.add(id)}::bigint)`);
    }
    const rows: QueueRow[] = await this.dataSource.query(
      `SELECT t.id::text AS id, t.campaign_id, c.title AS campaign_title, t.item_id, i.url AS item_url, i.title AS item_title,
              t.organisation_id, o.name AS organisation_name, t.platform, t.channel_id, ch.name AS channel_name, t.collaborator_id,
              t.completed_by_collaborator_id, cb.full_name AS completed_by_name, t.completed_at, t.deadline, t.late, t.proof_url, t.note,
              (extract(epoch FROM t.completed_at) * 1000000)::bigint::text AS completed_micros,
              pi.id AS image_id, pi.content_type, pi.width, pi.height, pi.bytes, pi.checksum,
              CASE WHEN pi.id IS NULL THEN 0 ELSE ${DUPLICATE_COUNT_SQL} END AS duplicate_count
         FROM share_task t
         JOIN campaign c ON c.id = t.campaign_id
         JOIN content_item i ON i.id = t.item_id
         JOIN organisation o ON o.id = t.organisation_id
         LEFT JOIN channel ch ON ch.id = t.channel_id
         LEFT JOIN collaborator cb ON cb.id = t.completed_by_collaborator_id
         LEFT JOIN proof_image pi ON pi.id = t.proof_image_id
        WHERE ${where.join(' AND ')}
        ORDER BY t.completed_at, t.id
        LIMIT ${params.add(query.limit + 1)}`,
      params.values,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toQueueItem),
      nextCursor: rows.length > query.limit && last ? encodeCursor([last.completed_micros, last.id]) : null,
    };
  }

  async approve(actor: Actor, taskId: string): Promise<TaskProofState> {
    await this.dataSource.transaction(async (manager) => {
      const before = await this.lockAwaiting(manager, actor, taskId);
      await manager.query(
        `UPDATE share_task SET review_status = 'approved', review_reason = NULL, reviewed_at = now(), reviewed_by_user_id = $2,
                updated_at = now(), version = version + 1
          WHERE id = $1`,
        [taskId, reviewerId(actor)],
      );
      await this.audit.record(manager, actor, {
        action: 'task.review.approve',
        entity: 'share_task',
        entityId: taskId,
        before: { reviewStatus: before.review_status, reviewReason: before.review_reason },
        after: { reviewStatus: 'approved', reviewReason: null },
      });
    });
    return this.proofs.stateOf(actor, taskId);
  }

  /** Sends the completion back: the task is pending again, with the reason for its assignee to read. */
  async reject(actor: Actor, taskId: string, reason: string): Promise<TaskProofState> {
    await this.dataSource.transaction(async (manager) => {
      const before = await this.lockAwaiting(manager, actor, taskId);
      await manager.query(
        `UPDATE share_task
            SET status = 'pending', review_status = 'rejected', review_reason = $3, reviewed_at = now(), reviewed_by_user_id = $2,
                completed_at = NULL, late = false, completed_by_user_id = NULL, completed_by_collaborator_id = NULL,
                proof_url = NULL, proof_image_id = NULL, note = NULL, updated_at = now(), version = version + 1
          WHERE id = $1`,
        [taskId, reviewerId(actor), reason],
      );
      // The collaborator is told why, once per rejected completion.
      await this.notifications.enqueueForEvent(manager, { type: 'task.reopened', taskId, reopenKey: `rejected-${new Date(before.completed_at).toISOString()}`, reason });
      await this.audit.record(manager, actor, {
        action: 'task.review.reject',
        entity: 'share_task',
        entityId: taskId,
        before: {
          status: before.status,
          reviewStatus: before.review_status,
          reviewReason: before.review_reason,
          completedAt: before.completed_at,
          proofUrl: before.proof_url,
          proofImageId: before.proof_image_id,
          note: before.note,
        },
        after: { status: 'pending', reviewStatus: 'rejected', reviewReason: reason, completedAt: null, proofUrl: null, proofImageId: null, note: null },
      });
    });
    return this.proofs.stateOf(actor, taskId);
  }

  /** Approves each listed task that is in scope and awaiting review; reports the others and why. */
  async approveMany(actor: Actor, taskIds: string[]): Promise<BulkApproveResult> {
    const ids = [...new Set(taskIds)];
    return this.dataSource.transaction(async (manager) => {
      const params = new SqlParams();
      const visible: Array<{ id: string; awaiting: boolean }> = await manager.query(
        `SELECT t.id::text AS id, (${AWAITING}) AS awaiting
           FROM share_task t
          WHERE t.id = ANY(${params.add(ids)}::bigint[]) AND ${taskInScope(scopeOf(actor), params)}
          ORDER BY t.id
          FOR UPDATE OF t`,
        params.values,
      );
      const approvable = visible.filter((r) => r.awaiting).map((r) => r.id);
      if (approvable.length > 0) {
        await manager.query(
          `UPDATE share_task SET review_status = 'approved', review_reason = NULL, reviewed_at = now(), reviewed_by_user_id = $2,
                  updated_at = now(), version = version + 1
            WHERE id = ANY($1::bigint[])`,
          [approvable, reviewerId(actor)],
        );
        for (const id of approvable) {
          await this.audit.record(manager, actor, {
            action: 'task.review.approve',
            entity: 'share_task',
            entityId: id,
            before: { reviewStatus: 'pending' },
            after: { reviewStatus: 'approved', bulk: true },
          });
        }
      }
      const seen = new Map(visible.map((r) => [r.id, r.awaiting]));
      return {
        approved: approvable,
        skipped: ids
          .filter((id) => !seen.get(id))
          .map((taskId) => ({ taskId, reason: seen.has(taskId) ? ('TASK_NOT_AWAITING_REVIEW' as const) : ('NOT_FOUND' as const) })),
      };
    });
  }

  private async lockAwaiting(manager: EntityManager, actor: Actor, taskId: string) {
    const params = new SqlParams();
    const [row] = await manager.query(
      `SELECT t.id::text AS id, t.campaign_id, t.organisation_id, t.late, t.status, t.review_status, t.review_reason, t.completed_at, t.proof_url, t.proof_image_id, t.note
         FROM share_task t
        WHERE t.id = ${params.add(taskId)} AND ${taskInScope(scopeOf(actor), params)}
        FOR UPDATE OF t`,
      params.values,
    );
    if (!row) throw new NotFoundError('Task', taskId);
    if (row.status !== 'done' || row.review_status !== 'pending') throw new TaskNotAwaitingReviewError(taskId, row.status, row.review_status);
    return row as { campaign_id: string; organisation_id: string; late: boolean; status: string; review_status: string; review_reason: string | null; completed_at: Date; proof_url: string | null; proof_image_id: string | null; note: string | null };
  }
}

const reviewerId = (actor: Actor) => (actor.login.startsWith('system:') ? null : actor.userId);

interface QueueRow {
  id: string;
  campaign_id: string;
  campaign_title: string;
  item_id: string;
  item_url: string;
  item_title: string;
  organisation_id: string;
  organisation_name: string;
  platform: string;
  channel_id: string | null;
  channel_name: string | null;
  collaborator_id: string | null;
  completed_by_collaborator_id: string | null;
  completed_by_name: string | null;
  completed_at: Date;
  deadline: Date;
  late: boolean;
  proof_url: string | null;
  note: string | null;
  completed_micros: string;
  image_id: string | null;
  content_type: string;
  width: number;
  height: number;
  bytes: number;
  checksum: string;
  duplicate_count: number;
}

function toQueueItem(row: QueueRow): ReviewQueueItem {
  const proofImage = row.image_id ? toImageInfo(row.id, { ...row, image_id: row.image_id }) : null;
  return {
    taskId: row.id,
    campaignId: row.campaign_id,
    campaignTitle: row.campaign_title,
    item: { id: row.item_id, url: row.item_url, title: row.item_title },
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    platform: row.platform,
    channel: row.channel_id ? { id: row.channel_id, name: row.channel_name ?? '' } : null,
    collaboratorId: row.collaborator_id,
    completedBy: row.completed_by_collaborator_id ? { collaboratorId: row.completed_by_collaborator_id, fullName: row.completed_by_name ?? '' } : null,
    completedAt: new Date(row.completed_at).toISOString(),
    deadline: new Date(row.deadline).toISOString(),
    late: row.late,
    proofUrl: row.proof_url,
    note: row.note,
    proofImage,
    duplicate: proofImage?.duplicate ?? false,
  };
}

/** The review queue's keyset (completion time in microseconds, task id), both decimal strings. */
function reviewCursor(cursor: string): [string, string] {
  const [micros, id] = decodeCursor(cursor, 2)!;
  if (typeof micros !== 'string' || typeof id !== 'string' || !/^\d{1,20}$/.test(micros) || !TASK_ID_PATTERN.test(id)) {
    throw new ValidationError([{ field: 'cursor', code: 'invalidCursor', message: 'cursor is not one this list returned' }]);
  }
  return [micros, id];
}
