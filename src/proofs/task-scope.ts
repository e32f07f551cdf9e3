import { organisationInScope, type Scope, type SqlParams } from '../common/auth/scope.js';

/**
 * SQL condition: the share task aliased `t` lies in the scope. A collaborator covers the tasks
 * assigned to it (personal shares) and those of the channels it administers; a secretary its
 * organisation's subtree; an admin everything.
 */
export function taskInScope(scope: Scope, params: SqlParams, alias = 't'): string {
  if (scope.kind === 'self') {
    const me = params.add(scope.collaboratorId);
    return `(${alias}.collaborator_id = ${me} OR ${alias}.channel_id IN (SELECT ca.channel_id FROM channel_admin ca WHERE ca.collaborator_id = ${me}))`;
  }
  return organisationInScope(scope, `${alias}.organisation_id`, params);
}

/** Task ids are bigint identities, carried as decimal strings. */
export const TASK_ID_PATTERN = /^[1-9]\d{0,17}$/;
