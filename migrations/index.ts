import { Foundation1764136800000 } from './1764136800000-Foundation.js';
import { DirectoryIdentityAudit1764137700000 } from './1764137700000-DirectoryIdentityAudit.js';

/** Every migration, oldest first. `npm run migration:generate` appends new ones here. */
export const migrations = [Foundation1764136800000, DirectoryIdentityAudit1764137700000];
