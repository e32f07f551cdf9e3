import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/auth/actor.js';
import { scopeOf, SqlParams } from '../common/auth/scope.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { requestRef } from '../common/logging/request-logging.js';
import { ProofImageService } from './proof-image.service.js';
import { TaskNotPendingError } from './proof.errors.js';
import { ProofFileMissingError, ProofStorage } from './storage/proof-storage.js';
import { taskInScope } from '../tasks/task-scope.js';

export interface ProofImageInfo {
  id: string;
  url: string;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
  checksum: string;
  /** Other tasks that were proved with the same picture (a reused screenshot). */
  duplicateCount: number;
  duplicate: boolean;
}

/** A task's completion and review, as its assignee and reviewers see it. */
export interface TaskProofState {
  taskId: string;
  campaignId: string;
  status: string;
  late: boolean;
  completedAt: string | null;
  proofUrl: string | null;
  note: string | null;
  reviewStatus: string;
  /** Why the last review rejected the completion; kept until the next decision. */
  reviewReason: string | null;
  reviewedAt: string | null;
  proofImage: ProofImageInfo | null;
}

export const proofImageUrl = (taskId: string) => `/api/v1/tasks/${taskId}/proof`;

/** SQL: how many other tasks carry the same picture (by stored or original checksum) as `pi`. */
export const DUPLICATE_COUNT_SQL = `(SELECT count(DISTINCT d.task_id)::int FROM proof_image d
   WHERE (d.checksum = pi.checksum OR d.original_checksum = pi.original_checksum) AND d.task_id <> pi.task_id)`;

interface TaskRow {
  id: string;
  campaign_id: string;
  organisation_id: string;
  status: string;
  review_status: string;
  review_required: boolean;
  past_deadline: boolean;
}

/**
 * Screenshot proof of a share: completing a task with an image, reading it back, and the state
 * of a task's proof and review.
 */
@Injectable()
export class ProofService {
  private readonly logger = new Logger(ProofService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly images: ProofImageService,
    private readonly storage: ProofStorage,
    private readonly audit: AuditService,
  ) {}

