import { randomBytes } from 'node:crypto';
import type { TestContext } from '../../support/test-app.js';
import type { MatrixWorld, RouteEntry } from '../route-matrix.types.js';

/**
 * Rows for the matrix, written straight into the database: a campaign targeting unit A (draft or
 * active) with one content item, and optionally one personal task of personA (unit A).
 */
async function campaignOfUnitA(ctx: TestContext, world: MatrixWorld, status: 'draft' | 'active') {
  const [campaign] = await ctx.dataSource.query(
    `INSERT INTO campaign (title, status, deadline, targets, launched_at)
     VALUES ('Chiến dịch ma trận', $1, now() + interval '2 days', $2, CASE WHEN $1 = 'draft' THEN NULL ELSE now() END) RETURNING id, deadline`,
    [status, JSON.stringify({ organisationIds: [world.unitA.id], includeSubtree: true, personalShares: true })],
  );
  const [item] = await ctx.dataSource.query(
    `INSERT INTO content_item (campaign_id, url, title) VALUES ($1, 'https://baophuyen.vn/ma-tran.html', 'Bài ma trận') RETURNING id`,
    [campaign.id],
  );
  return { campaignId: campaign.id as string, itemId: item.id as string, deadline: campaign.deadline as Date };
}

async function taskOfPersonA(ctx: TestContext, world: MatrixWorld, status: 'pending' | 'done' = 'pending') {
  const { campaignId, itemId } = await campaignOfUnitA(ctx, world, 'active');
  const [task] = await ctx.dataSource.query(
    `INSERT INTO share_task (campaign_id, item_id, organisation_id, platform, collaborator_id, deadline, status, completed_at, proof_url)
     VALUES ($1, $2, $3, 'personal', $4, now() + interval '2 days', $5, CASE WHEN $5 = 'done' THEN now() END,
             CASE WHEN $5 = 'done' THEN 'https://facebook.com/an/posts/' || $6 END)
     RETURNING id::text`,
    [campaignId, itemId, world.unitA.id, world.personA.id, status, randomBytes(6).toString('hex')],
  );
  // campaign_progress follows from the share_task triggers.
  return task.id as string;
}

const proof = () => ({ proofUrl: `https://facebook.com/an.nguyen/posts/${randomBytes(6).toString('hex')}` });
const adminOnly = (ok: number) => ({ anonymous: 401, collaboratorA: 403, secretaryA: 403, secretaryB: 403, admin: ok });
const readers = { anonymous: 401, collaboratorA: 403, secretaryA: 200, secretaryB: 404, admin: 200 };
const everyone200 = { anonymous: 401, collaboratorA: 200, secretaryA: 200, secretaryB: 200, admin: 200 };
const deadline = () => new Date(Date.now() + 86_400_000).toISOString();

