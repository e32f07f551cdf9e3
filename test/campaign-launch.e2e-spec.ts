import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignService } from '../src/campaigns/campaign.service.js';
import { JobName } from '../src/common/queue/queue.constants.js';
import { OutboxService } from '../src/outbox/outbox.service.js';
import { type CampaignWorld, createCampaignWorld, createDraftCampaign, inHours, taskCount } from './support/campaign-world.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';

const TARGETS = (w: CampaignWorld) => ({
  organisationIds: [w.unitA.id],
  platforms: ['facebook_page', 'zalo_group'],
  personalShares: true,
  collaboratorTags: ['party_member'],
});

describe('admin launches a campaign and an assignee completes a task', () => {
  let ctx: TestContext;
  let w: CampaignWorld;
  let campaignId: string;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { OUTBOX_POLL_MS: '50', LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent' } });
    w = await createCampaignWorld(ctx);
    await ctx.startWorker();
  });
  afterAll(async () => ctx?.close());

  const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown, extra: Record<string, string> = {}) =>
    ctx.app.inject({ method, url: `/api/v1${url}`, headers: { ...headers, ...extra }, ...(payload === undefined ? {} : { payload: payload as object }) });

  const allIntentsDone = () =>
    waitFor(async () => {
      const [{ open }] = await ctx.dataSource.query(`SELECT count(*)::int AS open FROM outbox WHERE completed_at IS NULL AND available_at <= now()`);
      return open === 0;
    }, { what: 'due outbox intents to complete' });

  it('launches: 202 at once, then tasks for exactly the targeted channels and members', async () => {
    campaignId = await createDraftCampaign(ctx, w.admin.headers, { targets: TARGETS(w) });
    const launched = await inject('POST', `/campaigns/${campaignId}/launch`, w.admin.headers);
    expect(launched.statusCode).toBe(202);
    expect(launched.json().status, launched.body).toBe('active');

    await waitFor(async () => (await inject('GET', `/campaigns/${campaignId}`, w.admin.headers)).json().fannedOutAt, { what: 'fan-out' });
    const rows: Array<{ channel_id: string | null; collaborator_id: string | null; platform: string; organisation_id: string }> = await ctx.dataSource.query(
      `SELECT channel_id, collaborator_id, platform, organisation_id FROM share_task WHERE campaign_id = $1`,
      [campaignId],
    );
    expect(rows).toHaveLength(8);
    const channels = rows.filter((r) => r.channel_id).map((r) => r.channel_id);
    expect(new Set(channels)).toEqual(new Set([w.fanpageA.id, w.zaloCellA.id]));
    expect(channels).toHaveLength(4);
    const people = rows.filter((r) => r.collaborator_id).map((r) => r.collaborator_id);
    expect(new Set(people)).toEqual(new Set([w.personA.id, w.personCellA.id]));
    expect(rows.filter((r) => r.collaborator_id).every((r) => r.platform === 'personal')).toBe(true);

    const progress = (await inject('GET', `/campaigns/${campaignId}/progress`, w.admin.headers)).json();
    expect(progress).toMatchObject({ total: 8, pending: 8, done: 0, unable: 0, expired: 0 });
    expect(progress.organisations.map((o: { organisationId: string }) => o.organisationId).sort()).toEqual([w.unitA.id, w.cellA.id].sort());
  });

  it('shows the inbox: channel tasks to every admin of the channel, personal tasks to their person, open first', async () => {
    const inbox = await inject('GET', '/me/tasks', w.collaboratorA.headers);
    expect(inbox.statusCode).toBe(200);
    const items = inbox.json().items as Array<{ item: { url: string; shareText: string } }>;
    expect(items).toHaveLength(6); // fanpage A ×2, Zalo group of the cell ×2 (co-admin), personal ×2
    expect(items[0]!.item.url).toMatch(/^https:\/\/baophuyen\.vn\//);
    expect(items[0]!.item.shareText).toContain('#PhuYen');
    expect(items[0]!.item.shareText).toContain('#nguoitotviectot');
    const other = await inject('GET', '/me/tasks', w.collaboratorB.headers);
    expect(other.json().items).toHaveLength(0);
  });

  it('an assignee completes with a valid proof; progress and lists show it; a repeat returns the same completion', async () => {
    const [task] = await ctx.dataSource.query(`SELECT id::text FROM share_task WHERE campaign_id = $1 AND channel_id = $2 ORDER BY id LIMIT 1`, [campaignId, w.fanpageA.id]);
    const proof = `https://m.facebook.com/${w.fanpageA.url.split('/').pop()}/posts/1001?fbclid=abc`;
    const done = await inject('POST', `/tasks/${task.id}/complete`, w.collaboratorA.headers, { proofUrl: proof, note: 'Đã chia sẻ' }, { 'idempotency-key': 'k-1' });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ id: task.id, status: 'done', late: false, completedByCollaboratorId: w.personA.id });
    expect(done.json().proofUrl).not.toContain('fbclid');

    const again = await inject('POST', `/tasks/${task.id}/complete`, w.collaboratorA.headers, { proofUrl: `${proof}&x=1` }, { 'idempotency-key': 'k-2' });
    expect(again.statusCode).toBe(200);
    expect(again.json().completedAt).toBe(done.json().completedAt);
    expect(again.json().proofUrl).toBe(done.json().proofUrl);

    const progress = (await inject('GET', `/campaigns/${campaignId}/progress`, w.admin.headers)).json();
    expect(progress).toMatchObject({ total: 8, pending: 7, done: 1 });
    const list = (await inject('GET', `/tasks?status=done&campaignId=${campaignId}`, w.admin.headers)).json();
    expect(list.items.map((t: { id: string }) => t.id)).toEqual([task.id]);
    const audits = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'task.complete' AND entity_id = $1`, [task.id]);
    expect(audits[0].n).toBe(1);
    expect(await ctx.app.get(CampaignService).checkProgress(campaignId)).toEqual([]);
  });

  it('refuses bad proofs with 422 and the reason', async () => {
    const [fb, other] = await ctx.dataSource.query(
      `SELECT id::text FROM share_task WHERE campaign_id = $1 AND channel_id = $2 AND status = 'pending' ORDER BY id`,
      [campaignId, w.fanpageA.id],
    ).then((r: Array<{ id: string }>) => [r[0]!, r[0]!]);
    const cases: Array<[string, string]> = [
      ['https://zalo.me/g/abcdef/123', 'PROOF_PLATFORM_MISMATCH'],
      ['javascript:alert(1)', 'PROOF_URL_INVALID'],
      [`https://facebook.com/page/posts/${'9'.repeat(5000)}`, 'PROOF_URL_INVALID'],
    ];
    for (const [proofUrl, code] of cases) {
      const res = await inject('POST', `/tasks/${fb.id}/complete`, w.collaboratorA.headers, { proofUrl });
      expect(res.statusCode, proofUrl.slice(0, 40)).toBe(422);
      expect(res.json().code).toBe(code);
    }
    const used = (await ctx.dataSource.query(`SELECT proof_url FROM share_task WHERE campaign_id = $1 AND status = 'done'`, [campaignId]))[0].proof_url;
    const reused = await inject('POST', `/tasks/${other.id}/complete`, w.collaboratorA.headers, { proofUrl: used });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('PROOF_REUSED');
    const missing = await inject('POST', `/tasks/${fb.id}/complete`, w.collaboratorA.headers, {});
    expect(missing.statusCode).toBe(400);
    const badId = await inject('POST', `/tasks/not-a-number/complete`, w.collaboratorA.headers, { proofUrl: 'https://facebook.com/x/posts/1' });
    expect(badId.statusCode).toBe(404);
  });

  it('50 concurrent completes (same and different keys) make exactly one completion', async () => {
    const [task] = await ctx.dataSource.query(`SELECT id::text FROM share_task WHERE campaign_id = $1 AND channel_id = $2 AND status = 'pending' LIMIT 1`, [campaignId, w.zaloCellA.id]);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        inject('POST', `/tasks/${task.id}/complete`, w.collaboratorA.headers, { proofUrl: `https://zalo.me/g/grp/${n}` }, { 'idempotency-key': n % 2 ? 'same-key' : `key-${n}` }),
      ),
    );
    expect(results.map((r) => r.statusCode).filter((s) => s !== 200)).toEqual([]);
    expect(new Set(results.map((r) => r.json().proofUrl)).size).toBe(1);
    const audits = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'task.complete' AND entity_id = $1`, [task.id]);
    expect(audits[0].n).toBe(1);
    expect((await inject('GET', `/campaigns/${campaignId}/progress`, w.admin.headers)).json()).toMatchObject({ pending: 6, done: 2 });
  });

  it('secretary of the unit completes on behalf (recorded), unable and reopen keep the counters right', async () => {
    const [a, b] = await ctx.dataSource.query(`SELECT id::text FROM share_task WHERE campaign_id = $1 AND collaborator_id = $2 AND status = 'pending' ORDER BY id`, [campaignId, w.personCellA.id]);
    const onBehalf = await inject('POST', `/tasks/${a.id}/complete`, w.secretaryA.headers, { proofUrl: 'https://facebook.com/tran.binh/posts/77' });
    expect(onBehalf.statusCode).toBe(200);
    expect(onBehalf.json().completedByCollaboratorId).toBeNull();
    const [audit] = await ctx.dataSource.query(`SELECT action FROM audit_log WHERE entity_id = $1`, [a.id]);
    expect(audit.action).toBe('task.complete-on-behalf');

    expect((await inject('POST', `/tasks/${b.id}/unable`, w.secretaryA.headers, { reason: 'Tài khoản bị khóa' })).statusCode).toBe(200);
    const twice = await inject('POST', `/tasks/${b.id}/unable`, w.secretaryA.headers, { reason: 'lần nữa' });
    expect(twice.statusCode, twice.body).toBe(409);
    expect((await inject('POST', `/tasks/${b.id}/unable`, w.secretaryA.headers, {})).statusCode).toBe(400);
    expect((await inject('POST', `/tasks/${a.id}/reopen`, w.collaboratorA.headers, { reason: 'x' })).statusCode).toBe(403);
    expect((await inject('POST', `/tasks/${a.id}/reopen`, w.secretaryB.headers, { reason: 'x' })).statusCode).toBe(404);
    const reopened = await inject('POST', `/tasks/${a.id}/reopen`, w.secretaryA.headers, { reason: 'Minh chứng sai' });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ status: 'pending', proofUrl: null });
    expect((await inject('GET', `/campaigns/${campaignId}/progress`, w.admin.headers)).json()).toMatchObject({ total: 8, pending: 5, done: 2, unable: 1 });
    expect(await ctx.app.get(CampaignService).checkProgress(campaignId)).toEqual([]);
  });

  it('hides the campaign and its tasks from another unit', async () => {
    const [task] = await ctx.dataSource.query(`SELECT id::text FROM share_task WHERE campaign_id = $1 AND status = 'pending' LIMIT 1`, [campaignId]);
    expect((await inject('GET', `/campaigns/${campaignId}`, w.secretaryB.headers)).statusCode).toBe(404);
    expect((await inject('GET', `/campaigns/${campaignId}/progress`, w.secretaryB.headers)).statusCode).toBe(404);
    expect((await inject('GET', '/campaigns', w.secretaryB.headers)).json().items).toHaveLength(0);
    expect((await inject('GET', `/campaigns/${campaignId}`, w.secretaryA.headers)).statusCode).toBe(200);
    expect((await inject('POST', `/tasks/${task.id}/complete`, w.collaboratorB.headers, { proofUrl: 'https://facebook.com/b/posts/1' })).statusCode).toBe(404);
    expect((await inject('POST', `/tasks/${task.id}/complete`, w.secretaryB.headers, { proofUrl: 'https://facebook.com/b/posts/2' })).statusCode).toBe(404);
    expect((await inject('GET', `/tasks?campaignId=${campaignId}`, w.secretaryB.headers)).json().items).toHaveLength(0);
    expect((await inject('GET', `/tasks?campaignId=${campaignId}`, w.secretaryA.headers)).json().items).toHaveLength(8);
    expect((await inject('GET', `/tasks?campaignId=${campaignId}`, w.collaboratorB.headers)).json().items).toHaveLength(0);
    expect((await inject('GET', `/tasks?campaignId=${campaignId}&limit=3`, w.collaboratorA.headers)).json().nextCursor).toBeTruthy();
  });

  it('launching twice keeps the same task count', async () => {
    expect((await inject('POST', `/campaigns/${campaignId}/launch`, w.admin.headers)).statusCode).toBe(202);
    await allIntentsDone();
    expect(await taskCount(ctx, campaignId)).toBe(8);
    expect(await ctx.app.get(CampaignService).checkProgress(campaignId)).toEqual([]);
  });

  it('after launch only the deadline may move, and items are frozen', async () => {
    expect((await inject('PATCH', `/campaigns/${campaignId}`, w.admin.headers, { title: 'Khác' })).statusCode).toBe(409);
    expect((await inject('POST', `/campaigns/${campaignId}/items`, w.admin.headers, { url: 'https://baophuyen.vn/a', title: 'x' })).statusCode).toBe(409);
    expect((await inject('PATCH', `/campaigns/${campaignId}`, w.admin.headers, { deadline: inHours(-1) })).statusCode).toBe(422);
    const newDeadline = inHours(72);
    const moved = await inject('PATCH', `/campaigns/${campaignId}`, w.admin.headers, { deadline: newDeadline });
    expect(moved.statusCode).toBe(200);
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM share_task WHERE campaign_id = $1 AND status = 'pending' AND deadline <> $2`, [campaignId, newDeadline]);
    expect(n).toBe(0);
    const intents = await ctx.dataSource.query(`SELECT kind FROM outbox WHERE payload->>'campaignId' = $1 AND available_at = $2`, [campaignId, newDeadline]);
    expect(intents.map((r: { kind: string }) => r.kind)).toEqual([JobName.CampaignExpire]);
  });

  it('expires open tasks when the deadline passes (test clock), done ones stay done, and the campaign closes', async () => {
    await ctx.dataSource.query(`UPDATE campaign SET deadline = now() - interval '1 minute' WHERE id = $1`, [campaignId]);
    await ctx.dataSource.query(`UPDATE share_task SET deadline = now() - interval '1 minute' WHERE campaign_id = $1`, [campaignId]);
    await ctx.app.get(OutboxService).add(ctx.dataSource.manager, [{ kind: JobName.CampaignExpire, payload: { campaignId, deadline: new Date().toISOString() } }]);
    await waitFor(async () => (await inject('GET', `/campaigns/${campaignId}`, w.admin.headers)).json().status === 'closed', { what: 'expiry' });
    const progress = (await inject('GET', `/campaigns/${campaignId}/progress`, w.admin.headers)).json();
    expect(progress).toMatchObject({ total: 8, pending: 0, done: 2, unable: 1, expired: 5 });
    const statuses = await ctx.dataSource.query(`SELECT status, count(*)::int AS n FROM share_task WHERE campaign_id = $1 GROUP BY status ORDER BY status`, [campaignId]);
    expect(statuses).toEqual([{ status: 'done', n: 2 }, { status: 'expired', n: 5 }, { status: 'unable', n: 1 }]);

    // A share made after the deadline is still recorded, and counted late.
    const [late] = await ctx.dataSource.query(`SELECT id::text FROM share_task WHERE campaign_id = $1 AND channel_id = $2 AND status = 'expired' LIMIT 1`, [campaignId, w.fanpageA.id]);
    const res = await inject('POST', `/tasks/${late.id}/complete`, w.collaboratorA.headers, { proofUrl: 'https://facebook.com/somepage/posts/late-1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'done', late: true });
    expect((await inject('GET', `/campaigns/${campaignId}/progress`, w.admin.headers)).json()).toMatchObject({ done: 3, expired: 4, late: 1 });
    expect(await ctx.app.get(CampaignService).checkProgress(campaignId)).toEqual([]);
  });
});
