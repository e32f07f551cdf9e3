import { WorkerHeartbeat } from '../../system/worker-heartbeat.entity.js';

/** Every entity class; features add theirs here so the app and the migration CLI see the same model. */
export const entities = [WorkerHeartbeat];
