import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CampaignWorld, createCampaignWorld, createDraftCampaign, taskCount } from './support/campaign-world.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';

describe('launch preview: what a launch would create', () => {
  let ctx: TestContext;
  let w: CampaignWorld;

  beforeAll(async () => {
    ctx = await createTestContext({ env: { OUTBOX_POLL_MS: '50' } });
    w = await createCampaignWorld(ctx);
    await ctx.startWorker();
  });
  afterAll(async () => ctx?.close());

  const preview = (id: string, headers = w.admin.headers) => ctx.app.inject({ method: 'GET', url: `/api/v1/campaigns/${id}/preview`, headers });

  it('counts organisations, channels, people and tasks, and the launch creates exactly that many', async () => {
    const id = await createDraftCampaign(ctx, w.admin.headers, {
      targets: { organisationIds: [w.unitA.id], platforms: ['facebook_page', 'zalo_group'], personalShares: true, collaboratorTags: ['party_member'] },
    });
    const res = await preview(id);
    expect(res.statusCode, res.body).toBe(200);
    // Unit A and its cell; the active fanpage and the cell's Zalo group (not the inactive page or the website);
    // the two party members (not the employee-only one); two items.
    expect(res.json()).toEqual({
      campaignId: id,
      items: 2,
      organisations: 2,
      organisationsWithoutChannel: 0,
      channels: 2,
      collaborators: 2,
      tasks: { channel: 4, personal: 4, total: 8 },
    });

    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/campaigns/${id}/launch`, headers: w.admin.headers })).statusCode).toBe(202);
    await waitFor(async () => (await ctx.app.inject({ method: 'GET', url: `/api/v1/campaigns/${id}`, headers: w.admin.headers })).json().fannedOutAt, {
      what: 'fan-out',
    });
    expect(await taskCount(ctx, id)).toBe(res.json().tasks.total);
  });

  it('follows the targets: one unit without its subtree, another platform, no personal shares', async () => {
    const onlyB = await createDraftCampaign(ctx, w.admin.headers, { targets: { organisationIds: [w.unitB.id], includeSubtree: false }, items: 3 });
    expect((await preview(onlyB)).json()).toMatchObject({ items: 3, organisations: 1, channels: 1, tasks: { channel: 3, personal: 0, total: 3 } });

    const websites = await createDraftCampaign(ctx, w.admin.headers, { targets: { organisationIds: [w.unitA.id], platforms: ['website'] }, items: 1 });
    // The cell has no website: it is named as reached but channel-less, which the admin should see before launching.
    expect((await preview(websites)).json()).toMatchObject({ organisations: 2, organisationsWithoutChannel: 1, channels: 1, tasks: { total: 1 } });
  });

  it('answers 404 for an unknown or malformed id and 403 for a secretary', async () => {
    const unknown = await preview('7d0c1f9e-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect((await preview('not-a-uuid')).statusCode).toBe(404);
    const id = await createDraftCampaign(ctx, w.admin.headers, { targets: { organisationIds: [w.unitA.id] } });
    expect((await preview(id, w.secretaryA.headers)).statusCode).toBe(403);
  });
});
