import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/auth/actor.js';
import { scopeOf } from '../common/auth/scope.js';
import { Env } from '../common/config/env.schema.js';
import { batchSlots, MicroBatcher } from '../common/database/micro-batcher.js';
import { PreparedStatement } from '../common/database/prepared-statement.js';
import { PERSONAL_PLATFORM, PLATFORMS } from '../channels/platform.js';
import { proofAcceptance } from './proof.util.js';
import { assignedTo } from './task-scope.js';
import { ITEM_COLUMNS, taskColumns, type TaskRow } from './task.view.js';

const TASK_PLATFORMS = [...PLATFORMS, PERSONAL_PLATFORM] as const;
/** SQLSTATEs after which the batch's requests are retried one by one (each then gets its own answer). */
const RETRY_ONE_BY_ONE = new Set(['23505', '40P01', '40001']);

interface Completion {
  actor: Actor;
  taskId: string;
  url: string;
  platforms: string[];
  note: string | null;
  idempotencyKey: string | null;
}

/**
 * The fast path of `POST /tasks/:id/complete`: the common case — an assignee (or a secretary or
 * admin whose scope covers the task) completing an open task with a proof link of its platform —
 * done in ONE statement that checks access, status, platform and idempotency key in SQL, locks,
 * updates, claims the key and writes the audit row; concurrent completions share that statement
 * (MicroBatcher: one round trip, one commit and one firing of the counter triggers per batch).
 *
 * Answers the completed task, or null when the request is anything but that common case (not
 * found, not covered, already done, unable, wrong platform, key used for another task, lost a
 * race): the caller then runs the step-by-step path, which finds out which and answers precisely.
 * A batch that fails on a unique proof link (or a deadlock) answers null for all its requests, so
 * each is retried alone.
 */
@Injectable()
export class CompletionBatchService {
  private readonly batcher: MicroBatcher<Completion, TaskRow | null>;
  private readonly statement: PreparedStatement<TaskRow & { ord: number }>;

