import { organisationInScope, type Scope, type SqlParams } from '../common/auth/scope.js';

/**
 * Who covers a share task: the one rule every task query (inbox, lists, completion, proof images,
 * reviews) applies in its WHERE clause.
 */

/**
 * SQL condition: the task aliased `alias` is assigned to the collaborator — personally or as an
 * administrator of its channel. The channels are collected once (`= ANY(ARRAY(…))` is an InitPlan),
 * so both arms use their index and Postgres ORs the two bitmaps; `channel_id IN (SELECT …)` in an OR
 * is a per-row filter and made every inbox read scan the whole task table (1.3 s at 10M tasks, 27 ms
 * this way; see bench/README.md, me-tasks).
 */
export function assignedTo(collaboratorParam: string, alias = 't'): string {
  return `(${alias}.collaborator_id = ${collaboratorParam}
           OR ${alias}.channel_id = ANY(ARRAY(SELECT ca.channel_id FROM channel_admin ca WHERE ca.collaborator_id = ${collaboratorParam})))`;
}

/**
 * SQL condition: the task lies in the scope. A collaborator covers the tasks assigned to it; a
 * secretary its organisation's subtree; an admin everything.
 */
export function taskInScope(scope: Scope, params: SqlParams, alias = 't'): string {
  if (scope.kind === 'self') return assignedTo(params.add(scope.collaboratorId), alias);
  return organisationInScope(scope, `${alias}.organisation_id`, params);
}

/** Task ids are bigint identities, carried as decimal strings. */
export const TASK_ID_PATTERN = /^[1-9]\d{0,17}$/;
