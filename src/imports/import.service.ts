import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/auth/actor.js';
import { organisationInScope, type Scope, SqlParams } from '../common/auth/scope.js';
import { NotFoundError } from '../common/errors/domain.error.js';
import { JobName } from '../common/queue/queue.constants.js';
import { OutboxService } from '../outbox/outbox.service.js';
import type { ImportDto } from './dto/import.dto.js';
import type { ImportUpload } from './import-upload.js';
import type { ImportKind, ImportStatus, Rejection } from './import.types.js';

interface ImportRow {
  id: string;
  kind: ImportKind;
  dry_run: boolean;
  status: ImportStatus;
  file_name: string;
  failure_reason: string | null;
  total_rows: number | null;
  applied_count: number | null;
  created_count: number | null;
  updated_count: number | null;
  unchanged_count: number | null;
  rejected_count: number | null;
  applied_rows: number[] | null;
  rejections: Rejection[] | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

@Injectable()
export class ImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Stores the upload in Postgres (any worker can read it) and, in the same transaction, the intent
   * to run it (outbox): accepting an upload needs no Redis, and a job Redis loses is put back by the
   * relay's reconciliation.
   */
  async start(actor: Actor, upload: ImportUpload): Promise<{ id: string }> {
    return this.dataSource.transaction(async (manager) => {
      const [row] = (await manager.query(
        `INSERT INTO import_job (kind, dry_run, file_name, file_format, file_size, file, actor_user_id, actor_login, actor_role, organisation_id, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [
          upload.kind,
          upload.dryRun,
          upload.fileName,
          upload.format,
          upload.file.length,
          upload.file,
          actor.userId,
          actor.login,
          actor.role,
          actor.role === 'admin' ? null : actor.organisationId,
          actor.requestId ?? null,
        ],
      )) as Array<{ id: string }>;
      const id = row!.id;
      await this.outbox.add(manager, [{ kind: JobName.ImportRun, payload: { importId: id } }]);
      return { id };
    });
  }

  /** An import the caller may see: its own scope's (a secretary's subtree), all for admins; else 404. */
  async get(scope: Scope, id: string): Promise<ImportDto> {
    const params = new SqlParams();
    const rows = (await this.dataSource.query(
      `SELECT id, kind, dry_run, status, file_name, failure_reason, total_rows, applied_count, created_count, updated_count, unchanged_count,
              rejected_count, applied_rows, rejections, created_at, started_at, finished_at
         FROM import_job j
        WHERE j.id = ${params.add(id)} AND ${scope.kind === 'all' ? 'TRUE' : `j.organisation_id IS NOT NULL AND ${organisationInScope(scope, 'j.organisation_id', params)}`}`,
      params.values,
    )) as ImportRow[];
    const row = rows[0];
    if (!row) throw new NotFoundError('import', id);
    return {
      id: row.id,
      kind: row.kind,
      dryRun: row.dry_run,
      status: row.status,
      fileName: row.file_name,
      failureReason: row.failure_reason,
      counts:
        row.total_rows === null
          ? null
          : {
              total: row.total_rows,
              applied: row.applied_count ?? 0,
              created: row.created_count ?? 0,
              updated: row.updated_count ?? 0,
              unchanged: row.unchanged_count ?? 0,
              rejected: row.rejected_count ?? 0,
            },
      appliedRows: row.applied_rows ?? [],
      rejections: row.rejections ?? [],
      createdAt: row.created_at.toISOString(),
      startedAt: row.started_at?.toISOString() ?? null,
      finishedAt: row.finished_at?.toISOString() ?? null,
    };
  }
}
