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
import { ITEM_COLUMNS, taskColumns, type TaskRow, type TaskView, toTaskView } from './task.view.js';
import { NotificationService } from '../notifications/notification.service.js';
import { CompletionBatchService } from './completion-batch.service.js';

/** The TaskRow columns of `share_task t`, built once. */
const TASK_COLUMNS = taskColumns('t');

interface LoadedTask extends TaskRow {
  review_required: boolean;
  assignee: boolean;
  covers: boolean;
  /** The task an Idempotency-Key given with the request was already used for, if any. */
  key_task_id: string | null;
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
    private readonly batched: CompletionBatchService,
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
      `SELECT ${TASK_COLUMNS}, c.title AS campaign_title, ch.name AS channel_name, ch.url AS channel_url, ${ITEM_COLUMNS}
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
      `SELECT ${TASK_COLUMNS}, ${rank} AS rank, c.title AS campaign_title, ch.name AS channel_name, ch.url AS channel_url, ${ITEM_COLUMNS}
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
  private async loadForActor(m: EntityManager, actor: Actor, id: string, lock: boolean, idempotencyKey?: string): Promise<LoadedTask> {
    if (!TASK_ID_PATTERN.test(id)) throw new NotFoundError('Task', id);
    const params = new SqlParams();
    const idParam = params.add(id);
    const keyTask = idempotencyKey === undefined ? 'NULL'
      : `(SELECT k.task_id::text FROM task_idempotency_key k WHERE k.user_id = ${params.add(actor.userId)} AND k.key = ${params.add(idempotencyKey)})`;
    const assignee = actor.collaboratorId ? assignedTo(params.add(actor.collaboratorId)) : 'FALSE';
    const covers = actor.role === 'collaborator' ? 'FALSE' : organisationInScope(scopeOf(actor), 't.organisation_id', params);
    const rows: LoadedTask[] = await m.query(
      `SELECT t.*, c.review_required, ${assignee} AS assignee, ${covers} AS covers, ${keyTask} AS key_task_id, ${ITEM_COLUMNS}
         FROM share_task t JOIN content_item i ON i.id = t.item_id JOIN campaign c ON c.id = t.campaign_id
        WHERE t.id = ${idParam} ${lock ? 'FOR NO KEY UPDATE OF t' : ''}`,
      params.values,
    );
    const row = rows[0];
    if (!row || (!row.assignee && !row.covers)) throw new NotFoundError('Task', id);
    return row;
  }

  /**
   * The common case (an open task, a covering actor, a proof link of its platform) is one statement
   * shared with concurrent completions (CompletionBatchService). Anything else — or a batch that
   * could not apply — takes the step-by-step path below, which answers precisely why not.
   */
  async complete(actor: Actor, id: string, dto: CompleteTaskDto, idempotencyKey: string | undefined): Promise<CompletionResult> {
    if (idempotencyKey !== undefined && (idempotencyKey.length < 1 || idempotencyKey.length > 200)) {
      throw new UnprocessableError('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1–200 characters');
    }
    if (!TASK_ID_PATTERN.test(id)) throw new NotFoundError('Task', id);
    const done = await this.batched.complete(actor, id, dto.proofUrl, dto.note ?? null, idempotencyKey ?? null);
    if (done) return { task: toTaskView(done), created: true };
    return this.completeStepByStep(actor, id, dto, idempotencyKey);
  }

