import { randomBytes } from 'node:crypto';
import { createChannel, createCollaborator, createTwoUnitWorld } from './fixtures.js';
import type { TestContext } from './test-app.js';

/**
 * The two-unit world plus channels: unit A runs a fanpage (admin: personA) and a website, its
 * cell a Zalo group (admin: personCellA), unit A also an inactive fanpage; unit B a fanpage
 * (admin: personB). Unit A also has an "employee"-only member.
 */
export async function createCampaignWorld(ctx: TestContext) {
  const world = await createTwoUnitWorld(ctx);
  const ds = ctx.dataSource;
  const fanpageA = await createChannel(ds, { organisationId: world.unitA.id, platform: 'facebook_page', adminIds: [world.personA.id] });
  const websiteA = await createChannel(ds, { organisationId: world.unitA.id, platform: 'website' });
  const inactiveA = await createChannel(ds, { organisationId: world.unitA.id, platform: 'facebook_page', adminIds: [world.personA.id], active: false });
  const zaloCellA = await createChannel(ds, { organisationId: world.cellA.id, platform: 'zalo_group', adminIds: [world.personCellA.id, world.personA.id] });
  const fanpageB = await createChannel(ds, { organisationId: world.unitB.id, platform: 'facebook_page', adminIds: [world.personB.id] });
  const employeeA = await createCollaborator(ds, { organisationId: world.unitA.id, tags: ['employee'] });
  return { ...world, fanpageA, websiteA, inactiveA, zaloCellA, fanpageB, employeeA };
}

export type CampaignWorld = Awaited<ReturnType<typeof createCampaignWorld>>;

export const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

/** Creates a draft campaign with `items` content items through the API; returns its id. */
export async function createDraftCampaign(
  ctx: TestContext,
  headers: Record<string, string>,
  input: { targets: Record<string, unknown>; items?: number; deadline?: string; startsAt?: string },
): Promise<string> {
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/campaigns',
    headers,
    payload: { title: 'Lan tỏa gương người tốt việc tốt', deadline: input.deadline ?? inHours(48), startsAt: input.startsAt, targets: input.targets },
  });
  if (created.statusCode !== 201) throw new Error(`create campaign: ${created.statusCode} ${created.body}`);
  const id = created.json().id as string;
  for (let n = 0; n < (input.items ?? 2); n++) {
    const item = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/campaigns/${id}/items`,
      headers,
      payload: {
        url: `https://baophuyen.vn/bai-viet-${n}-${randomBytes(3).toString('hex')}.html`,
        title: `Bài viết ${n}`,
        caption: 'Cùng chia sẻ câu chuyện đẹp',
        hashtags: ['#PhuYen', 'nguoitotviectot'],
        category: 'good_example',
      },
    });
    if (item.statusCode !== 201) throw new Error(`add item: ${item.statusCode} ${item.body}`);
  }
  return id;
}

export async function taskCount(ctx: TestContext, campaignId: string): Promise<number> {
  const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM share_task WHERE campaign_id = $1`, [campaignId]);
  return n as number;
}
