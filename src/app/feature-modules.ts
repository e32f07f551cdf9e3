import { AuditModule } from '../audit/audit.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { SystemModule } from '../system/system.module.js';

/** Feature modules shared by the API and the worker. */
export const FEATURE_MODULES = [SystemModule, AuditModule, IdentityModule, NotificationsModule];
