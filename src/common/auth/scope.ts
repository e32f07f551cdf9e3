import type { Actor } from './actor.js';

/**
 * Which rows an actor may see. Every repository method over organisation-owned data takes a
 * Scope first and puts it in its WHERE clause, so a forgotten scope is a type error.
 */
export type Scope =
  | { readonly kind: 'all' }
  /** An organisation and its whole subtree (a secretary). */
  | { readonly kind: 'subtree'; readonly organisationId: string }
  /** One person: own profile, own tasks, channels administered (a collaborator). */
  | { readonly kind: 'self'; readonly collaboratorId: string; readonly organisationId: string | null };

const NOTHING = '00000000-0000-0000-0000-000000000000';

export function scopeOf(actor: Actor): Scope {
  switch (actor.role) {
    case 'admin':
      return { kind: 'all' };
    case 'secretary':
      return { kind: 'subtree', organisationId: actor.organisationId ?? NOTHING };
    case 'collaborator':
      return { kind: 'self', collaboratorId: actor.collaboratorId ?? NOTHING, organisationId: actor.organisationId };
  }
}

/** Collects positional parameters for hand-written SQL (`$1`, `$2`, …). */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * SQL condition: `column` (an organisation id) lies in the scope. A collaborator's scope covers
 * its own organisation only.
 */
export function organisationInScope(scope: Scope, column: string, params: SqlParams): string {
  switch (scope.kind) {
    case 'all':
      return 'TRUE';
    case 'subtree':
      return `${column} IN (SELECT o.id FROM organisation o WHERE o.ancestors @> ARRAY[${params.add(scope.organisationId)}]::uuid[])`;
    case 'self':
      return scope.organisationId ? `${column} = ${params.add(scope.organisationId)}` : 'FALSE';
  }
}

/**
 * SQL condition: the collaborator in `column` lies in the scope — in a subtree for secretaries,
 * only oneself for collaborators.
 */
export function collaboratorInScope(scope: Scope, collaboratorColumn: string, organisationColumn: string, params: SqlParams): string {
  if (scope.kind === 'self') return `${collaboratorColumn} = ${params.add(scope.collaboratorId)}`;
  return organisationInScope(scope, organisationColumn, params);
}
