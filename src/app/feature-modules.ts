import { AuditModule } from '../audit/audit.module.js';
import { CampaignModule } from '../campaigns/campaign.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { SystemModule } from '../system/system.module.js';
import { TaskModule } from '../tasks/task.module.js';

/** Feature modules shared by the API and the worker. */
export const FEATURE_MODULES = [SystemModule, AuditModule, IdentityModule, OutboxModule, CampaignModule, TaskModule];
