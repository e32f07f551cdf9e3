import type { Role } from './actor.js';

/**
 * The one authorization policy: which role may use which capability. Row-level scope (which
 * organisations, which person) is applied in queries through `Scope` (scope.ts).
 *
 * - admin: everything, everywhere;
 * - secretary: its organisation and its whole subtree: read, and write collaborators, channels,
 *   reopen and review tasks, read reports;
 * - collaborator: its own profile, its own tasks, the channels it administers.
 */
export const POLICY = {
  'organisations.read': ['admin', 'secretary', 'collaborator'],
  'organisations.write': ['admin'],
  'collaborators.read': ['admin', 'secretary', 'collaborator'],
  'collaborators.write': ['admin', 'secretary'],
  'channels.read': ['admin', 'secretary', 'collaborator'],
  'channels.write': ['admin', 'secretary'],
  'imports.run': ['admin', 'secretary'],
  'users.manage': ['admin'],
  'audit.read': ['admin'],
  'campaigns.read': ['admin', 'secretary'],
  'campaigns.write': ['admin'],
  'tasks.read': ['admin', 'secretary', 'collaborator'],
  'tasks.complete': ['admin', 'secretary', 'collaborator'],
  'tasks.reopen': ['admin', 'secretary'],
  'tasks.review': ['admin', 'secretary'],
  'reports.read': ['admin', 'secretary'],
  /** Check and rebuild the report tallies. */
  'reports.manage': ['admin'],
  'notifications.read': ['admin', 'secretary', 'collaborator'],
  'notifications.manage': ['admin'],
  'self.read': ['admin', 'secretary', 'collaborator'],
  'queues.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof POLICY;

export function roleHas(role: Role, permission: Permission): boolean {
  return (POLICY[permission] as readonly Role[]).includes(role);
}
