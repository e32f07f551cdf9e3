import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { ParsedMail } from 'mailparser';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../src/notifications/clock.js';
import { EXPORT_WAIT_MS, NotificationDeliveryService } from '../src/notifications/notification-delivery.service.js';
import { NotificationService } from '../src/notifications/notification.service.js';
import { createCollaborator, createTwoUnitWorld, createUser, type TestUser } from './support/fixtures.js';
import { completeTask, createCampaign, createItem, createTask } from './support/report-fixtures.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';
import { startSmtpPeer } from './notification-peers.js';

/**
 * A secretary or admin subscribed to the weekly report receives, by e-mail, the reports feature's
 * .xlsx export of their own scope for last week — built by the worker, attached, read back here
 * with exceljs — once per subscription and period, whatever is retried.
 */
describe('scheduled report e-mails', () => {
  let ctx: TestContext;
  let worker: INestApplicationContext;
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;
  let w: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  let secretaryA: TestUser;
  let secretaryB: TestUser;
  let admin: TestUser;
  const storage = `/tmp/outreach-test-scheduled-reports-${process.pid}`;
  let now = new Date('2026-11-30T02:00:00Z'); // Monday 09:00 in Hanoi: last week's reports are due
  const delivery = () => worker.get(NotificationDeliveryService);

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    ctx = await createTestContext({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'Ban Chỉ đạo 35 <bcd35@example.org>', STORAGE_DIR: storage, QUIET_HOURS: '' } });
    worker = await ctx.startWorker();
    for (const c of [worker.get(Clock), ctx.app.get(Clock)]) c.now = () => now;
    w = await createTwoUnitWorld(ctx);
    const ds = ctx.dataSource;
    // Logins linked to people with e-mail addresses (that is where their mail goes).
    const link = async (role: 'admin' | 'secretary', organisationId: string | null, email: string) => {
      const person = await createCollaborator(ds, { organisationId: organisationId ?? w.root.id, email, fullName: `Thư ký ${email}` });
      return createUser(ctx, { role, organisationId, collaboratorId: person.id });
    };
    secretaryA = await link('secretary', w.unitA.id, 'thuky.a@example.org');
    secretaryB = await link('secretary', w.unitB.id, 'thuky.b@example.org');
    admin = await link('admin', null, 'quantri@example.org');

    // Last week (23–29/11): unit A 2 tasks, 1 done; its sub-cell 1 task; unit B 3 tasks, 2 done.
    const k = await createCampaign(ds, { title: 'Tuyên truyền Đại hội', deadline: '2026-11-25T10:00:00Z' });
    const items = [await createItem(ds, k.id), await createItem(ds, k.id), await createItem(ds, k.id)];
    const task = (organisationId: string, collaboratorId: string, n: number) =>
      createTask(ds, { campaignId: k.id, itemId: items[n]!.id, organisationId, platform: 'zalo_group', collaboratorId, deadline: '2026-11-25T10:00:00Z' });
    const a1 = await task(w.unitA.id, w.personA.id, 0);
    await task(w.unitA.id, w.personA.id, 1);
    await task(w.cellA.id, w.personCellA.id, 0);
    const b = [await task(w.unitB.id, w.personB.id, 0), await task(w.unitB.id, w.personB.id, 1), await task(w.unitB.id, w.personB.id, 2)];
    await completeTask(ds, a1, '2026-11-24T10:00:00Z', w.personA.id);
    await completeTask(ds, b[0]!, '2026-11-24T10:00:00Z', w.personB.id);
    await completeTask(ds, b[1]!, '2026-11-24T11:00:00Z', w.personB.id);

    for (const user of [secretaryA, secretaryB, admin]) {
      const put = await ctx.app.inject({
        method: 'PUT',
        url: '/api/v1/me/notification-preferences',
        headers: user.headers,
        payload: { email: true, zalo: false, quietHours: null, reportPeriods: ['weekly'] },
      });
      expect(put.statusCode, put.body).toBe(200);
    }
  });

  afterAll(async () => {
    await ctx?.close();
    await smtp?.close();
    rmSync(storage, { recursive: true, force: true });
  });

  const mailTo = (address: string) => smtp.mails.filter((m) => m.to && 'value' in m.to && m.to.value.some((v) => v.address === address));

  async function workbookOf(mail: ParsedMail): Promise<{ unit: unknown; period: unknown; units: string[]; totals: unknown[] }> {
    expect(mail.attachments).toHaveLength(1);
    const [file] = mail.attachments;
    expect(file!.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(file!.filename).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file!.content as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Xếp hạng đơn vị')!;
    const units: string[] = [];
    let totals: unknown[] = [];
    for (let r = 6; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const name = row.getCell(1).value;
      if (name === 'Tổng cộng') totals = [row.getCell(3).value, row.getCell(4).value];
      else if (typeof name === 'string') units.push(name);
    }
    return { unit: ws.getCell('A2').value, period: ws.getCell('A3').value, units, totals };
  }

  it('e-mails each subscriber the .xlsx export of their own scope for last week, once', async () => {
    // unit B's secretary's server says "try later" once: the retry sends the same export, once
    smtp.deferOnce.add('thuky.b@example.org');
    expect((await ctx.app.get(NotificationService).runScheduled()).reports).toBe(3);
    const emailRows = async () =>
      (await ctx.dataSource.query(
        `SELECT id, user_id, state, attempts, data FROM notification WHERE event = 'report.scheduled' AND channel = 'email' ORDER BY id`,
      )) as Array<{ id: string; user_id: string; state: string; attempts: number; data: Record<string, unknown> }>;
    expect((await emailRows()).map((r) => r.user_id).sort()).toEqual([secretaryA.id, secretaryB.id, admin.id].sort());

    // First look: each delivery asks the reports feature for the export and waits for it.
    await delivery().relay();
    await waitFor(async () => (await emailRows()).every((r) => typeof r.data.exportId === 'string' && r.state === 'pending'), { what: 'exports requested' });
    const exportIds = (await emailRows()).map((r) => r.data.exportId as string);
    await waitFor(
      async () => {
        const rows: Array<{ status: string; error: string | null }> = await ctx.dataSource.query(`SELECT status, error FROM report_export WHERE id = ANY($1::uuid[])`, [exportIds]);
        const failed = rows.find((r) => r.status === 'failed');
        if (failed) throw new Error(failed.error ?? 'export failed');
        return rows.length === 3 && rows.every((r) => r.status === 'ready');
      },
      { timeoutMs: 60_000, what: 'the three exports built by the worker' },
    );
    expect(smtp.mails).toHaveLength(0);

    // Next look: attached and sent (B's server refuses once → retried after the 30 s backoff).
    now = new Date(now.getTime() + EXPORT_WAIT_MS);
    await delivery().relay();
    await waitFor(() => mailTo('thuky.a@example.org').length === 1 && mailTo('quantri@example.org').length === 1, { timeoutMs: 30_000, what: 'A and admin mails' });
    const pendingB = await waitFor(async () => (await emailRows()).find((r) => r.user_id === secretaryB.id && r.state === 'pending' && r.attempts === 1), { what: 'B deferred by its server' });
    expect(mailTo('thuky.b@example.org')).toHaveLength(0);
    now = new Date(now.getTime() + 30_000);
    await delivery().relay();
    await waitFor(() => mailTo('thuky.b@example.org').length === 1, { timeoutMs: 30_000, what: 'B mail after the retry' });
    await waitFor(async () => (await emailRows()).every((r) => r.state === 'delivered'), { what: 'all delivered' });

    // Each workbook holds the subscriber's scope only.
    const mailA = mailTo('thuky.a@example.org')[0]!;
    const mailB = mailTo('thuky.b@example.org')[0]!;
    expect(mailA.subject).toBe('Báo cáo tuần 2026-11-23');
    const a = await workbookOf(mailA);
    expect(a.unit).toBe('Đơn vị: Đảng bộ Sở Y tế');
    expect(a.period).toBe('Kỳ báo cáo: Từ 23/11/2026 đến 29/11/2026');
    expect(a.units).toContain('Đảng bộ Sở Y tế');
    expect(a.units).not.toContain('Chi bộ Sở Tư pháp');
    const b = await workbookOf(mailB);
    expect(b.unit).toBe('Đơn vị: Chi bộ Sở Tư pháp');
    expect(b.units).toEqual(['Chi bộ Sở Tư pháp']);
    expect(b.totals).toEqual([3, 2]);
    const all = await workbookOf(mailTo('quantri@example.org')[0]!);
    expect(all.unit).toBe('Đơn vị: Tất cả đơn vị');
    expect(all.units).toEqual(expect.arrayContaining(['Đảng bộ Sở Y tế', 'Chi bộ Sở Tư pháp']));

    // The mail and the in-app message link to the kept export; only its subscriber can fetch it.
    const exportB = (await emailRows()).find((r) => r.user_id === secretaryB.id)!.data.exportId as string;
    expect(exportB).toBe(pendingB.data.exportId); // the retry reused the export, it did not build another
    expect(mailB.text).toContain(`/api/v1/reports/exports/${exportB}/download`);
    const own = await ctx.app.inject({ method: 'GET', url: `/api/v1/reports/exports/${exportB}/download`, headers: secretaryB.headers });
    expect(own.statusCode).toBe(200);
    const other = await ctx.app.inject({ method: 'GET', url: `/api/v1/reports/exports/${exportB}/download`, headers: secretaryA.headers });
    expect(other.statusCode).toBe(404);
    const inbox = await ctx.app.inject({ method: 'GET', url: '/api/v1/me/notifications', headers: secretaryB.headers });
    const inApp = inbox.json().items.find((i: { event: string }) => i.event === 'report.scheduled');
    expect(inApp.data.downloadPath).toBe(`/api/v1/reports/exports/${exportB}/download`);
    const [{ exports }] = await ctx.dataSource.query(`SELECT count(*)::int AS exports FROM report_export WHERE requested_by = $1`, [secretaryB.id]);
    expect(exports).toBe(1);
    const log = await ctx.app.inject({ method: 'GET', url: `/api/v1/notifications/deliveries?notificationId=${pendingB.id}`, headers: w.admin.headers });
    expect(log.json().items.map((d: { state: string }) => d.state)).toEqual(['delivered', 'retry', 'deferred']);

    // Nothing goes out twice: the scheduler again, a re-run job, the relay after Redis lost its jobs.
    expect((await ctx.app.get(NotificationService).runScheduled()).reports).toBe(0);
    for (const r of await emailRows()) expect(await delivery().deliver(r.id)).toEqual({ outcome: 'skipped' });
    await ctx.dataSource.query(`UPDATE notification SET relayed_at = NULL WHERE event = 'report.scheduled'`);
    expect((await delivery().relay()).enqueued).toBe(0);
    expect(smtp.mails).toHaveLength(3);
  }, 180_000);
});
