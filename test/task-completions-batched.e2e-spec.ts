import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignService } from '../src/campaigns/campaign.service.js';
import { CampaignPipelineService } from '../src/campaigns/fan-out.processor.js';
import { microBatchTotals } from '../src/common/database/micro-batcher.js';
import { ReportConsistencyService } from '../src/reports/report-consistency.service.js';
import { type CampaignWorld, createCampaignWorld, createDraftCampaign } from './support/campaign-world.js';
import { createCollaborator, createUser, type TestUser } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

const PEOPLE = 8;
const ITEMS = 3;

/**
 * Completions that arrive together share one statement (CompletionBatchService). Whatever a
 * burst mixes — good proofs, a wrong platform, someone else's task, one link given for two
 * tasks, the same task twice, a secretary on a member's behalf, another unit's secretary — each
 * request gets the answer it would get alone, and the rows, audit log and counters agree.
 */
describe('completions sharing a statement', () => {
  let ctx: TestContext;
  let w: CampaignWorld;
  let members: Array<{ user: TestUser; tasks: string[] }>;
  let campaignId: string;

  beforeAll(async () => {
    ctx = await createTestContext();
    w = await createCampaignWorld(ctx);
    members = [];
    for (let n = 0; n < PEOPLE; n++) {
      const person = await createCollaborator(ctx.dataSource, { organisationId: w.unitB.id });
      members.push({ user: await createUser(ctx, { role: 'collaborator', collaboratorId: person.id }), tasks: [] });
    }
    campaignId = await createDraftCampaign(ctx, w.admin.headers, { targets: { organisationIds: [w.unitB.id], includeSubtree: false, platforms: [], personalShares: true }, items: ITEMS });
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/launch`, headers: w.admin.headers })).statusCode).toBe(202);
    await ctx.app.get(CampaignPipelineService).fanOut(campaignId);
    for (const member of members) {
      const rows: Array<{ id: string }> = await ctx.dataSource.query(
        `SELECT t.id::text FROM share_task t JOIN app_user u ON u.collaborator_id = t.collaborator_id
          WHERE t.campaign_id = $1 AND u.id = $2 ORDER BY t.id`,
        [campaignId, member.user.id],
      );
      member.tasks = rows.map((r) => r.id);
      expect(member.tasks).toHaveLength(ITEMS);
    }
  });
  afterAll(async () => ctx?.close());

  it('answers each request of a mixed burst as it would alone', async () => {
    const complete = (user: TestUser, taskId: string, proofUrl: string, key?: string) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/v1/tasks/${taskId}/complete`,
        headers: { ...user.headers, ...(key ? { 'idempotency-key': key } : {}) },
        payload: { proofUrl },
      });
    const m = members;
    const before = microBatchTotals().get('task_complete') ?? { batches: 0, requests: 0 };
    const [own, wrongPlatform, someoneElses, sameLinkA, sameLinkB, twiceA, twiceB, onBehalf, otherUnit] = await Promise.all([
      Promise.all(m.map((member, n) => complete(member.user, member.tasks[0]!, `https://www.facebook.com/m${n}/posts/${n}01`, `own-${n}`))),
      complete(m[0]!.user, m[0]!.tasks[1]!, 'https://baophuyen.vn/tin-tuc/bai-1.html'),
      complete(m[1]!.user, m[2]!.tasks[1]!, 'https://www.facebook.com/m1/posts/999'),
      complete(m[3]!.user, m[3]!.tasks[1]!, 'https://www.facebook.com/m3/posts/shared'),
      complete(m[3]!.user, m[3]!.tasks[2]!, 'https://www.facebook.com/m3/posts/shared'),
      complete(m[4]!.user, m[4]!.tasks[1]!, 'https://www.facebook.com/m4/posts/first', 'twice-a'),
      complete(m[4]!.user, m[4]!.tasks[1]!, 'https://www.facebook.com/m4/posts/second', 'twice-b'),
      complete(w.secretaryB, m[5]!.tasks[1]!, 'https://www.facebook.com/m5/posts/by-secretary'),
      complete(w.secretaryA, m[6]!.tasks[1]!, 'https://www.facebook.com/m6/posts/other-unit'),
    ]);
    const after = microBatchTotals().get('task_complete')!;
    // The burst did share statements (otherwise this test would not test what it says).
    expect(after.requests - before.requests).toBeGreaterThan(after.batches - before.batches);

    for (const [n, answer] of own.entries()) {
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.json()).toMatchObject({ id: m[n]!.tasks[0], status: 'done', proofUrl: `https://facebook.com/m${n}/posts/${n}01`, completedByCollaboratorId: expect.any(String) });
    }
    expect(wrongPlatform.statusCode).toBe(422);
    expect(wrongPlatform.json().code).toBe('PROOF_PLATFORM_MISMATCH');
    expect(someoneElses.statusCode).toBe(404);
    expect([sameLinkA.statusCode, sameLinkB.statusCode].sort()).toEqual([200, 422]);
    expect([sameLinkA, sameLinkB].find((a) => a.statusCode === 422)!.json().code).toBe('PROOF_REUSED');
    expect([twiceA.statusCode, twiceB.statusCode]).toEqual([200, 200]);
    expect(twiceA.json().proofUrl).toBe(twiceB.json().proofUrl);
    expect(twiceA.json().completedAt).toBe(twiceB.json().completedAt);
    expect(onBehalf.statusCode, onBehalf.body).toBe(200);
    expect(onBehalf.json()).toMatchObject({ status: 'done', completedByCollaboratorId: null });
    expect(otherUnit.statusCode).toBe(404);

    // Rows: exactly the completions answered, each audited once under the right actor and action.
    const done: Array<{ id: string; completed_by_user_id: string }> = await ctx.dataSource.query(
      `SELECT id::text, completed_by_user_id FROM share_task WHERE campaign_id = $1 AND status = 'done' ORDER BY id`, [campaignId],
    );
    const expected = [...m.map((x) => x.tasks[0]!), m[4]!.tasks[1]!, m[5]!.tasks[1]!, [sameLinkA, sameLinkB].find((a) => a.statusCode === 200)!.json().id];
    expect(done.map((d) => d.id).sort()).toEqual([...expected].sort());
    const audit: Array<{ entity_id: string; action: string; actor_user_id: string; n: number }> = await ctx.dataSource.query(
      `SELECT entity_id, action, actor_user_id, count(*)::int AS n FROM audit_log
        WHERE entity = 'share_task' AND action LIKE 'task.complete%' AND entity_id = ANY($1) GROUP BY 1, 2, 3`,
      [expected],
    );
    expect(audit).toHaveLength(expected.length);
    for (const row of audit) {
      expect(row.n).toBe(1);
      const task = done.find((d) => d.id === row.entity_id)!;
      expect(row.actor_user_id).toBe(task.completed_by_user_id);
      expect(row.action).toBe(row.entity_id === m[5]!.tasks[1] ? 'task.complete-on-behalf' : 'task.complete');
    }
    // Retrying with a key answers the same completion and adds nothing.
    const retry = await complete(m[0]!.user, m[0]!.tasks[0]!, 'https://www.facebook.com/m0/posts/001', 'own-0');
    expect(retry.statusCode).toBe(200);
    expect(retry.json().completedAt).toBe(own[0]!.json().completedAt);
    const reuseKey = await complete(m[0]!.user, m[0]!.tasks[2]!, 'https://www.facebook.com/m0/posts/777', 'own-0');
    expect(reuseKey.statusCode).toBe(422);
    expect(reuseKey.json().code).toBe('IDEMPOTENCY_KEY_REUSED');

    const progress = (await ctx.app.inject({ method: 'GET', url: `/api/v1/campaigns/${campaignId}/progress`, headers: w.admin.headers })).json();
    // personB of unit B is a member too.
    expect(progress).toMatchObject({ total: (PEOPLE + 1) * ITEMS, done: expected.length, pending: (PEOPLE + 1) * ITEMS - expected.length });
    expect(await ctx.app.get(CampaignService).checkProgress(campaignId)).toEqual([]);
    expect((await ctx.app.get(ReportConsistencyService).check()).consistent).toBe(true);
  });

  it('keeps completing on connections that prepared the statement before a migration added a column', async () => {
    const complete = (user: TestUser, taskId: string, proofUrl: string) =>
      ctx.app.inject({ method: 'POST', url: `/api/v1/tasks/${taskId}/complete`, headers: user.headers, payload: { proofUrl } });
    // The statements are prepared on the pool's connections by now (the test above); a column
    // added while the app runs must not make Postgres refuse them ("cached plan must not change result type").
    await ctx.dataSource.query(`ALTER TABLE share_task ADD COLUMN added_while_running integer`);
    try {
      const m = members[7]!;
      for (const [n, taskId] of [m.tasks[1]!, m.tasks[2]!].entries()) {
        const answer = await complete(m.user, taskId, `https://www.facebook.com/m7/posts/after-migration-${n}`);
        expect(answer.statusCode, answer.body).toBe(200);
        expect(answer.json()).toMatchObject({ id: taskId, status: 'done' });
      }
    } finally {
      await ctx.dataSource.query(`ALTER TABLE share_task DROP COLUMN added_while_running`);
    }
  });

  it('refuses text that is not valid Unicode (an unpaired surrogate) with a 400, and keeps emoji', async () => {
    const m = members[6]!;
    const unable = (raw: string) =>
      ctx.app.inject({ method: 'POST', url: `/api/v1/tasks/${m.tasks[2]}/unable`, headers: { ...m.user.headers, 'content-type': 'application/json' }, payload: raw });
    const broken = await unable('{"reason":"\\ud800"}');
    expect(broken.statusCode, broken.body).toBe(400);
    expect(broken.json().errors).toEqual([expect.objectContaining({ field: 'reason', code: 'INVALID_UNICODE' })]);
    const fine = await unable(JSON.stringify({ reason: 'Nhóm Zalo đã giải tán 😀' }));
    expect(fine.statusCode, fine.body).toBe(200);
    expect(fine.json()).toMatchObject({ status: 'unable', unableReason: 'Nhóm Zalo đã giải tán 😀' });
  });
});
