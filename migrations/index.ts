import { Foundation1764136800000 } from './1764136800000-Foundation.js';
import { DirectoryIdentityAudit1764137700000 } from './1764137700000-DirectoryIdentityAudit.js';
import { CampaignsAndTasks1764138600000 } from './1764138600000-CampaignsAndTasks.js';
import { DirectoryListIndexes1764140000000 } from './1764140000000-DirectoryListIndexes.js';
import { ImportJobs1764150000000 } from './1764150000000-ImportJobs.js';
import { CampaignPipeline1764170000000 } from './1764170000000-CampaignPipeline.js';
import { ReportTallies1764180000000 } from './1764180000000-ReportTallies.js';
import { Notifications1764190000000 } from './1764190000000-Notifications.js';
import { ProofImagesAndReview1764200000000 } from './1764200000000-ProofImagesAndReview.js';
import { TypeormMetadata1764210000000 } from './1764210000000-TypeormMetadata.js';
import { ShardedCounters1764300000000 } from './1764300000000-ShardedCounters.js';
import { ReportTallyOrganisationIndex1764400000000 } from './1764400000000-ReportTallyOrganisationIndex.js';
import { ReportTallyStorage1764400000001 } from './1764400000001-ReportTallyStorage.js';
import { CollaboratorSearchTerms1764500000000 } from './1764500000000-CollaboratorSearchTerms.js';
import { ReportRollups1764500000001 } from './1764500000001-ReportRollups.js';

/** Every migration, oldest first. `npm run migration:generate` appends new ones here. */
export const migrations = [
  Foundation1764136800000,
  DirectoryIdentityAudit1764137700000,
  CampaignsAndTasks1764138600000,
  DirectoryListIndexes1764140000000,
  ImportJobs1764150000000,
  CampaignPipeline1764170000000,
  ReportTallies1764180000000,
  Notifications1764190000000,
  ProofImagesAndReview1764200000000,
  TypeormMetadata1764210000000,
  ShardedCounters1764300000000,
  ReportTallyOrganisationIndex1764400000000,
  ReportTallyStorage1764400000001,
  CollaboratorSearchTerms1764500000000,
  ReportRollups1764500000001,
];
