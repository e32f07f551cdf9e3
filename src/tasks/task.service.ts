import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/auth/actor.js';
import { organisationInScope, scopeOf, SqlParams } from '../common/auth/scope.js';
import { isUniqueViolation } from '../common/database/sql-write.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../common/errors/domain.error.js';
import type { CompleteTaskDto, ListTasksQuery } from './dto/task.dto.js';
import { checkTaskProof } from './proof.util.js';
import { assignedTo, TASK_ID_PATTERN, taskInScope } from './task-scope.js';
import { ITEM_COLUMNS, type TaskRow, type TaskView, toTaskView } from './task.view.js';
import { NotificationService } from '../notifications/notification.service.js';


interface LoadedTask extends TaskRow {
  review_required: boolean;
  assignee: boolean;
  covers: boolean;
}

export interface CompletionResult {
  task: TaskView;
  /** False when the task was already done and the existing completion is returned. */
  created: boolean;
}

/** Share tasks: inbox, scoped lists, and the state changes pending → done | unable | expired (and back). */
@Injectable()
export class TaskService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly notifications: NotificationService,
  ) {}

  async list(actor: Actor, query: ListTasksQuery): Promise<{ items: TaskView[]; nextCursor: string | null }> {
    const params = new SqlParams();
    const where = [taskInScope(scopeOf(actor), params)];
    if (query.status) where.push(`t.status = ${params.add(query.status)}`);
    if (query.campaignId) where.push(`t.campaign_id = ${params.add(query.campaignId)}`);
    if (query.organisationId) where.push(`t.organisation_id = ${params.add(query.organisationId)}`);
    if (query.cursor) {
      if (!TASK_ID_PATTERN.test(query.cursor)) throw new UnprocessableError('INVALID_CURSOR', 'cursor is not one this API gave');
      where.push(`t.id > ${params.add(query.cursor)}`);
    }
    const limit = query.limit ?? 50;
    const rows: TaskRow[] = await this.dataSource.query(
      `SELECT t.*, c.title AS campaign_title, ch.name AS channel_name, ch.url AS channel_url, ${ITEM_COLUMNS}
         FROM share_task t JOIN content_item i ON i.id = t.item_id JOIN campaign c ON c.id = t.campaign_id
         LEFT JOIN channel ch ON ch.id = t.channel_id
        WHERE ${where.join(' AND ')} ORDER BY t.id LIMIT ${limit + 1}`,
      params.values,
    );
    const page = rows.slice(0, limit);
    return { items: page.map(toTaskView), nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null };
  }

  /** The caller's own tasks (personal, and of every channel it administers): open first, nearest deadline first. */
  async inbox(actor: Actor, query: ListTasksQuery): Promise<{ items: TaskView[]; nextCursor: string | null }> {
    if (!actor.collaboratorId) return { items: [], nextCursor: null };
    const params = new SqlParams();
    const where = [assignedTo(params.add(actor.collaboratorId))];
    if (query.status) where.push(`t.status = ${params.add(query.status)}`);
    if (query.campaignId) where.push(`t.campaign_id = ${params.add(query.campaignId)}`);
    const rank = `(CASE WHEN t.status = 'pending' THEN 0 ELSE 1 END)`;
    if (query.cursor) {
      const [r, at, id] = Buffer.from(query.cursor, 'base64url').toString().split('|');
      if (!r || !at || !id || !TASK_ID_PATTERN.test(id) || Number.isNaN(Date.parse(at))) throw new UnprocessableError('INVALID_CURSOR', 'cursor is not one this API gave');
      where.push(`(${rank}, t.deadline, t.id) > (${params.add(Number(r))}::int, ${params.add(at)}::timestamptz, ${params.add(id)}::bigint)`);
    }
    const limit = query.limit ?? 50;
    const rows: Array<TaskRow & { rank: number }> = await this.dataSource.query(
      `SELECT t.*, ${rank} AS rank, c.title AS campaign_title, ch.name AS channel_name, ch.url AS channel_url, ${ITEM_COLUMNS}
         FROM share_task t JOIN content_item i ON i.id = t.item_id JOIN campaign c ON c.id = t.campaign_id
         LEFT JOIN channel ch ON ch.id = t.channel_id
        WHERE ${where.join(' AND ')} ORDER BY ${rank}, t.deadline, t.id LIMIT ${limit + 1}`,
      params.values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toTaskView),
      nextCursor: rows.length > limit && last ? Buffer.from(`${last.rank}|${new Date(last.deadline).toISOString()}|${last.id}`).toString('base64url') : null,
    };
  }

  /**
   * Loads a task with whether the actor is an assignee and whether its scope covers it (as a
   * secretary/admin acting on someone's behalf). Neither → 404.
   */
  private async loadForActor(m: EntityManager, actor: Actor, id: string, lock: boolean): Promise<LoadedTask> {
    if (!TASK_ID_PATTERN.test(id)) throw new NotFoundError('Task', id);
    const params = new SqlParams();
    const idParam = params.add(id);
    const assignee = actor.collaboratorId ? assignedTo(params.add(actor.collaboratorId)) : 'FALSE';
    const covers = actor.role === 'collaborator' ? 'FALSE' : organisationInScope(scopeOf(actor), 't.organisation_id', params);
    const rows: LoadedTask[] = await m.query(
      `SELECT t.*, c.review_required, ${assignee} AS assignee, ${covers} AS covers, ${ITEM_COLUMNS}
         FROM share_task t JOIN content_item i ON i.id = t.item_id JOIN campaign c ON c.id = t.campaign_id
        WHERE t.id = ${idParam} ${lock ? 'FOR NO KEY UPDATE OF t' : ''}`,
      params.values,
    );
    const row = rows[0];
    if (!row || (!row.assignee && !row.covers)) throw new NotFoundError('Task', id);
    return row;
  }

  /**
   * One transaction: idempotency key, access check, conditional UPDATE (…WHERE status IN
   * (pending, expired)) with the progress counter in the same statement, audit row.
   */
  async complete(actor: Actor, id: string, dto: CompleteTaskDto, idempotencyKey: string | undefined): Promise<CompletionResult> {
    if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 200)) {
      throw new UnprocessableError('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1–200 characters');
    }
    try {
      return await this.dataSource.transaction(async (m) => {
        if (idempotencyKey !== undefined && TASK_ID_PATTERN.test(id)) {
          const claimed: unknown[] = await m.query(
            `INSERT INTO task_idempotency_key (user_id, key, task_id)
             SELECT $1, $2, id FROM share_task WHERE id = $3
             ON CONFLICT DO NOTHING RETURNING task_id`,
            [actor.userId, idempotencyKey, id],
          );
          if (claimed.length === 0) {
            const [seen] = await m.query(`SELECT task_id::text AS task_id FROM task_idempotency_key WHERE user_id = $1 AND key = $2`, [actor.userId, idempotencyKey]);
            if (seen && seen.task_id !== id) {
              throw new UnprocessableError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for another task');
            }
          }
        }
        const task = await this.loadForActor(m, actor, id, false);
        if (task.status === 'done') return { task: toTaskView(task), created: false };
        if (task.status === 'unable') throw new ConflictError('TASK_NOT_OPEN', 'The task was reported as unable; reopen it first', { taskStatus: task.status });
        const proof = checkTaskProof(task.platform, dto.proofUrl);
        if (!proof.ok) throw new UnprocessableError(proof.code, proof.reason, {}, [{ field: 'proofUrl', code: proof.code, message: proof.reason }]);
        const [done]: Array<TaskRow & { old_status: string }> = await m.query(
          `WITH old AS (SELECT id, status FROM share_task WHERE id = $1 AND status IN ('pending', 'expired') FOR NO KEY UPDATE),
           u AS (UPDATE share_task t SET status = 'done', completed_at = now(), late = now() > t.deadline, proof_url = $2, note = $3,
                        completed_by_user_id = $4, completed_by_collaborator_id = $5, unable_reason = NULL,
                        review_status = CASE WHEN $6 THEN 'pending' ELSE 'not_required' END, updated_at = now(), version = t.version + 1
                   FROM old WHERE t.id = old.id AND old.status IN ('pending', 'expired')
                 RETURNING t.*, old.status AS old_status),
           p AS (UPDATE campaign_progress p SET pending = p.pending - (u.old_status = 'pending')::int,
                        expired = p.expired - (u.old_status = 'expired')::int, done = p.done + 1, late = p.late + u.late::int
                   FROM u WHERE p.campaign_id = u.campaign_id AND p.organisation_id = u.organisation_id)
           SELECT u.*, ${ITEM_COLUMNS} FROM u JOIN content_item i ON i.id = u.item_id`,
          [id, proof.url, dto.note ?? null, actor.userId, task.assignee ? actor.collaboratorId : null, task.review_required],
        );
        if (!done) {
          // Lost a race: someone else completed it meanwhile; answer with their completion.
          const now = await this.loadForActor(m, actor, id, false);
          if (now.status === 'done') return { task: toTaskView(now), created: false };
          throw new ConflictError('TASK_NOT_OPEN', `The task is ${now.status}`, { taskStatus: now.status });
        }
        await this.audit.record(m, actor, {
          action: task.assignee ? 'task.complete' : 'task.complete-on-behalf',
          entity: 'share_task',
          entityId: String(id),
          before: { status: done.old_status },
          after: { status: 'done', proofUrl: proof.url, note: dto.note ?? null, late: done.late, onBehalf: !task.assignee },
        });
        return { task: toTaskView(done), created: true };
      });
    } catch (error) {
      if (isUniqueViolation(error, 'share_task_proof_url_key')) {
        throw new UnprocessableError('PROOF_REUSED', 'This link was already given as proof for another task', {}, [
          { field: 'proofUrl', code: 'PROOF_REUSED', message: 'already used as proof for another task' },
        ]);
      }
      throw error;
    }
  }

  async unable(actor: Actor, id: string, reason: string): Promise<TaskView> {
    return this.dataSource.transaction(async (m) => {
      const task = await this.loadForActor(m, actor, id, true);
      if (task.status !== 'pending') throw new ConflictError('TASK_NOT_OPEN', `The task is ${task.status}`, { taskStatus: task.status });
      const [row]: TaskRow[] = await m.query(
        `WITH u AS (UPDATE share_task t SET status = 'unable', unable_reason = $2, completed_by_user_id = $3, completed_by_collaborator_id = $4,
                           updated_at = now(), version = t.version + 1
                     WHERE t.id = $1 AND t.status = 'pending' RETURNING t.*),
              p AS (UPDATE campaign_progress p SET pending = p.pending - 1, unable = p.unable + 1
                      FROM u WHERE p.campaign_id = u.campaign_id AND p.organisation_id = u.organisation_id)
         SELECT u.*, ${ITEM_COLUMNS} FROM u JOIN content_item i ON i.id = u.item_id`,
        [id, reason, actor.userId, task.assignee ? actor.collaboratorId : null],
      );
      await this.audit.record(m, actor, {
        action: 'task.unable',
        entity: 'share_task',
        entityId: id,
        before: { taskStatus: task.status },
        after: { status: 'unable', reason, onBehalf: !task.assignee },
      });
      return toTaskView(row!);
    });
  }

  /** Admin or secretary: back to pending, proof and completion cleared (the audit log keeps them). */
  async reopen(actor: Actor, id: string, reason: string): Promise<TaskView> {
    return this.dataSource.transaction(async (m) => {
      const task = await this.loadForActor(m, actor, id, true);
      if (!task.covers) throw new NotFoundError('Task', id);
      if (task.status === 'pending') throw new ConflictError('TASK_ALREADY_OPEN', 'The task is already pending');
      const [row]: TaskRow[] = await m.query(
        `WITH u AS (UPDATE share_task t SET status = 'pending', completed_at = NULL, late = false, proof_url = NULL, note = NULL,
                           unable_reason = NULL, completed_by_user_id = NULL, completed_by_collaborator_id = NULL,
                           review_status = 'not_required', updated_at = now(), version = t.version + 1
                     WHERE t.id = $1 AND t.status = $2 RETURNING t.*),
              p AS (UPDATE campaign_progress p SET pending = p.pending + 1, done = p.done - ($2 = 'done')::int,
                           unable = p.unable - ($2 = 'unable')::int, expired = p.expired - ($2 = 'expired')::int,
                           late = p.late - ($2 = 'done' AND $3::boolean)::int
                      FROM u WHERE p.campaign_id = u.campaign_id AND p.organisation_id = u.organisation_id)
         SELECT u.*, ${ITEM_COLUMNS} FROM u JOIN content_item i ON i.id = u.item_id`,
        [id, task.status, task.late],
      );
      await this.audit.record(m, actor, {
        action: 'task.reopen',
        entity: 'share_task',
        entityId: id,
        before: { status: task.status, proofUrl: task.proof_url, unableReason: task.unable_reason, late: task.late },
        after: { status: 'pending', reason },
      });
      await this.notifications.enqueueForEvent(m, { type: 'task.reopened', taskId: id, reopenKey: `v${(row as TaskRow & { version: number }).version}`, reason });
      return toTaskView(row!);
    });
  }
}
