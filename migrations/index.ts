import { Foundation1764136800000 } from './1764136800000-Foundation.js';
import { DirectoryIdentityAudit1764137700000 } from './1764137700000-DirectoryIdentityAudit.js';
import { CampaignsAndTasks1764138600000 } from './1764138600000-CampaignsAndTasks.js';
import { Notifications1764190000000 } from './1764190000000-Notifications.js';

/** Every migration, oldest first. `npm run migration:generate` appends new ones here. */
export const migrations = [Foundation1764136800000, DirectoryIdentityAudit1764137700000, CampaignsAndTasks1764138600000, Notifications1764190000000];