  /**
   * Two round trips and no explicit transaction: the task is read (access, status, proof check in
   * code), then one statement claims the idempotency key, makes the conditional UPDATE (…WHERE
   * status IN (pending, expired)) and writes the audit row; the share_task triggers add it to the
   * counters in that statement, so counter rows stay locked only until its own commit.
   */
  private async completeStepByStep(actor: Actor, id: string, dto: CompleteTaskDto, idempotencyKey: string | undefined): Promise<CompletionResult> {
    const m = this.dataSource.manager;
    const task = await this.loadForActor(m, actor, id, false, idempotencyKey);
    if (task.key_task_id !== null && task.key_task_id !== String(task.id)) {
      throw new UnprocessableError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for another task');
    }
    if (task.status === 'done') return { task: toTaskView(task), created: false };
    if (task.status === 'unable') throw new ConflictError('TASK_NOT_OPEN', 'The task was reported as unable; reopen it first', { taskStatus: task.status });
    const proof = checkTaskProof(task.platform, dto.proofUrl);
    if (!proof.ok) throw new UnprocessableError(proof.code, proof.reason, {}, [{ field: 'proofUrl', code: proof.code, message: proof.reason }]);

    const params = new SqlParams();
    const idParam = params.add(id);
    const urlParam = params.add(proof.url);
    const noteParam = params.add(dto.note ?? null);
    const onBehalf = !task.assignee;
    const audit = this.audit.insertSelect(actor, {
      action: onBehalf ? 'task.complete-on-behalf' : 'task.complete',
      entity: 'share_task',
      entityId: 'u.id::text',
      before: `jsonb_build_object('status', u.old_status)`,
      after: `jsonb_build_object('status', 'done', 'proofUrl', ${urlParam}::text, 'note', ${noteParam}::text, 'late', u.late, 'onBehalf', ${params.add(onBehalf)}::boolean)`,
    }, 'u', params);
    const claim = idempotencyKey === undefined ? '' : `claim AS (
         INSERT INTO task_idempotency_key (user_id, key, task_id) VALUES (${params.add(actor.userId)}, ${params.add(idempotencyKey)}, ${idParam})
         ON CONFLICT DO NOTHING),`;
    let done: (TaskRow & { old_status: string }) | undefined;
    try {
      [done] = await m.query(
        `WITH ${claim}
         old AS (SELECT id, status FROM share_task WHERE id = ${idParam} AND status IN ('pending', 'expired') FOR NO KEY UPDATE),
         u AS (UPDATE share_task t SET status = 'done', completed_at = now(), late = now() > t.deadline, proof_url = ${urlParam}, note = ${noteParam},
                      completed_by_user_id = ${params.add(actor.userId)}, completed_by_collaborator_id = ${params.add(onBehalf ? null : actor.collaboratorId)},
                      unable_reason = NULL, review_status = CASE WHEN ${params.add(task.review_required)}::boolean THEN 'pending' ELSE 'not_required' END,
                      updated_at = now(), version = t.version + 1
                 FROM old WHERE t.id = old.id
               RETURNING t.*, old.status AS old_status),
         a AS (${audit})
         SELECT u.*, ${ITEM_COLUMNS} FROM u JOIN content_item i ON i.id = u.item_id`,
        params.values,
      );
    } catch (error) {
      if (isUniqueViolation(error, 'share_task_proof_url_key')) {
        throw new UnprocessableError('PROOF_REUSED', 'This link was already given as proof for another task', {}, [
          { field: 'proofUrl', code: 'PROOF_REUSED', message: 'already used as proof for another task' },
        ]);
      }
      throw error;
    }
    if (done) return { task: toTaskView(done), created: true };
    // Lost a race: someone else completed (or closed) it meanwhile; answer with their completion.
    const now = await this.loadForActor(m, actor, id, false);
    if (now.status === 'done') return { task: toTaskView(now), created: false };
    throw new ConflictError('TASK_NOT_OPEN', `The task is ${now.status}`, { taskStatus: now.status });
  }

  async unable(actor: Actor, id: string, reason: string): Promise<TaskView> {
    return this.dataSource.transaction(async (m) => {
      const task = await this.loadForActor(m, actor, id, true);
      if (task.status !== 'pending') throw new ConflictError('TASK_NOT_OPEN', `The task is ${task.status}`, { taskStatus: task.status });
      const [row]: TaskRow[] = await m.query(
        `WITH u AS (UPDATE share_task t SET status = 'unable', unable_reason = $2, completed_by_user_id = $3, completed_by_collaborator_id = $4,
                           updated_at = now(), version = t.version + 1
                     WHERE t.id = $1 AND t.status = 'pending' RETURNING t.*)
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
                     WHERE t.id = $1 AND t.status = $2 RETURNING t.*)
         SELECT u.*, ${ITEM_COLUMNS} FROM u JOIN content_item i ON i.id = u.item_id`,
        [id, task.status],
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
