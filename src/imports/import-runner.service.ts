import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DataSource, type QueryRunner } from 'typeorm';
import type { Role } from '../common/auth/actor.js';
import { type Scope, scopeOf } from '../common/auth/scope.js';
import { OnJob, OnJobGivenUp } from '../common/queue/on-job.decorator.js';
import { JobName, type JobPayloads } from '../common/queue/queue.constants.js';
import { OutboxService } from '../outbox/outbox.service.js';
import {
  type AuditActor,
  setChannelAdmins,
  updateOrganisationPaths,
  upsertChannels,
  upsertCollaborators,
  upsertOrganisations,
  type UpsertResult,
} from './directory-bulk.repository.js';
import { COLUMNS, mapHeaders } from './import-columns.js';
import { type ChannelReady, resolveChannels, resolveCollaborators, resolveOrganisations, type Resolved } from './import-resolution.js';
import { type ImportFormat, ImportFileError, type ImportKind, type Rejection } from './import.types.js';
import { type ChannelImportRow, type CollaboratorImportRow, type ImportRow, type OrganisationImportRow, validateRow } from './row-validation.js';
import { readSpreadsheet } from './spreadsheet.reader.js';

/** Rows per upsert statement: 9 array parameters each, far from Postgres's 65,535 bound. */
const CHUNK = 2_000;

interface ClaimedImport {
  id: string;
  kind: ImportKind;
  dry_run: boolean;
  file_format: ImportFormat;
  file: Buffer;
  actor_user_id: string;
  actor_login: string;
  actor_role: Role;
  organisation_id: string | null;
  request_id: string | null;
}

export interface ImportOutcome {
  total: number;
  applied: number[];
  created: number;
  updated: number;
  unchanged: number;
  rejections: Rejection[];
}

/** A row counted as applied, with whether it created its entity. */
type Applied = Map<number, boolean>;

/**
 * The `imports.run` job: parses the stored file, validates every row, upserts the valid ones
 * in one transaction (rolled back for a dry run) and stores the outcome on the import row.
 */
