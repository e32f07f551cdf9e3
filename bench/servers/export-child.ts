/**
 * One export in a process of its own, so its resident memory can be sampled alone
 * (bench/scenarios/export.ts). argv: `app <format> <out>` writes the per-collaborator report as
 * the worker does (ReportExportService.render, rows streamed from a cursor) for an admin over
 * DATABASE_URL; `baseline <rows> <out>` writes the same number of rows of the same shape with
 * ExcelJS's streaming writer alone (no database). Sends `{ ms, rows? }` over IPC when done.
 */
import 'reflect-metadata';
import ExcelJS from 'exceljs';
import { validateEnv } from '../../src/common/config/env.schema.js';
import { createDataSource } from '../../src/common/database/data-source.js';
import { ReportExportService } from '../../src/reports/report-export.service.js';
import { ReportService } from '../../src/reports/report.service.js';
import type { AuditService } from '../../src/audit/audit.service.js';
import type { OutboxService } from '../../src/outbox/outbox.service.js';
import type { Queue } from 'bullmq';

async function main(): Promise<void> {
  const [mode, arg, out] = process.argv.slice(2);
  let started = performance.now();
  if (mode === 'app') {
    const env = validateEnv(process.env);
    const ds = createDataSource({ url: env.DATABASE_URL, poolSize: 3, statementTimeoutMs: 0 });
    await ds.initialize();
    // Rendering needs neither the audit log, the outbox nor the queue (those serve request and build jobs).
    const service = new ReportExportService(ds, new ReportService(ds), undefined as unknown as AuditService, undefined as unknown as OutboxService, env, undefined as unknown as Queue, 'worker');
    const [admin] = await ds.query(`SELECT id, login FROM app_user WHERE role = 'admin' ORDER BY created_at LIMIT 1`);
    // Timed from here: a worker has its connections and metadata ready before a job comes.
    started = performance.now();
    await service.render({ userId: admin.id, login: admin.login, role: 'admin', organisationId: null, collaboratorId: null }, 'collaborators', arg as 'xlsx' | 'csv', {}, out!);
    await ds.destroy();
  } else if (mode === 'baseline') {
    const rows = Number(arg);
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out!, useStyles: true, useSharedStrings: false });
    const ws = workbook.addWorksheet('Cộng tác viên');
    ws.addRow(['Họ và tên', 'Mã', 'Đơn vị', 'Được giao', 'Hoàn thành', 'Đúng hạn', 'Không thực hiện được', 'Tỷ lệ hoàn thành', 'Hoạt động gần nhất']).commit();
    for (let i = 0; i < rows; i++) {
      const r = ws.addRow([`Cộng tác viên ${i}`, `BENCH-P${i}`, `Đảng bộ cơ sở ${i % 73}`, 48, 26, 16, 5, 0.5417, '2026-06-01T10:00:00.000Z']);
      r.getCell(8).numFmt = '0.0%';
      r.commit();
    }
    ws.commit();
    await workbook.commit();
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  process.send?.({ ms: Math.round(performance.now() - started) });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