  constructor(
    private readonly dataSource: DataSource,
    audit: AuditService,
    env: Env,
  ) {
    this.batcher = new MicroBatcher((items) => this.run(items), { name: 'task_complete', maxBatch: 128, maxInFlight: batchSlots(env) });
    const auditRows = audit.insertSelectColumns({
      actorUserId: 'u.user_id',
      actorLogin: 'u.login',
      actorRole: 'u.role',
      action: `CASE WHEN u.assignee THEN 'task.complete' ELSE 'task.complete-on-behalf' END`,
      entity: `'share_task'`,
      entityId: 'u.id::text',
      before: `jsonb_build_object('status', u.old_status)`,
      after: `jsonb_build_object('status', 'done', 'proofUrl', u.proof_url, 'note', u.note, 'late', u.late, 'onBehalf', NOT u.assignee)`,
      requestId: 'u.request_id',
      ip: 'u.ip',
    }, 'u');
    this.statement = new PreparedStatement(
      'task_complete_batch',
      `WITH x AS (
           SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[],
                                $10::text[], $11::text[], $12::text[], $13::text[])
                   WITH ORDINALITY AS x(task_id, user_id, collaborator_id, scope, scope_organisation_id, key, url, note, platforms,
                                        login, role, request_id, ip, ord)),
         -- Every condition of the common case; the first request per task in the batch wins. The task
         -- is read by its key for each request (LATERAL … LIMIT 1): a plan that hashes every open task
         -- instead is what stale statistics right after a launch would otherwise pick.
         candidate AS (
           SELECT DISTINCT ON (t.id) x.task_id, x.user_id, x.collaborator_id, x.key, x.url, x.note, x.login, x.role, x.request_id, x.ip, x.ord,
                  t.review_required, t.assignee
             FROM x CROSS JOIN LATERAL (
                    SELECT t.id, c.review_required, t.organisation_id,
                           (x.collaborator_id IS NOT NULL AND ${assignedTo('x.collaborator_id')}) AS assignee
                      FROM share_task t JOIN campaign c ON c.id = t.campaign_id
                     WHERE t.id = x.task_id AND t.status IN ('pending', 'expired') AND t.platform = ANY(string_to_array(x.platforms, ','))
                     LIMIT 1) t
            WHERE (t.assignee
                   OR x.scope = 'all'
                   OR (x.scope = 'subtree' AND t.organisation_id IN (SELECT o.id FROM organisation o WHERE o.ancestors @> ARRAY[x.scope_organisation_id])))
              AND NOT EXISTS (SELECT 1 FROM task_idempotency_key k WHERE k.user_id = x.user_id AND k.key = x.key AND k.task_id <> t.id)
            ORDER BY t.id, x.ord),
         -- The tasks locked in id order (so concurrent batches cannot deadlock), each with its request:
         -- the UPDATE then reads this one row set by key (joining the candidates again, by a scan of
         -- them per task, made the statement grow with the square of the batch).
         d AS (SELECT t.id, t.status AS old_status, c.user_id, c.collaborator_id, c.key, c.url, c.note, c.login, c.role, c.request_id, c.ip, c.ord,
                      c.review_required, c.assignee
                 FROM candidate c JOIN share_task t ON t.id = c.task_id
                WHERE t.status IN ('pending', 'expired')
                ORDER BY t.id FOR NO KEY UPDATE OF t),
         u AS (UPDATE share_task t SET status = 'done', completed_at = now(), late = now() > t.deadline, proof_url = d.url, note = d.note,
                      completed_by_user_id = d.user_id, completed_by_collaborator_id = CASE WHEN d.assignee THEN d.collaborator_id END,
                      unable_reason = NULL, review_status = CASE WHEN d.review_required THEN 'pending' ELSE 'not_required' END,
                      updated_at = now(), version = t.version + 1
                 FROM d
                WHERE t.id = d.id
               RETURNING ${taskColumns('t')}, d.old_status, d.ord, d.assignee, d.user_id, d.login, d.role, d.request_id, d.ip, d.key),
         claim AS (INSERT INTO task_idempotency_key (user_id, key, task_id)
                   SELECT u.user_id, u.key, u.id FROM u WHERE u.key IS NOT NULL ON CONFLICT DO NOTHING),
         a AS (${auditRows})
         SELECT ${taskColumns('u')}, u.ord, ${ITEM_COLUMNS} FROM u JOIN content_item i ON i.id = u.item_id`,
    );
  }

  /** Null when the fast path does not apply (see the class comment); the task row when completed. */
  complete(actor: Actor, taskId: string, proofUrl: string, note: string | null, idempotencyKey: string | null): Promise<TaskRow | null> {
    const accepted = proofAcceptance(proofUrl, TASK_PLATFORMS);
    if (!accepted) return Promise.resolve(null);
    return this.batcher.submit({ actor, taskId, url: accepted.url, platforms: accepted.platforms, note, idempotencyKey });
  }

  private async run(items: Completion[]): Promise<Array<TaskRow | null>> {
    const scopes = items.map((c) => scopeOf(c.actor));
    const values = [
      items.map((c) => c.taskId),
      items.map((c) => c.actor.userId),
      // The actor as an assignee (its collaborator), and the scope it covers on others' behalf.
      items.map((c) => c.actor.collaboratorId),
      scopes.map((s) => s.kind),
      scopes.map((s) => (s.kind === 'subtree' ? s.organisationId : null)),
      items.map((c) => c.idempotencyKey),
      items.map((c) => c.url),
      items.map((c) => c.note),
      items.map((c) => c.platforms.join(',')),
      items.map((c) => c.actor.login),
      items.map((c) => c.actor.role),
      items.map((c) => c.actor.requestId ?? null),
      items.map((c) => c.actor.ip ?? null),
    ];
    try {
      const rows = await this.statement.run(this.dataSource, values);
      const out = new Array<TaskRow | null>(items.length).fill(null);
      for (const row of rows) out[Number(row.ord) - 1] = row;
      return out;
    } catch (error) {
      if (RETRY_ONE_BY_ONE.has((error as { code?: string }).code ?? '')) return items.map(() => null);
      throw error;
    }
  }
}
