import { AuditModule } from '../audit/audit.module.js';
import { CampaignModule } from '../campaigns/campaign.module.js';
import { ChannelModule } from '../channels/channel.module.js';
import { CollaboratorModule } from '../collaborators/collaborator.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { ImportsModule } from '../imports/imports.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { OrganisationModule } from '../organisations/organisation.module.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ProofModule } from '../proofs/proof.module.js';
import { ReportModule } from '../reports/report.module.js';
import { SystemModule } from '../system/system.module.js';
import { TaskModule } from '../tasks/task.module.js';

/** Feature modules shared by the API and the worker. */
export const FEATURE_MODULES = [
  SystemModule,
  AuditModule,
  IdentityModule,
  CampaignModule,
  ChannelModule,
  CollaboratorModule,
  ImportsModule,
  NotificationsModule,
  OrganisationModule,
  OutboxModule,
  ProofModule,
  ReportModule,
  TaskModule,
];
