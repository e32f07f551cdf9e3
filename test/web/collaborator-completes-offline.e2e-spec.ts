import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CampaignWorld, createCampaignWorld, createDraftCampaign } from '../support/campaign-world.js';
import { TEST_PASSWORD } from '../support/fixtures.js';
import { logIn, newPhoneContext, screenshot, startWebWorld, waitFor, type WebWorld } from './web-support.js';

describe('web: a collaborator completes a task with the network cut; it is sent once when back online', () => {
  let world: WebWorld;
  let w: CampaignWorld;
  let campaignId: string;

  beforeAll(async () => {
    world = await startWebWorld();
    w = await createCampaignWorld(world.ctx);
    campaignId = await createDraftCampaign(world.ctx, w.admin.headers, { targets: { organisationIds: [w.unitA.id], platforms: ['facebook_page'] }, items: 1 });
    const launched = await world.ctx.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/launch`, headers: w.admin.headers });
    expect(launched.statusCode, launched.body).toBe(202);
    await waitFor(async () => (await world.ctx.dataSource.query(`SELECT 1 FROM share_task WHERE campaign_id = $1`, [campaignId])).length === 1, {
      timeoutMs: 60_000,
      what: 'fan-out by the worker process',
    });
  }, 240_000);
  afterAll(async () => world?.close());

  it('reads the tasks offline, queues the completion, and sends it exactly once with its Idempotency-Key when online', async () => {
    const context = await newPhoneContext(world);
    const page = await context.newPage();
    const completions: Array<{ key: string | undefined; status: number | null }> = [];
    page.on('requestfinished', async (request) => {
      if (request.method() === 'POST' && /\/tasks\/[^/]+\/complete$/.test(request.url())) {
        completions.push({ key: request.headers()['idempotency-key'], status: (await request.response())?.status() ?? null });
      }
    });

    await logIn(page, w.collaboratorA.login, TEST_PASSWORD);
    const card = page.getByTestId('task-card');
    await card.getByText('Bài viết 0').waitFor();
    // The service worker takes control, then keeps the shell and the last "my tasks" answer.
    // (Expressions run in the page, as strings: this project's types are Node's, not the DOM's.)
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 60_000 });
    await page.reload();
    await card.getByText('Bài viết 0').waitFor();
    await page.waitForFunction(`caches.open('oc-api').then((c) => c.keys()).then((keys) => keys.some((r) => r.url.includes('/api/v1/me/tasks')))`, undefined, {
      timeout: 60_000,
    });

    await context.setOffline(true);
    await page.reload();
    await page.getByTestId('offline-banner').waitFor();
    await card.getByText('Bài viết 0').waitFor();
    await screenshot(page, 'collaborator-5-offline-tasks');

    const proofUrl = `https://m.facebook.com/${w.fanpageA.url.split('/').pop()}/posts/3003`;
    await card.getByLabel('Đường dẫn bài đã đăng').fill(proofUrl);
    await card.getByRole('button', { name: 'Báo đã xong' }).click();
    await page.getByTestId('outbox-banner').waitFor();
    await card.getByText('Chờ gửi', { exact: true }).waitFor();
    await screenshot(page, 'collaborator-6-offline-queued');
    const [before] = await world.ctx.dataSource.query(`SELECT status FROM share_task WHERE campaign_id = $1`, [campaignId]);
    expect(before.status).toBe('pending');
    expect(completions.filter((c) => c.status !== null)).toEqual([]);

    await context.setOffline(false);
    const [task] = await waitFor(
      async () => {
        const rows = await world.ctx.dataSource.query(`SELECT id::text, status, proof_url FROM share_task WHERE campaign_id = $1 AND status = 'done'`, [campaignId]);
        return rows.length === 1 ? rows : null;
      },
      { timeoutMs: 60_000, what: 'the queued completion to arrive' },
    );
    expect(task.proof_url).toContain('/posts/3003');
    await page.getByTestId('outbox-banner').waitFor({ state: 'detached' });
    await page.getByText('Bạn đã hoàn thành hết nhiệm vụ').waitFor();
    await screenshot(page, 'collaborator-7-back-online-sent');

    // A reload sends nothing more: the queue is empty.
    await page.reload();
    await page.getByText('Bạn đã hoàn thành hết nhiệm vụ').waitFor();
    const answered = completions.filter((c) => c.status !== null);
    expect(answered).toHaveLength(1);
    expect(answered[0]!.status).toBe(200);
    expect(answered[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    const keys = await world.ctx.dataSource.query(`SELECT key FROM task_idempotency_key WHERE task_id = $1`, [task.id]);
    expect(keys).toEqual([{ key: answered[0]!.key }]);
    const audits = await world.ctx.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'task.complete' AND entity_id = $1`, [task.id]);
    expect(audits[0].n).toBe(1);
    await context.close();
  }, 300_000);
});
