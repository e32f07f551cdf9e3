/** The API's shapes as this app reads them (see /docs-json); fields the app does not use are left out. */
export type Role = 'admin' | 'secretary' | 'collaborator';
export type TaskStatus = 'pending' | 'done' | 'unable' | 'expired';
export const PLATFORMS = ['facebook_page', 'facebook_group', 'zalo_group', 'zalo_oa', 'mocha_group', 'website', 'personal'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const CHANNEL_PLATFORMS = PLATFORMS.filter((p) => p !== 'personal');
export const ORGANISATION_KINDS = ['bloc_committee', 'grassroots_committee', 'grassroots_cell', 'affiliated_cell', 'staff_office'] as const;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface UserView {
  id: string;
  login: string;
  role: Role;
  organisationId: string | null;
  collaboratorId: string | null;
  displayName: string | null;
  disabled: boolean;
  lastLoginAt: string | null;
  version: number;
}

export interface Me {
  user: UserView;
  role: Role;
  organisation: { id: string; code: string; name: string } | null;
  collaborator: { id: string; code: string; fullName: string } | null;
  permissions: string[];
}

export interface Task {
  id: string;
  campaignId: string;
  campaignTitle?: string;
  organisationId: string;
  platform: string;
  channel?: { name: string; url: string | null } | null;
  status: TaskStatus;
  deadline: string;
  completedAt: string | null;
  late: boolean;
  proofUrl: string | null;
  unableReason: string | null;
  reviewStatus: string;
  item: { url: string; title: string; caption: string | null; hashtags: string[]; imageUrls: string[]; shareText: string };
}

export interface Organisation {
  id: string;
  code: string;
  name: string;
  shortName?: string | null;
  kind: string;
  parentId: string | null;
  active: boolean;
}

export interface Collaborator {
  id: string;
  code: string;
  organisationId: string;
  organisation: { id: string; code: string; name: string };
  fullName: string;
  phone: string | null;
  email: string | null;
  position: string | null;
  tags: string[];
  active: boolean;
  version: number;
}

export interface Channel {
  id: string;
  code: string | null;
  organisationId: string;
  platform: string;
  name: string;
  url: string;
  audienceSize: number | null;
  active: boolean;
  version: number;
}

export interface ImportRun {
  id: string;
  kind: string;
  dryRun: boolean;
  status: 'queued' | 'running' | 'done' | 'failed';
  fileName: string;
  failureReason: string | null;
  counts: { total: number; applied: number; created: number; updated: number; unchanged: number; rejected: number } | null;
  rejections: Array<{ row: number; column: string; value?: string; reason: string }>;
}

export interface CampaignTargets {
  organisationIds?: string[];
  includeSubtree?: boolean;
  platforms?: string[];
  personalShares?: boolean;
  collaboratorTags?: string[];
}

export interface Campaign {
  id: string;
  title: string;
  description: string | null;
  status: 'draft' | 'scheduled' | 'active' | 'closed';
  startsAt: string | null;
  deadline: string;
  reviewRequired: boolean;
  targets: CampaignTargets;
  launchedAt: string | null;
  fannedOutAt: string | null;
  closedAt: string | null;
  itemCount?: number;
  version: number;
}

export interface ContentItem {
  id: string;
  position: number;
  url: string;
  title: string;
  caption: string | null;
  hashtags: string[];
  category: string | null;
}

export interface ProgressCounts {
  total: number;
  pending: number;
  done: number;
  unable: number;
  expired: number;
  late: number;
}

export interface CampaignProgress extends ProgressCounts {
  campaignId: string;
  status: Campaign['status'];
  fannedOutAt: string | null;
  organisations: Array<ProgressCounts & { organisationId: string; name: string }>;
}

export interface Figures {
  assigned: number;
  done: number;
  onTime: number;
  late: number;
  awaitingReview: number;
  unable: number;
  expired: number;
  pending: number;
  completionRate: number | null;
  onTimeRate: number | null;
}

export interface OrganisationReportRow extends Figures {
  organisationId: string;
  name: string;
  code: string;
  kind: string;
  parentId: string | null;
  rank: number;
  channels: number;
  activeCollaborators: number;
}

export interface UnitReport {
  organisation: { organisationId: string; name: string; code: string; kind: string };
  totals: Figures;
  campaigns: Array<Figures & { campaignId: string; title: string; deadline: string }>;
  collaborators: Array<Figures & { collaboratorId: string; code: string; fullName: string; lastActivityAt: string | null; inactive: boolean }>;
  openTasks: Array<{ collaboratorId: string; fullName: string; code: string; open: number; overdue: number; oldestDeadline: string; maxDaysLate: number }>;
}

export interface ExportJob {
  id: string;
  status: 'queued' | 'running' | 'ready' | 'failed' | 'expired';
  fileName?: string | null;
  error?: string | null;
}

export interface AuditEntry {
  id: string;
  at?: string;
  createdAt?: string;
  action: string;
  entity: string;
  entityId: string | null;
  actorUserId: string | null;
  actorLogin?: string | null;
  changes?: unknown;
}
