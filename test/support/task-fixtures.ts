import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * Campaign, content item and share task rows written straight into the test database (the
 * campaign and task routes live in their own feature); tests of proofs and reviews set the scene
 * with these.
 */
export interface CampaignRow {
  id: string;
  title: string;
  review_required: boolean;
}

export async function createCampaign(
  ds: DataSource,
  input: { title?: string; reviewRequired?: boolean; status?: string; deadline?: Date; createdBy?: string | null } = {},
): Promise<CampaignRow> {
  const [row] = await ds.query(
    `INSERT INTO campaign (title, status, starts_at, deadline, review_required, launched_at, created_by)
     VALUES ($1, $2, now() - interval '1 day', $3, $4, now() - interval '1 day', $5)
     RETURNING id, title, review_required`,
    [
      input.title ?? `Chiến dịch ${randomBytes(3).toString('hex')}`,
      input.status ?? 'active',
      input.deadline ?? new Date(Date.now() + 7 * 86_400_000),
      input.reviewRequired ?? false,
      input.createdBy ?? null,
    ],
  );
  return row as CampaignRow;
}

export interface ContentItemRow {
  id: string;
  campaign_id: string;
  url: string;
  title: string;
}

export async function createContentItem(ds: DataSource, input: { campaignId: string; title?: string; url?: string }): Promise<ContentItemRow> {
  const slug = randomBytes(4).toString('hex');
  const [row] = await ds.query(
    `INSERT INTO content_item (campaign_id, url, title, caption)
     VALUES ($1, $2, $3, 'Chia sẻ tin tốt, việc tốt') RETURNING id, campaign_id, url, title`,
    [input.campaignId, input.url ?? `https://baophuyen.vn/bai-viet-${slug}.html`, input.title ?? `Gương người tốt việc tốt ${slug}`],
  );
  return row as ContentItemRow;
}

export interface ShareTaskRow {
  id: string;
  campaign_id: string;
  item_id: string;
  organisation_id: string;
  platform: string;
  channel_id: string | null;
  collaborator_id: string | null;
  status: string;
}

/** A share task for one channel (`channelId`) or one person's own account (`collaboratorId`). */
export async function createShareTask(
  ds: DataSource,
  input: {
    campaignId: string;
    itemId: string;
    organisationId: string;
    platform: string;
    channelId?: string;
    collaboratorId?: string;
    deadline?: Date;
    status?: string;
  },
): Promise<ShareTaskRow> {
  const [row] = await ds.query(
    `INSERT INTO share_task (campaign_id, item_id, organisation_id, platform, channel_id, collaborator_id, deadline, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING id::text AS id, campaign_id, item_id, organisation_id, platform, channel_id, collaborator_id, status`,
    [
      input.campaignId,
      input.itemId,
      input.organisationId,
      input.platform,
      input.channelId ?? null,
      input.collaboratorId ?? null,
      input.deadline ?? new Date(Date.now() + 7 * 86_400_000),
      input.status ?? 'pending',
    ],
  );
  return row as ShareTaskRow;
}

/** One campaign with one item: the usual start of a task test. */
export async function createCampaignWithItem(ds: DataSource, input: { reviewRequired?: boolean; deadline?: Date } = {}) {
  const campaign = await createCampaign(ds, input);
  const item = await createContentItem(ds, { campaignId: campaign.id });
  return { campaign, item };
}
