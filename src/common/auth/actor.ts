export const ROLES = ['admin', 'secretary', 'collaborator'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling, loaded from the database on every request (never trusted from token claims),
 * with the request's id and IP for the audit log.
 */
export interface Actor {
  readonly userId: string;
  readonly login: string;
  readonly role: Role;
  /** The organisation a secretary is scoped to (its whole subtree); a collaborator's own unit. */
  readonly organisationId: string | null;
  /** The collaborator a collaborator account is linked to. */
  readonly collaboratorId: string | null;
  /** The session (refresh-token family) the access token was issued for, if any. */
  readonly sessionId?: string;
  readonly requestId?: string;
  readonly ip?: string;
}

/** An actor for work done by the system itself (worker jobs, CLI commands). */
export function systemActor(what: string): Actor {
  return { userId: '00000000-0000-0000-0000-000000000000', login: `system:${what}`, role: 'admin', organisationId: null, collaboratorId: null };
}