export const entries: RouteEntry[] = [
  { route: 'GET /api/v1/campaigns', request: () => ({ url: '/api/v1/campaigns' }), expect: { ...readers, secretaryB: 200 } },
  {
    route: 'POST /api/v1/campaigns',
    request: () => ({ url: '/api/v1/campaigns', payload: { title: 'Mới', deadline: deadline(), targets: {} } }),
    expect: adminOnly(201),
  },
  {
    route: 'GET /api/v1/campaigns/:id',
    request: async (w, ctx) => ({ url: `/api/v1/campaigns/${(await campaignOfUnitA(ctx, w, 'active')).campaignId}` }),
    expect: readers,
  },
  {
    route: 'PATCH /api/v1/campaigns/:id',
    request: async (w, ctx) => ({ url: `/api/v1/campaigns/${(await campaignOfUnitA(ctx, w, 'draft')).campaignId}`, payload: { title: 'Sửa' } }),
    expect: adminOnly(200),
  },
  {
    route: 'DELETE /api/v1/campaigns/:id',
    request: async (w, ctx) => ({ url: `/api/v1/campaigns/${(await campaignOfUnitA(ctx, w, 'draft')).campaignId}` }),
    expect: adminOnly(204),
  },
  {
    route: 'GET /api/v1/campaigns/:id/items',
    request: async (w, ctx) => ({ url: `/api/v1/campaigns/${(await campaignOfUnitA(ctx, w, 'active')).campaignId}/items` }),
    expect: readers,
  },
  {
    route: 'POST /api/v1/campaigns/:id/items',
    request: async (w, ctx) => ({
      url: `/api/v1/campaigns/${(await campaignOfUnitA(ctx, w, 'draft')).campaignId}/items`,
      payload: { url: 'https://baophuyen.vn/b.html', title: 'Bài B' },
    }),
    expect: adminOnly(201),
  },
  {
    route: 'PATCH /api/v1/campaigns/:id/items/:itemId',
    request: async (w, ctx) => {
      const c = await campaignOfUnitA(ctx, w, 'draft');
      return { url: `/api/v1/campaigns/${c.campaignId}/items/${c.itemId}`, payload: { title: 'Sửa bài' } };
    },
    expect: adminOnly(200),
  },
  {
    route: 'DELETE /api/v1/campaigns/:id/items/:itemId',
    request: async (w, ctx) => {
      const c = await campaignOfUnitA(ctx, w, 'draft');
      return { url: `/api/v1/campaigns/${c.campaignId}/items/${c.itemId}` };
    },
    expect: adminOnly(204),
  },
  {
    route: 'POST /api/v1/campaigns/:id/launch',
    request: async (w, ctx) => ({ url: `/api/v1/campaigns/${(await campaignOfUnitA(ctx, w, 'draft')).campaignId}/launch` }),
    expect: adminOnly(202),
  },
  {
    route: 'POST /api/v1/campaigns/:id/close',
    request: async (w, ctx) => ({ url: `/api/v1/campaigns/${(await campaignOfUnitA(ctx, w, 'active')).campaignId}/close` }),
    expect: adminOnly(200),
  },
  {
    route: 'GET /api/v1/campaigns/:id/preview',
    request: async (w, ctx) => ({ url: `/api/v1/campaigns/${(await campaignOfUnitA(ctx, w, 'draft')).campaignId}/preview` }),
    expect: adminOnly(200),
  },
  {
    route: 'GET /api/v1/campaigns/:id/progress',
    request: async (w, ctx) => ({ url: `/api/v1/campaigns/${(await campaignOfUnitA(ctx, w, 'active')).campaignId}/progress` }),
    expect: readers,
  },
  { route: 'GET /api/v1/tasks', request: () => ({ url: '/api/v1/tasks' }), expect: everyone200 },
  { route: 'GET /api/v1/me/tasks', request: () => ({ url: '/api/v1/me/tasks' }), expect: everyone200 },
  {
    route: 'POST /api/v1/tasks/:id/complete',
    request: async (w, ctx) => ({ url: `/api/v1/tasks/${await taskOfPersonA(ctx, w)}/complete`, payload: proof() }),
    expect: { anonymous: 401, collaboratorA: 200, secretaryA: 200, secretaryB: 404, admin: 200 },
  },
  {
    route: 'POST /api/v1/tasks/:id/unable',
    request: async (w, ctx) => ({ url: `/api/v1/tasks/${await taskOfPersonA(ctx, w)}/unable`, payload: { reason: 'Mất mạng' } }),
    expect: { anonymous: 401, collaboratorA: 200, secretaryA: 200, secretaryB: 404, admin: 200 },
  },
  {
    route: 'POST /api/v1/tasks/:id/reopen',
    request: async (w, ctx) => ({ url: `/api/v1/tasks/${await taskOfPersonA(ctx, w, 'done')}/reopen`, payload: { reason: 'Minh chứng sai' } }),
    expect: { anonymous: 401, collaboratorA: 403, secretaryA: 200, secretaryB: 404, admin: 200 },
  },
];
