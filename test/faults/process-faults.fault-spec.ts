import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpPeer } from '../notification-peers.js';
import { spawnService, type SpawnedService } from '../support/spawn-service.js';
import { FaultWorld } from './support/fault-world.js';
import { lanes, newTally, record, summary } from './support/load.js';
import { fmt, profile, report } from './support/profile.js';

/**
 * Process faults: the built worker and API run as real processes and are SIGKILLed mid-work
 * (no shutdown hooks). After a restart every export, notification and completion exists exactly
 * once. (SIGKILL mid fan-out is covered by the campaigns suite.)
 */
describe('faults: SIGKILL the worker and the API mid-work', () => {
  let fw: FaultWorld;
  let smtp: Awaited<ReturnType<typeof startSmtpPeer>>;

  beforeAll(async () => {
    smtp = await startSmtpPeer();
    // QUEUE_LOCK_MS: a killed worker's job is taken back after 3 s instead of BullMQ's default 30 s.
    fw = await FaultWorld.create({ SMTP_URL: smtp.url, QUIET_HOURS: '', NOTIFICATION_LEASE_SECONDS: '3', WORKER_CONCURRENCY: '2', QUEUE_LOCK_MS: '3000' });
  });
  afterAll(async () => {
    await fw?.close();
    await smtp?.close();
  });

  it('worker killed mid export: after a restart every export is built exactly once', async () => {
    const n = profile.exportCount;
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const res = await fw.app.inject({ method: 'POST', url: '/api/v1/reports/exports', headers: fw.world.admin.headers, payload: { report: i % 2 ? 'organisations' : 'collaborators', format: ['csv', 'xlsx', 'pdf'][i % 3] === 'pdf' && i % 2 ? 'pdf' : 'xlsx' } });
      expect(res.statusCode).toBe(202);
      ids.push(res.json().id);
    }
    const worker = await fw.startWorker();
    const counts = async () => (await fw.ds.query(`SELECT count(*) FILTER (WHERE status = 'ready')::int AS ready, count(*) FILTER (WHERE status = 'running')::int AS running FROM report_export WHERE id = ANY($1)`, [ids]))[0] as { ready: number; running: number };
    const atKill = await fw.waitFor(async () => {
      const c = await counts();
      return c.running > 0 || c.ready > 0 ? c : undefined;
    }, 'the worker to start building exports');
    await fw.kill(worker);
    const afterKill = await counts();
    await fw.startWorker();
    await fw.waitFor(async () => (await counts()).ready === n, `all ${n} exports ready after the restart`, 180_000);
    const files = fw.exportFiles();
    report(
      `killed worker with ${afterKill.ready} of ${n} exports ready (${Math.round((100 * afterKill.ready) / n)}%), ${atKill.running} running; ` +
        `after restart ${n} ready, ${files.length} files, ${files.length - new Set(files).size} duplicates`,
    );
    expect(files.length).toBe(n);
    expect(new Set(files.map((f) => f.split('.')[0]))).toEqual(new Set(ids));
  });

  it('worker killed mid notification batch: every message exists once and is delivered; re-sends only for messages in flight', async () => {
    const n = profile.notificationCount;
    await fw.ds.query(
      `INSERT INTO notification (dedupe_key, event, channel, user_id, address, title, body, data)
       SELECT 'fault-batch-' || g, 'tasks.assigned', 'email', $1, 'n' || g || '@example.org', 'Nhiệm vụ mới', 'Bạn có nhiệm vụ chia sẻ mới', '{}'
         FROM generate_series(1, $2) g`,
      [fw.world.secretaryA.id, n],
    );
    const worker = await fw.startWorker();
    const state = async () => (await fw.ds.query(`SELECT count(*) FILTER (WHERE state = 'delivered')::int AS delivered, count(*) FILTER (WHERE state = 'sending')::int AS sending, count(*)::int AS rows FROM notification WHERE dedupe_key LIKE 'fault-batch-%'`))[0] as { delivered: number; sending: number; rows: number };
    await fw.waitFor(async () => (await state()).delivered >= n * 0.3, 'a third of the batch to be delivered', 180_000);
    await fw.kill(worker);
    const atKill = await state();
    const mailsAtKill = smtp.mails.length;
    await fw.startWorker();
    await fw.waitFor(async () => (await state()).delivered === n, `all ${n} messages delivered after the restart`, 240_000);
    const end = await state();
    const perAddress = new Map<string, number>();
    for (const mail of smtp.mails) {
      const to = [mail.to].flat().flatMap((a) => a?.value ?? []).map((v) => v.address ?? '');
      for (const address of to) if (/^n\d+@example\.org$/.test(address)) perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    }
    const duplicates = [...perAddress.values()].reduce((s, c) => s + c - 1, 0);
    report(
      `killed worker at ${Math.round((100 * atKill.delivered) / n)}% of ${fmt(n)} e-mails (${atKill.sending} in flight, ${fmt(mailsAtKill)} received); ` +
        `after restart ${fmt(end.rows)} rows, ${fmt(end.delivered)} delivered, ${fmt(perAddress.size)} recipients reached, ${duplicates} re-sent (bound: ${atKill.sending} in flight)`,
    );
    expect(end.rows).toBe(n);
    expect(perAddress.size).toBe(n);
    expect(duplicates).toBeLessThanOrEqual(atKill.sending);
  });

  it('API killed mid request: completions retried after the restart exist exactly once, counters and reports agree', async () => {
    const n = profile.completionCount;
    const ds = fw.ds;
    const [campaign] = await ds.query(`INSERT INTO campaign (title, status, deadline, targets, launched_at) VALUES ('Chiến dịch sự cố', 'active', now() + interval '2 days', $1, now()) RETURNING id`, [JSON.stringify({ organisationIds: [fw.world.unitA.id], includeSubtree: true, personalShares: true })]);
    // One item per task: a person has one personal task per item.
    const tasks = (await ds.query(
      `WITH items AS (INSERT INTO content_item (campaign_id, url, title)
                      SELECT $1, 'https://baophuyen.vn/su-co-' || g || '.html', 'Bài ' || g FROM generate_series(1, $4) g RETURNING id)
       INSERT INTO share_task (campaign_id, item_id, organisation_id, platform, collaborator_id, deadline)
       SELECT $1, items.id, $2, 'personal', $3, now() + interval '2 days' FROM items RETURNING id::text`,
      [campaign.id, fw.world.unitA.id, fw.world.personA.id, n],
    )) as Array<{ id: string }>;
    // campaign_progress and the report tallies follow from the share_task triggers.

    let api: SpawnedService = await spawnService('main', fw.env);
    const tally = newTally();
    const answered = new Set<string>();
    let next = 0;
    let killedAt = -1;
    const complete = (id: string) =>
      fetch(`http://127.0.0.1:${api.port}/api/v1/tasks/${id}/complete`, {
        method: 'POST',
        headers: { ...fw.world.collaboratorA.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ proofUrl: `https://facebook.com/an.nguyen/posts/${id}` }),
      }).then(async (r) => ({ statusCode: r.status, headers: Object.fromEntries(r.headers), body: await r.text() }));
    await lanes(8, () => next >= n, async () => {
      const id = tasks[next++]!.id;
      if (killedAt < 0 && next >= n * 0.4) {
        killedAt = next;
        api.child.kill('SIGKILL');
      }
      try {
        const res = await complete(id);
        record(tally, 'complete', res, [200]);
        if (res.statusCode === 200) answered.add(id);
      } catch {
        // Connection refused or reset: the API is gone; the client retries after the restart.
      }
    });
    await api.exited;
    api = await spawnService('main', fw.env);
    const retry = newTally();
    for (const { id } of tasks.filter((t) => !answered.has(t.id))) record(retry, 'retry', await complete(id), [200, 409]);
    fw.workers.push(api);
    const [direct] = await ds.query(`SELECT count(*) FILTER (WHERE status = 'done')::int AS done, count(*)::int AS total FROM share_task WHERE campaign_id = $1`, [campaign.id]);
    const [progress] = await ds.query(`SELECT sum(done)::int AS done, sum(pending)::int AS pending FROM campaign_progress WHERE campaign_id = $1`, [campaign.id]);
    const [audit] = await ds.query(`SELECT count(*)::int AS entries, count(DISTINCT entity_id)::int AS tasks FROM audit_log WHERE action = 'task.complete' AND entity_id = ANY($1)`, [tasks.map((t) => t.id)]);
    const consistency = await fw.app.inject({ method: 'GET', url: '/api/v1/reports/consistency', headers: fw.world.admin.headers });
    report(
      `killed API at ${Math.round((100 * killedAt) / n)}% of ${fmt(n)} completions (${answered.size} answered 200 before); after restart ${fmt(tasks.length - answered.size)} retried → ${summary(retry)}; ` +
        `${fmt(direct.done)} done, progress counter ${fmt(Number(progress.done))}, ${fmt(audit.entries)} audit entries for ${fmt(audit.tasks)} tasks; report tallies consistent: ${consistency.json().consistent}`,
    );
    expect(tally.unexpected.filter((u) => !u.includes('→ 0'))).toEqual([]);
    expect(retry.unexpected).toEqual([]);
    expect(direct.done).toBe(n);
    expect(Number(progress.done)).toBe(n);
    expect(Number(progress.pending)).toBe(0);
    expect(audit.entries).toBe(n);
    expect(consistency.json().consistent).toBe(true);
  });
});