@Injectable()
export class ImportRunnerService {
  private readonly logger = new Logger(ImportRunnerService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  @OnJob(JobName.ImportRun)
  async handle(payload: JobPayloads[JobName.ImportRun], job: Job): Promise<{ status: string }> {
    const outcome = await this.run(payload, job);
    // Finished one way or the other (done, failed for good, or already finished): reconciliation
    // leaves the intent alone. A retryable failure throws above and keeps it open.
    if (payload.outboxId) await this.outbox.markCompleted(payload.outboxId);
    return outcome;
  }

  private async run(payload: JobPayloads[JobName.ImportRun], job: Job): Promise<{ status: string }> {
    const claimed = await this.claim(payload.importId);
    if (!claimed) return { status: 'skipped' }; // gone, or already finished by an earlier attempt
    try {
      const outcome = await this.process(claimed);
      await this.dataSource.query(
        `UPDATE import_job SET status = 'done', finished_at = now(), total_rows = $2, applied_count = $3, created_count = $4, updated_count = $5,
                unchanged_count = $6, rejected_count = $7, applied_rows = $8, rejections = $9, failure_reason = NULL
          WHERE id = $1`,
        [
          claimed.id,
          outcome.total,
          outcome.applied.length,
          outcome.created,
          outcome.updated,
          outcome.unchanged,
          new Set(outcome.rejections.map((r) => r.row)).size,
          outcome.applied,
          JSON.stringify(outcome.rejections),
        ],
      );
      return { status: 'done' };
    } catch (error) {
      if (error instanceof ImportFileError) {
        await this.fail(claimed.id, error.message);
        return { status: 'failed' };
      }
      const attempts = job.opts.attempts ?? 1;
      const last = job.attemptsMade + 1 >= attempts;
      if (last) await this.fail(claimed.id, `the import could not be completed; quote import ${claimed.id} when reporting it`);
      this.logger.error({ err: error, importId: claimed.id }, 'Import failed');
      if (last && payload.outboxId) await this.outbox.markCompleted(payload.outboxId);
      throw error;
    }
  }

  /**
   * The import stalled more often than allowed (the worker died or froze while running it each
   * time): BullMQ gave it up without calling handle, so it is failed here instead of staying
   * `running`, and the intent is closed like any final failure.
   */
  @OnJobGivenUp(JobName.ImportRun)
  async runGivenUp(payload: JobPayloads[JobName.ImportRun], reason: string): Promise<void> {
    await this.fail(payload.importId, `the worker running this import stopped before finishing it, more than once (${reason}); quote import ${payload.importId} when reporting it`);
    if (payload.outboxId) await this.outbox.markCompleted(payload.outboxId);
  }

  /** Runs an import end to end without the queue (the job handler and benchmarks). */
  async process(job: Pick<ClaimedImport, 'kind' | 'dry_run' | 'file_format' | 'file' | 'actor_user_id' | 'actor_login' | 'actor_role' | 'organisation_id' | 'id'>): Promise<ImportOutcome> {
    const sheet = await readSpreadsheet(job.file, job.file_format);
    const mapping = mapHeaders(job.kind, sheet.headers);
    if (mapping.missing.length > 0) {
      const names = mapping.missing.map((c) => `"${c.label}" (${c.field})`).join(', ');
      throw new ImportFileError(`missing required column(s): ${names}; the ${job.kind} template lists the expected headers`);
    }
    const column = (field: string) => mapping.header.get(field) ?? COLUMNS[job.kind].find((c) => c.field === field)?.label ?? field;

    const rejections: Rejection[] = [];
    const valid: ImportRow[] = [];
    const firstRowOfCode = new Map<string, number>();
    let total = 0;
    for (const sheetRow of sheet.rows) {
      const outcome = validateRow(job.kind, sheetRow, mapping);
      if (outcome.ok === 'skip') continue;
      total++;
      if (outcome.ok === false) {
        rejections.push(...outcome.problems);
        continue;
      }
      const earlier = firstRowOfCode.get(outcome.value.code);
      if (earlier !== undefined) {
        rejections.push({ row: sheetRow.row, column: column('code'), value: outcome.value.code, reason: `the same code is on row ${earlier}` });
        continue;
      }
      firstRowOfCode.set(outcome.value.code, sheetRow.row);
      valid.push(outcome.value);
    }

    const scope: Scope = scopeOf({
      userId: job.actor_user_id,
      login: job.actor_login,
      role: job.actor_role,
      organisationId: job.organisation_id,
      collaboratorId: null,
    });
    const actor: AuditActor = { userId: job.actor_user_id, login: job.actor_login, role: job.actor_role, requestId: `import:${job.id}` };
    const applied: Applied = new Map();

    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      // These statements are cheap per row but carry big cost estimates (thousands of array
      // elements); JIT compiling them costs seconds and saves nothing.
      await runner.query('SET LOCAL jit = off');
      if (job.kind === 'collaborators') {
        const resolved = await resolveCollaborators(runner, scope, valid as CollaboratorImportRow[], column);
        rejections.push(...resolved.rejections);
        await this.inChunks(runner, resolved, rejections, applied, (rows) => upsertCollaborators(runner, rows, { actor }));
      } else if (job.kind === 'channels') {
        const resolved = await resolveChannels(runner, scope, valid as ChannelImportRow[], column);
        rejections.push(...resolved.rejections);
        await this.applyChannels(runner, resolved, rejections, applied, actor);
      } else {
        const resolved = await resolveOrganisations(runner, scope, valid as OrganisationImportRow[], column);
        rejections.push(...resolved.rejections);
        await this.inChunks(runner, resolved, rejections, applied, (rows) => upsertOrganisations(runner, rows, { actor }));
        await updateOrganisationPaths(runner, resolved.pathUpdates);
      }
      // A dry run does all the work, then throws it away: what it reports is exactly what a real run would do.
      if (job.dry_run) await runner.rollbackTransaction();
      else await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }

    rejections.sort((a, b) => a.row - b.row);
    const rejectedRows = new Set(rejections.map((r) => r.row));
    const created = [...applied.values()].filter(Boolean).length;
    return {
      total,
      applied: [...applied.keys()].sort((a, b) => a - b),
      created,
      updated: applied.size - created,
      unchanged: total - applied.size - rejectedRows.size,
      rejections,
    };
  }

