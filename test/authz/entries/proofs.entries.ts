import { systemActor } from '../../../src/common/auth/actor.js';
import { ProofService } from '../../../src/proofs/proof.service.js';
import { createChannel } from '../../support/fixtures.js';
import { imageUpload, pngImage } from '../../support/proof-images.js';
import { createCampaignWithItem, createShareTask } from '../../support/task-fixtures.js';
import type { MatrixWorld, RouteEntry } from '../route-matrix.types.js';
import type { TestContext } from '../../support/test-app.js';

/** A fresh Zalo-group task of unit A, on a channel collaboratorA administers, in a campaign that requires review. */
async function unitATask(world: MatrixWorld, ctx: TestContext) {
  const ds = ctx.dataSource;
  const channel = await createChannel(ds, { organisationId: world.unitA.id, platform: 'zalo_group', adminIds: [world.personA.id] });
  const { campaign, item } = await createCampaignWithItem(ds, { reviewRequired: true });
  return createShareTask(ds, { campaignId: campaign.id, itemId: item.id, organisationId: world.unitA.id, platform: 'zalo_group', channelId: channel.id });
}

/** …and completed with a screenshot, so it has a proof image and awaits review. */
async function completedUnitATask(world: MatrixWorld, ctx: TestContext) {
  const task = await unitATask(world, ctx);
  await ctx.app.get(ProofService).completeWithImage(systemActor('authz-matrix'), task.id, await pngImage());
  return task;
}

const assigneeAndReviewers = { anonymous: 401, collaboratorA: 200, secretaryA: 200, secretaryB: 404, admin: 200 };
const reviewersOfUnitA = { anonymous: 401, collaboratorA: 403, secretaryA: 200, secretaryB: 404, admin: 200 };

export const entries: RouteEntry[] = [
  {
    route: 'POST /api/v1/tasks/:id/proof-image',
    request: async (world, ctx) => {
      const task = await unitATask(world, ctx);
      const body = imageUpload(await pngImage());
      return { url: `/api/v1/tasks/${task.id}/proof-image`, payload: body.payload, headers: body.headers };
    },
    expect: assigneeAndReviewers,
  },
  {
    route: 'GET /api/v1/tasks/:id/proof',
    request: async (world, ctx) => ({ url: `/api/v1/tasks/${(await completedUnitATask(world, ctx)).id}/proof` }),
    expect: assigneeAndReviewers,
  },
  {
    route: 'GET /api/v1/tasks/:id/review',
    request: async (world, ctx) => ({ url: `/api/v1/tasks/${(await completedUnitATask(world, ctx)).id}/review` }),
    expect: assigneeAndReviewers,
  },
  {
    route: 'GET /api/v1/reviews',
    request: () => ({ url: '/api/v1/reviews' }),
    expect: { anonymous: 401, collaboratorA: 403, secretaryA: 200, secretaryB: 200, admin: 200 },
  },
  {
    route: 'POST /api/v1/reviews/approve',
    // secretaryB gets 200 with the task reported as skipped (NOT_FOUND): a bulk call answers per item.
    request: async (world, ctx) => ({ url: '/api/v1/reviews/approve', payload: { taskIds: [(await completedUnitATask(world, ctx)).id] } }),
    expect: { anonymous: 401, collaboratorA: 403, secretaryA: 200, secretaryB: 200, admin: 200 },
  },
  {
    route: 'POST /api/v1/tasks/:id/approve',
    request: async (world, ctx) => ({ url: `/api/v1/tasks/${(await completedUnitATask(world, ctx)).id}/approve` }),
    expect: reviewersOfUnitA,
  },
  {
    route: 'POST /api/v1/tasks/:id/reject',
    request: async (world, ctx) => ({
      url: `/api/v1/tasks/${(await completedUnitATask(world, ctx)).id}/reject`,
      payload: { reason: 'Ảnh chụp không rõ bài đăng' },
    }),
    expect: reviewersOfUnitA,
  },
];
