import type { CampaignTargets } from './campaign.sql.js';
import type { CampaignStatus } from './dto/campaign.dto.js';

export interface CampaignRow {
  id: string;
  title: string;
  description: string | null;
  status: CampaignStatus;
  starts_at: Date | null;
  deadline: Date;
  review_required: boolean;
  targets: CampaignTargets;
  launched_at: Date | null;
  fanned_out_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  item_count?: number;
}

export interface CampaignView {
  id: string;
  title: string;
  description: string | null;
  status: CampaignStatus;
  startsAt: string | null;
  deadline: string;
  reviewRequired: boolean;
  targets: CampaignTargets;
  launchedAt: string | null;
  fannedOutAt: string | null;
  closedAt: string | null;
  itemCount?: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toCampaignView(r: CampaignRow): CampaignView {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    status: r.status,
    startsAt: iso(r.starts_at),
    deadline: iso(r.deadline)!,
    reviewRequired: r.review_required,
    targets: r.targets,
    launchedAt: iso(r.launched_at),
    fannedOutAt: iso(r.fanned_out_at),
    closedAt: iso(r.closed_at),
    ...(r.item_count === undefined ? {} : { itemCount: Number(r.item_count) }),
    version: r.version,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export interface ItemRow {
  id: string;
  campaign_id: string;
  position: number;
  url: string;
  title: string;
  caption: string | null;
  hashtags: string[];
  category: string | null;
  image_urls: string[];
}

export function toItemView(r: ItemRow) {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    position: r.position,
    url: r.url,
    title: r.title,
    caption: r.caption,
    hashtags: r.hashtags,
    category: r.category,
    imageUrls: r.image_urls,
  };
}

/** Parses a reminder offset list like `24h,2h` into milliseconds. */
export function parseOffsets(raw: string): number[] {
  const unit: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(\d+)\s*([mhd])$/.exec(s);
      if (!m) throw new Error(`Bad reminder offset "${s}"`);
      return Number(m[1]) * unit[m[2]!]!;
    });
}