  /**
   * Upserts ready rows chunk by chunk, each under a savepoint. A chunk the database refuses is
   * retried row by row, so one bad row costs only itself.
   */
  private async inChunks<T extends { code: string }>(
    runner: QueryRunner,
    resolved: Resolved<T>,
    rejections: Rejection[],
    applied: Applied,
    upsert: (rows: T[]) => Promise<UpsertResult>,
  ): Promise<void> {
    const rowOf = new Map(resolved.ready.map((r) => [r.upsert.code, r.row]));
    const record = (result: UpsertResult) => {
      for (const c of result.changed) applied.set(rowOf.get(c.code)!, c.inserted);
    };
    for (let i = 0; i < resolved.ready.length; i += CHUNK) {
      const chunk = resolved.ready.slice(i, i + CHUNK);
      const ok = await this.attempt(runner, () => upsert(chunk.map((r) => r.upsert)).then(record));
      if (ok === true) continue;
      for (const one of chunk) {
        const single = await this.attempt(runner, () => upsert([one.upsert]).then(record));
        if (single !== true) rejections.push({ row: one.row, column: 'code', value: one.upsert.code, reason: `could not be saved: ${single}` });
      }
    }
  }

  private async applyChannels(runner: QueryRunner, resolved: Resolved<ChannelReady>, rejections: Rejection[], applied: Applied, actor: AuditActor): Promise<void> {
    const channels: Resolved<ChannelReady['channel']> = { ready: resolved.ready.map((r) => ({ row: r.row, upsert: r.upsert.channel })), rejections: [] };
    await this.inChunks(runner, channels, rejections, applied, (rows) => upsertChannels(runner, rows, { actor }));
    const failed = new Set(rejections.map((r) => r.row));
    const withAdmins = resolved.ready.filter((r) => r.upsert.adminIds !== null && !failed.has(r.row));
    if (withAdmins.length === 0) return;
    const ids = (await runner.query(`SELECT id, code FROM channel WHERE code = ANY($1::text[])`, [withAdmins.map((r) => r.upsert.channel.code)])) as Array<{
      id: string;
      code: string;
    }>;
    const idOf = new Map(ids.map((c) => [c.code, c.id]));
    const rowOfId = new Map(withAdmins.map((r) => [idOf.get(r.upsert.channel.code)!, r.row]));
    const changed = await setChannelAdmins(
      runner,
      withAdmins.map((r) => ({ channelId: idOf.get(r.upsert.channel.code)!, collaboratorIds: r.upsert.adminIds! })),
      { actor },
    );
    for (const id of changed) {
      const row = rowOfId.get(id)!;
      if (!applied.has(row)) applied.set(row, false);
    }
  }

  private async attempt(runner: QueryRunner, work: () => Promise<void>): Promise<true | string> {
    await runner.query('SAVEPOINT import_chunk');
    try {
      await work();
      await runner.query('RELEASE SAVEPOINT import_chunk');
      return true;
    } catch (error) {
      await runner.query('ROLLBACK TO SAVEPOINT import_chunk');
      const pg = error as { driverError?: { detail?: string; message?: string }; message?: string };
      return pg.driverError?.detail ?? pg.driverError?.message ?? pg.message ?? 'database error';
    }
  }

  private async claim(importId: string): Promise<ClaimedImport | null> {
    const rows = (await this.dataSource.query(
      `UPDATE import_job SET status = 'running', started_at = coalesce(started_at, now())
        WHERE id = $1 AND status IN ('queued', 'running')
        RETURNING id, kind, dry_run, file_format, file, actor_user_id, actor_login, actor_role, organisation_id, request_id`,
      [importId],
    )) as [ClaimedImport[], number] | ClaimedImport[];
    const list = Array.isArray(rows[0]) ? (rows[0] as ClaimedImport[]) : (rows as ClaimedImport[]);
    return list[0] ?? null;
  }

  private async fail(id: string, reason: string): Promise<void> {
    // Only an unfinished import: a late given-up notice must not overwrite one that finished.
    await this.dataSource.query(`UPDATE import_job SET status = 'failed', finished_at = now(), failure_reason = $2 WHERE id = $1 AND status IN ('queued', 'running')`, [
      id,
      reason,
    ]);
  }
}