  /**
   * Completes a pending task with a screenshot: checks and re-encodes the image, stores it, and in
   * one transaction records it and marks the task done (late after the deadline; awaiting review
   * when its campaign requires review), with audit rows. Nothing is left behind when any step fails.
   */
  async completeWithImage(actor: Actor, taskId: string, original: Buffer, note?: string): Promise<TaskProofState> {
    // Cheap refusals first: a task the caller cannot see, or one that is not open.
    const task = await this.findTask(this.dataSource.manager, actor, taskId, false);
    if (task.status !== 'pending') throw new TaskNotPendingError(taskId, task.status);
    const image = await this.images.normalise(original);

    const imageId = randomUUID();
    const key = `proofs/${task.campaign_id}/${taskId}/${imageId}.${image.extension}`;
    await this.storage.put(key, image.bytes, image.contentType);
    try {
      await this.dataSource.transaction(async (manager) => {
        const locked = await this.findTask(manager, actor, taskId, true);
        if (locked.status !== 'pending') throw new TaskNotPendingError(taskId, locked.status);
        await manager.query(
          `INSERT INTO proof_image (id, task_id, campaign_id, storage_key, checksum, original_checksum, width, height, bytes,
                                    content_type, original_content_type, uploaded_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
          [imageId, taskId, locked.campaign_id, key, image.checksum, image.originalChecksum, image.width, image.height,
            image.bytes.length, image.contentType, image.originalContentType, actor.login.startsWith('system:') ? null : actor.userId],
        );
        const reviewStatus = locked.review_required ? 'pending' : 'not_required';
        // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount].
        const [[after]] = await manager.query(
          `UPDATE share_task
              SET status = 'done', completed_at = now(), late = now() > deadline, completed_by_user_id = $2,
                  completed_by_collaborator_id = $3, proof_url = NULL, proof_image_id = $4, note = $5,
                  review_status = $6, updated_at = now(), version = version + 1
            WHERE id = $1
            RETURNING status, late, completed_at, review_status, note`,
          [taskId, actor.login.startsWith('system:') ? null : actor.userId, actor.collaboratorId, imageId, note ?? null, reviewStatus],
        );
        await this.audit.record(manager, actor, {
          action: 'proof_image.create',
          entity: 'proof_image',
          entityId: imageId,
          after: { taskId, storageKey: key, checksum: image.checksum, originalChecksum: image.originalChecksum, width: image.width, height: image.height, bytes: image.bytes.length },
        });
        await this.audit.record(manager, actor, {
          action: 'task.complete',
          entity: 'share_task',
          entityId: taskId,
          before: { status: locked.status, reviewStatus: locked.review_status, proofImageId: null },
          after: { status: after.status, late: after.late, completedAt: after.completed_at, reviewStatus: after.review_status, proofImageId: imageId, note: after.note },
        });
      });
    } catch (error) {
      await this.storage.remove([key]).catch((e: unknown) => this.logger.error(requestRef(actor.requestId), `Could not remove ${key} after a failed completion: ${String(e)}`));
      throw error;
    }
    return this.stateOf(actor, taskId);
  }

  /** The task's proof image as a stream, for callers whose scope covers the task; 404 otherwise. */
  async openProofImage(actor: Actor, taskId: string): Promise<{ stream: Readable; contentType: string; bytes: number; checksum: string }> {
    const params = new SqlParams();
    const [row] = await this.dataSource.query(
      `SELECT pi.storage_key, pi.content_type, pi.bytes, pi.checksum
         FROM share_task t JOIN proof_image pi ON pi.id = t.proof_image_id
        WHERE t.id = ${params.add(taskId)} AND ${taskInScope(scopeOf(actor), params)}`,
      params.values,
    );
    if (!row) throw new NotFoundError('Proof image of task', taskId);
    try {
      return { stream: await this.storage.read(row.storage_key), contentType: row.content_type, bytes: row.bytes, checksum: row.checksum };
    } catch (error) {
      if (error instanceof ProofFileMissingError) {
        this.logger.error(requestRef(actor.requestId), `Proof image of task ${taskId} is recorded but missing from storage (${row.storage_key})`);
        throw new NotFoundError('Proof image of task', taskId);
      }
      throw error;
    }
  }

  /** The completion and review state of one task in the caller's scope. */
  async stateOf(actor: Actor, taskId: string): Promise<TaskProofState> {
    const params = new SqlParams();
    const [row] = await this.dataSource.query(
      `SELECT t.id::text AS id, t.campaign_id, t.status, t.late, t.completed_at, t.proof_url, t.note, t.review_status,
              t.review_reason, t.reviewed_at, pi.id AS image_id, pi.content_type, pi.width, pi.height, pi.bytes, pi.checksum,
              CASE WHEN pi.id IS NULL THEN 0 ELSE ${DUPLICATE_COUNT_SQL} END AS duplicate_count
         FROM share_task t LEFT JOIN proof_image pi ON pi.id = t.proof_image_id
        WHERE t.id = ${params.add(taskId)} AND ${taskInScope(scopeOf(actor), params)}`,
      params.values,
    );
    if (!row) throw new NotFoundError('Task', taskId);
    return {
      taskId: row.id,
      campaignId: row.campaign_id,
      status: row.status,
      late: row.late,
      completedAt: row.completed_at ? new Date(row.completed_at).toISOString() : null,
      proofUrl: row.proof_url,
      note: row.note,
      reviewStatus: row.review_status,
      reviewReason: row.review_reason,
      reviewedAt: row.reviewed_at ? new Date(row.reviewed_at).toISOString() : null,
      proofImage: row.image_id ? toImageInfo(row.id, row) : null,
    };
  }

  private async findTask(manager: EntityManager, actor: Actor, taskId: string, lock: boolean): Promise<TaskRow> {
    const params = new SqlParams();
    const [row] = await manager.query(
      `SELECT t.id::text AS id, t.campaign_id, t.organisation_id, t.status, t.review_status, c.review_required, now() > t.deadline AS past_deadline
         FROM share_task t JOIN campaign c ON c.id = t.campaign_id
        WHERE t.id = ${params.add(taskId)} AND ${taskInScope(scopeOf(actor), params)}
        ${lock ? 'FOR UPDATE OF t' : ''}`,
      params.values,
    );
    if (!row) throw new NotFoundError('Task', taskId);
    return row as TaskRow;
  }
}

export function toImageInfo(
  taskId: string,
  row: { image_id: string; content_type: string; width: number; height: number; bytes: number; checksum: string; duplicate_count: number },
): ProofImageInfo {
  return {
    id: row.image_id,
    url: proofImageUrl(taskId),
    contentType: row.content_type,
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    checksum: row.checksum,
    duplicateCount: Number(row.duplicate_count),
    duplicate: Number(row.duplicate_count) > 0,
  };
}
