import { InjectQueue } from '@nestjs/bullmq';
import { HttpStatus, Injectable, Logger, type OnApplicationBootstrap, Inject } from '@nestjs/common';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/auth/actor.js';
import { type Scope, scopeOf } from '../common/auth/scope.js';
import { Env } from '../common/config/env.schema.js';
import { PROCESS_ROLE, type ProcessRole } from '../common/core.module.js';
import { DomainError, NotFoundError } from '../common/errors/domain.error.js';
import { OnJob, OnJobGivenUp } from '../common/queue/on-job.decorator.js';
import { JobName, type JobPayloads, QueueName } from '../common/queue/queue.constants.js';
import { AuditService } from '../audit/audit.service.js';
import { OutboxService } from '../outbox/outbox.service.js';
import type { CreateExportDto, ExportFiltersDto, ExportFormat, ExportReport } from './dto/create-export.dto.js';
import { type ExportDocument, sheet, writeCsv, writePdf, writeXlsx } from './export-renderers.js';
import { type CollaboratorReportRow, ReportService, collaboratorRow } from './report.service.js';
import { streamRows } from '../common/database/stream-rows.js';
import { RowSpool } from './row-spool.js';

export interface ExportStatus {
  id: string;
  report: string;
  format: string;
  status: 'queued' | 'running' | 'ready' | 'failed' | 'expired';
  fileName: string | null;
  byteSize: number | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

/** Inactive people spooled for the second sheet of a per-collaborator .xlsx before it reads the database again instead. */
const SPOOL_LIMIT = 50_000;

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);

/**
 * Report exports: requested over HTTP, built by the worker (queue `reports`), kept under
 * STORAGE_DIR/exports for EXPORT_RETENTION_HOURS, then removed by a periodic job. Only the
 * requester sees or downloads an export (anyone else: 404). The report is built with the
 * requester's scope as it is when the job runs.
 */
