/** A share task row joined with its content item (`item_*`) and campaign title. */
export interface TaskRow {
  id: string;
  campaign_id: string;
  campaign_title?: string;
  item_id: string;
  organisation_id: string;
  platform: string;
  channel_id: string | null;
  channel_name?: string | null;
  channel_url?: string | null;
  collaborator_id: string | null;
  status: string;
  deadline: Date;
  completed_at: Date | null;
  late: boolean;
  completed_by_user_id: string | null;
  completed_by_collaborator_id: string | null;
  proof_url: string | null;
  note: string | null;
  unable_reason: string | null;
  review_status: string;
  item_url: string;
  item_title: string;
  item_caption: string | null;
  item_hashtags: string[];
  item_category: string | null;
  item_image_urls: string[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toTaskView(r: TaskRow) {
  const hashtags = r.item_hashtags ?? [];
  const shareText = [r.item_caption ?? r.item_title, hashtags.map((h) => (h.startsWith('#') ? h : `#${h}`)).join(' '), r.item_url]
    .filter((s) => s && s.length > 0)
    .join('\n\n');
  return {
    id: String(r.id),
    campaignId: r.campaign_id,
    ...(r.campaign_title === undefined ? {} : { campaignTitle: r.campaign_title }),
    itemId: r.item_id,
    organisationId: r.organisation_id,
    platform: r.platform,
    channelId: r.channel_id,
    ...(r.channel_name === undefined ? {} : { channel: r.channel_id ? { name: r.channel_name, url: r.channel_url } : null }),
    collaboratorId: r.collaborator_id,
    status: r.status,
    deadline: iso(r.deadline),
    completedAt: iso(r.completed_at),
    late: r.late,
    completedByUserId: r.completed_by_user_id,
    completedByCollaboratorId: r.completed_by_collaborator_id,
    proofUrl: r.proof_url,
    note: r.note,
    unableReason: r.unable_reason,
    reviewStatus: r.review_status,
    item: {
      url: r.item_url,
      title: r.item_title,
      caption: r.item_caption,
      hashtags,
      category: r.item_category,
      imageUrls: r.item_image_urls ?? [],
      /** Caption, hashtags and link, ready to paste. */
      shareText,
    },
  };
}

export type TaskView = ReturnType<typeof toTaskView>;

/** The share_task columns of a TaskRow, of the task table aliased `alias` (for statements that must name their columns). */
export function taskColumns(alias: string): string {
  return ['id', 'campaign_id', 'item_id', 'organisation_id', 'platform', 'channel_id', 'collaborator_id', 'status', 'deadline', 'completed_at', 'late',
    'completed_by_user_id', 'completed_by_collaborator_id', 'proof_url', 'note', 'unable_reason', 'review_status']
    .map((c) => `${alias}.${c}`)
    .join(', ');
}

export const ITEM_COLUMNS = `i.url AS item_url, i.title AS item_title, i.caption AS item_caption, i.hashtags AS item_hashtags,
  i.category AS item_category, i.image_urls AS item_image_urls`;
