import { AuditLog } from '../../audit/audit-log.entity.js';
import { Channel } from '../../channels/channel.entity.js';
import { Collaborator } from '../../collaborators/collaborator.entity.js';
import { RefreshToken } from '../../identity/refresh-token.entity.js';
import { User } from '../../identity/user.entity.js';
import { Organisation } from '../../organisations/organisation.entity.js';
import { WorkerHeartbeat } from '../../system/worker-heartbeat.entity.js';

/** Every entity class; features add theirs here so the app and the migration CLI see the same model. */
export const entities = [WorkerHeartbeat, Organisation, Collaborator, Channel, User, RefreshToken, AuditLog];