@Injectable()
export class ReportExportService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReportExportService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly reports: ReportService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly env: Env,
    @InjectQueue(QueueName.Reports) private readonly queue: Queue,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.role !== 'worker') return;
    await this.queue
      .upsertJobScheduler('report-export-cleanup', { every: 15 * 60_000 }, { name: JobName.ReportExportCleanup, data: { requestedAt: 'scheduled' } })
      .catch((error: unknown) => this.logger.warn(`Could not schedule export clean-up yet: ${String(error)}`));
  }

  private get directory(): string {
    return resolve(this.env.STORAGE_DIR, 'exports');
  }

  async request(actor: Actor, input: CreateExportDto): Promise<{ id: string; status: string }> {
    if (input.format === 'pdf' && input.report !== 'organisations') {
      throw new DomainError('EXPORT_FORMAT_UNSUPPORTED', HttpStatus.UNPROCESSABLE_ENTITY, 'The PDF summary exists for the organisations report only', { report: input.report, format: input.format });
    }
    // Validate the filters now (period, ids in scope) so a bad request fails here, not in the worker.
    await this.build(scopeOf(actor), input.report, input.filters ?? {}, true);
    const id = await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query(
        `INSERT INTO report_export (requested_by, report, format, filters) VALUES ($1, $2, $3, $4) RETURNING id`,
        [actor.userId, input.report, input.format, JSON.stringify(input.filters ?? {})],
      );
      await this.audit.record(manager, actor, { action: 'report.export.request', entity: 'report_export', entityId: row.id, before: null, after: { report: input.report, format: input.format, filters: input.filters ?? {} } });
      // Through the outbox, in the same transaction: the request needs no Redis, and a job lost
      // with Redis (flush, restart) is put back by the relay's reconciliation.
      await this.outbox.add(manager, [{ kind: JobName.ReportExportBuild, payload: { exportId: String(row.id) } }]);
      return String(row.id);
    });
    return { id, status: 'queued' };
  }

  async status(actor: Actor, id: string): Promise<ExportStatus> {
    const [row] = await this.dataSource.query(`SELECT * FROM report_export WHERE id = $1 AND requested_by = $2`, [id, actor.userId]);
    if (!row) throw new NotFoundError('Export', id);
    return {
      id: row.id,
      report: row.report,
      format: row.format,
      status: row.status,
      fileName: row.file_name,
      byteSize: row.byte_size === null ? null : Number(row.byte_size),
      error: row.error,
      createdAt: new Date(row.created_at).toISOString(),
      finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
      expiresAt: row.expires_at ? new Date(row.expires_at).toISOString() : null,
    };
  }

  async file(actor: Actor, id: string): Promise<{ path: string; fileName: string; contentType: string }> {
    const [row] = await this.dataSource.query(`SELECT * FROM report_export WHERE id = $1 AND requested_by = $2`, [id, actor.userId]);
    if (!row) throw new NotFoundError('Export', id);
    if (row.status !== 'ready') {
      throw new DomainError('EXPORT_NOT_READY', HttpStatus.CONFLICT, `Export ${id} is ${row.status}`, { exportStatus: row.status });
    }
    return { path: row.storage_path, fileName: row.file_name, contentType: CONTENT_TYPES[row.format as ExportFormat] };
  }

  /**
   * Builds one export. A failure that cannot succeed on a retry (the request no longer valid for the
   * requester: scope, filters; the account disabled) fails the export at once; any other failure
   * (disk, database, a bug) is retried by BullMQ with exponential backoff (EXPORT_ATTEMPTS,
   * EXPORT_RETRY_DELAY_MS, set by the outbox relay), the export staying `queued` meanwhile. The last
   * failure marks it `failed` with a reason the requester sees in GET …/exports/:id.
   */
  @OnJob(JobName.ReportExportBuild)
  async buildJob(payload: JobPayloads[JobName.ReportExportBuild], job?: Pick<Job, 'attemptsMade' | 'opts'>): Promise<{ status: string }> {
    // UPDATE … RETURNING answers [rows, affected].
    const [claimed] = await this.dataSource.query(
      `UPDATE report_export SET status = 'running' WHERE id = $1 AND status IN ('queued','running') RETURNING *`,
      [payload.exportId],
    );
    const row = claimed[0];
    if (!row) {
      if (payload.outboxId) await this.outbox.markCompleted(payload.outboxId);
      return { status: 'gone' };
    }
    const [user] = await this.dataSource.query(`SELECT id, login, role, organisation_id, collaborator_id, disabled_at FROM app_user WHERE id = $1`, [row.requested_by]);
    try {
      if (!user || user.disabled_at) throw new UnrecoverableError('the requesting account is disabled or gone');
      const actor: Actor = { userId: user.id, login: user.login, role: user.role, organisationId: user.organisation_id, collaboratorId: user.collaborator_id };
      await mkdir(this.directory, { recursive: true });
      const path = join(this.directory, `${row.id}.${row.format}`);
      await this.render(actor, row.report as ExportReport, row.format as ExportFormat, row.filters as ExportFiltersDto, path);
      const size = (await stat(path)).size;
      const fileName = `bao-cao-${row.report}-${new Date().toISOString().slice(0, 10)}.${row.format}`;
      await this.dataSource.query(
        `UPDATE report_export SET status = 'ready', storage_path = $2, file_name = $3, byte_size = $4, error = NULL, finished_at = now(),
                expires_at = now() + make_interval(hours => $5) WHERE id = $1`,
        [row.id, path, fileName, size, this.env.EXPORT_RETENTION_HOURS],
      );
      if (payload.outboxId) await this.outbox.markCompleted(payload.outboxId);
      return { status: 'ready' };
    } catch (error) {
      const attempts = job?.opts.attempts ?? 1;
      const attempt = (job?.attemptsMade ?? 0) + 1;
      const permanent = error instanceof UnrecoverableError || (error instanceof DomainError && error.status < 500);
      if (!permanent && attempt < attempts) {
        // BullMQ retries it after its backoff; the intent stays open, so a job lost meanwhile is put back.
        this.logger.warn({ err: error, exportId: row.id, attempt, attempts }, 'Report export failed; it will be retried');
        await this.dataSource.query(`UPDATE report_export SET status = 'queued', error = $2 WHERE id = $1 AND status = 'running'`, [
          row.id,
          `attempt ${attempt} of ${attempts} failed; retrying`,
        ]);
        throw error;
      }
      const reason = permanent
        ? (error as Error).message
        : `the export could not be built after ${attempt} attempt${attempt === 1 ? '' : 's'}; quote export ${row.id} when reporting it`;
      if (permanent) this.logger.warn({ err: error, exportId: row.id }, 'Report export refused');
      else this.logger.error({ err: error, exportId: row.id, attempts: attempt }, 'Report export failed for good');
      await this.markFailed(row.id, reason);
      if (payload.outboxId) await this.outbox.markCompleted(payload.outboxId);
      // Unrecoverable: BullMQ keeps the job as failed without spending the remaining attempts.
      throw permanent && !(error instanceof UnrecoverableError) ? new UnrecoverableError(reason) : error;
    }
  }

  /**
   * The build stalled more often than allowed (the worker died or froze while building it each
   * time): BullMQ gave it up without calling buildJob, so it is failed here, with a reason the
   * requester sees, instead of staying `running`; the intent is closed like any final failure.
   */
  @OnJobGivenUp(JobName.ReportExportBuild)
  async buildGivenUp(payload: JobPayloads[JobName.ReportExportBuild], reason: string): Promise<void> {
    await this.markFailed(payload.exportId, `the worker building this export stopped before finishing it, more than once (${reason}); quote export ${payload.exportId} when reporting it`);
    if (payload.outboxId) await this.outbox.markCompleted(payload.outboxId);
  }

  /** Fails an unfinished export with the reason its requester sees (a finished one is left as it is). */
  private async markFailed(id: string, reason: string): Promise<void> {
    await this.dataSource.query(`UPDATE report_export SET status = 'failed', error = $2, finished_at = now() WHERE id = $1 AND status IN ('queued', 'running')`, [id, reason]);
  }

  /** Builds the report as `actor` sees it and writes it to `path` (the per-collaborator rows streamed from a cursor). */
  async render(actor: Actor, report: ExportReport, format: ExportFormat, filters: ExportFiltersDto, path: string): Promise<void> {
    // Only the .xlsx has a second sheet: the .csv (first sheet only) spools nothing.
    const doc = (await this.build(scopeOf(actor), report, filters, false, format === 'xlsx' ? `${path}.inactive.jsonl` : undefined))!;
    const writer = { xlsx: writeXlsx, csv: writeCsv, pdf: writePdf }[format];
    try {
      await writer(doc, path);
    } finally {
      await doc.dispose?.();
    }
  }

  /** Removes files of exports past their retention time. */
  @OnJob(JobName.ReportExportCleanup)
  async cleanupJob(_payload?: JobPayloads[JobName.ReportExportCleanup]): Promise<{ removed: number }> {
    const [rows]: [Array<{ id: string; storage_path: string | null }>, number] = await this.dataSource.query(
      `UPDATE report_export SET status = 'expired' WHERE status = 'ready' AND expires_at <= now() RETURNING id, storage_path`,
    );
    for (const r of rows) if (r.storage_path) await rm(r.storage_path, { force: true });
    return { removed: rows.length };
  }

  /** The document to render; with `dryRun`, only runs the queries (validation and scope). */
  private async build(scope: Scope, report: ExportReport, filters: ExportFiltersDto, dryRun: boolean, spoolPath?: string): Promise<ExportDocument | null> {
    const unit = await this.unitName(scope);
    if (report === 'organisations') {
      const result = await this.reports.organisations(scope, filters);
      if (dryRun) return null;
      const items = [...result.items].sort((a, b) => a.rank - b.rank || a.code.localeCompare(b.code));
      const total = items.reduce((s, r) => ({ assigned: s.assigned + r.assigned, done: s.done + r.done }), { assigned: 0, done: 0 });
      type Row = (typeof items)[number];
      const findings = items.filter((r) => r.noChannel || r.noActiveCollaborator);
      return {
        title: 'Báo cáo kết quả chia sẻ tin bài theo đơn vị',
        unit,
        period: this.periodLabel(result.period),
        summary: [`Tổng nhiệm vụ: ${total.assigned} — đã hoàn thành: ${total.done} (${pct(total.assigned ? total.done / total.assigned : null)})`],
        chart: items.map((r) => ({ label: r.name, rate: r.completionRate, rank: r.rank, assigned: r.assigned, done: r.done })),
        sheets: [
          sheet<Row>({
            name: 'Xếp hạng đơn vị',
            totals: true,
            rows: () => items,
            columns: [
              { header: 'Đơn vị', value: (r: Row) => r.name },
              { header: 'Mã', value: (r: Row) => r.code, width: 14 },
              { header: 'Được giao', value: (r: Row) => r.assigned, kind: 'count' },
              { header: 'Hoàn thành', value: (r: Row) => r.done, kind: 'count' },
              { header: 'Đúng hạn', value: (r: Row) => r.onTime, kind: 'count' },
              { header: 'Trễ hạn', value: (r: Row) => r.late, kind: 'count' },
              { header: 'Chờ duyệt', value: (r: Row) => r.awaitingReview, kind: 'count' },
              { header: 'Không thực hiện được', value: (r: Row) => r.unable, kind: 'count' },
              { header: 'Quá hạn', value: (r: Row) => r.expired, kind: 'count' },
              { header: 'Đang chờ', value: (r: Row) => r.pending, kind: 'count' },
              { header: 'Tỷ lệ hoàn thành', value: (r: Row) => r.completionRate, kind: 'percent' },
              { header: 'Tỷ lệ đúng hạn', value: (r: Row) => r.onTimeRate, kind: 'percent' },
              { header: 'Xếp hạng', value: (r: Row) => r.rank },
            ],
          }),
          sheet<Row>({
            name: 'Đơn vị cần lưu ý',
            rows: () => findings,
            columns: [
              { header: 'Đơn vị', value: (r: Row) => r.name },
              { header: 'Số kênh', value: (r: Row) => r.channels },
              { header: 'Cộng tác viên hoạt động', value: (r: Row) => r.activeCollaborators },
              { header: 'Ghi chú', value: (r: Row) => [r.noChannel ? 'Chưa có kênh' : '', r.noActiveCollaborator ? 'Chưa có cộng tác viên' : ''].filter(Boolean).join('; ') },
            ],
          }),
        ],
      };
    }
    // Streamed: the report's SQL read through a cursor, never all rows in memory. The first sheet
    // lists everyone; the people with nothing done, met on the way, are spooled to a file (one
    // JSON line each, same order) that the second sheet reads back after the first is written, so
    // the report is read once. Beyond SPOOL_LIMIT of them (or without a spool path: a .csv has one
    // sheet) the second sheet runs the report's query for the inactive instead: ExcelJS's writer
    // has no back-pressure, and rows read back from a local file outrun its compression (measured:
    // 1,000,000 inactive people, peak RSS 237 MB from the spool vs 215 MB from the cursor).
    const all = await this.reports.collaboratorReportSql(scope, filters);
    if (dryRun) return null;
    const dataSource = this.dataSource;
    const reports = this.reports;
    const spool = spoolPath ? new RowSpool<CollaboratorReportRow>(spoolPath, SPOOL_LIMIT) : null;
    type Row = CollaboratorReportRow;
    const columns = [
      { header: 'Họ và tên', value: (r: Row) => r.fullName },
      { header: 'Mã', value: (r: Row) => r.code, width: 14 },
      { header: 'Đơn vị', value: (r: Row) => r.organisationName },
      { header: 'Được giao', value: (r: Row) => r.assigned, kind: 'count' as const },
      { header: 'Hoàn thành', value: (r: Row) => r.done, kind: 'count' as const },
      { header: 'Đúng hạn', value: (r: Row) => r.onTime, kind: 'count' as const },
      { header: 'Không thực hiện được', value: (r: Row) => r.unable, kind: 'count' as const },
      { header: 'Tỷ lệ hoàn thành', value: (r: Row) => r.completionRate, kind: 'percent' as const },
      { header: 'Hoạt động gần nhất', value: (r: Row) => r.lastActivityAt },
    ];
    return {
      title: 'Báo cáo kết quả chia sẻ theo cộng tác viên',
      unit,
      period: this.periodLabel(all.period ?? undefined),
      sheets: [
        sheet<Row>({
          name: 'Cộng tác viên',
          totals: true,
          rows: async function* () {
            try {
              for await (const r of streamRows(dataSource, all.sql, all.params)) {
                const row = collaboratorRow(r);
                if (spool && row.inactive) await spool.write(row);
                yield row;
              }
            } finally {
              await spool?.end();
            }
          },
          columns,
        }),
        sheet<Row>({
          name: 'Chưa hoạt động',
          rows: () =>
            spool && !spool.overflowed
              ? spool.read()
              : (async function* () {
                  const inactive = await reports.collaboratorReportSql(scope, filters, { inactiveOnly: true });
                  for await (const r of streamRows(dataSource, inactive.sql, inactive.params)) yield collaboratorRow(r);
                })(),
          columns,
        }),
      ],
      dispose: async () => spool?.remove(),
    };
  }

  private periodLabel(period?: { from: string; to: string }): string {
    if (!period) return 'Toàn bộ thời gian';
    const d = (s: string) => s.split('-').reverse().join('/');
    return `Từ ${d(period.from)} đến ${d(period.to)}`;
  }

  private async unitName(scope: Scope): Promise<string> {
    if (scope.kind === 'all') return 'Tất cả đơn vị';
    const [row] = await this.dataSource.query(`SELECT name FROM organisation WHERE id = $1`, [scope.organisationId]);
    return row?.name ?? '—';
  }
}
