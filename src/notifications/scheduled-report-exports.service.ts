import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor, Role } from '../common/auth/actor.js';
import { DomainError } from '../common/errors/domain.error.js';
import type { ExportFiltersDto } from '../reports/dto/create-export.dto.js';
import { ReportExportService } from '../reports/report-export.service.js';
import type { MessageAttachment } from './notification.types.js';

/** An export still queued after this long (its job lost with Redis, say) is requested again. */
export const EXPORT_STALE_MS = 10 * 60_000;

export interface ScheduledReportRow {
  id: string;
  dedupe_key: string;
  user_id: string | null;
  body: string;
  data: Record<string, unknown>;
}

export type PreparedReport =
  | { kind: 'ready'; attachments: MessageAttachment[]; body: string }
  | { kind: 'wait'; reason: string }
  | { kind: 'failed'; retry: boolean; error: string };

const local = (iso: string) =>
  new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric' });

/**
 * The scheduled report e-mail carries the reports feature's .xlsx export of the subscriber's scope
 * and period. The export is requested through ReportExportService as the subscriber (so it has
 * exactly their scope, and they can download it again), built by the worker's reports queue, and
 * its id kept on the outbox row — a retried or re-claimed delivery reuses it instead of building
 * another. Until it is ready the delivery waits (see NotificationDeliveryService).
 */
@Injectable()
export class ScheduledReportExports {
  constructor(
    private readonly dataSource: DataSource,
    private readonly exports: ReportExportService,
  ) {}

  async prepare(row: ScheduledReportRow): Promise<PreparedReport> {
    const [user] = (await this.dataSource.query(
      `SELECT id, login, role, organisation_id, collaborator_id, disabled_at FROM app_user WHERE id = $1`,
      [row.user_id],
    )) as Array<{ id: string; login: string; role: Role; organisation_id: string | null; collaborator_id: string | null; disabled_at: Date | null }>;
    if (!user || user.disabled_at) return { kind: 'failed', retry: false, error: 'the subscriber’s account is disabled or gone' };
    const actor: Actor = { userId: user.id, login: user.login, role: user.role, organisationId: user.organisation_id, collaboratorId: user.collaborator_id };

    const known = typeof row.data.exportId === 'string' ? row.data.exportId : null;
    if (known) {
      const status = await this.exports.status(actor, known).catch(() => null);
      if (status?.status === 'ready') return this.ready(row, actor, known, status.expiresAt);
      if (status?.status === 'failed') {
        // Forget it: the next attempt (with backoff) requests a new one.
        await this.dataSource.query(`UPDATE notification SET data = data - 'exportId' WHERE id = $1`, [row.id]);
        return { kind: 'failed', retry: true, error: `report export ${known} failed: ${status.error ?? 'unknown error'}` };
      }
      if ((status?.status === 'queued' || status?.status === 'running') && Date.now() - Date.parse(status.createdAt) < EXPORT_STALE_MS) {
        return { kind: 'wait', reason: `waiting for report export ${known}` };
      }
      // expired, gone, or stuck: request a new one below
    }

    let exportId: string;
    try {
      ({ id: exportId } = await this.exports.request(actor, { report: 'organisations', format: 'xlsx', filters: row.data.exportFilters as ExportFiltersDto }));
    } catch (error) {
      if (error instanceof DomainError) return { kind: 'failed', retry: false, error: `report export refused: ${error.message}` };
      throw error;
    }
    await this.dataSource.query(`UPDATE notification SET data = data || jsonb_build_object('exportId', $2::text) WHERE id = $1`, [row.id, exportId]);
    return { kind: 'wait', reason: `waiting for report export ${exportId}` };
  }

  /** Attach the file; the e-mail and the in-app message both get the download link. */
  private async ready(row: ScheduledReportRow, actor: Actor, exportId: string, expiresAt: string | null): Promise<PreparedReport> {
    const file = await this.exports.file(actor, exportId);
    const downloadPath = `/api/v1/reports/exports/${exportId}/download`;
    // A retried delivery finds the link already added (perhaps to an earlier export): replace it.
    const base = row.body.replace(/\nBáo cáo Excel đính kèm[^\n]*$/, '');
    const body = `${base}\nBáo cáo Excel đính kèm; tải lại${expiresAt ? ` (đến ${local(expiresAt)})` : ''}: ${downloadPath}`;
    const inApp = row.dedupe_key.replace(/:email$/, ':in_app');
    await this.dataSource.query(
      `UPDATE notification SET body = $3, data = data || jsonb_build_object('exportId', $4::text, 'downloadPath', $5::text)
        WHERE dedupe_key IN ($1, $2)`,
      [row.dedupe_key, inApp, body, exportId, downloadPath],
    );
    return { kind: 'ready', attachments: [{ filename: file.fileName, path: file.path, contentType: file.contentType }], body };
  }
}
