import type { SqlParams } from '../common/auth/scope.js';
import type { CampaignTargets } from './campaign.sql.js';

/**
 * The targeting rule, in one place: which organisations, channels and collaborators a campaign's
 * targets reach. Fan-out inserts tasks from these predicates and the launch preview counts them, so
 * the number an admin is shown is the number of tasks the launch creates.
 */
export interface TargetingSql {
  /** Organisation (alias given) is targeted. */
  organisation(alias: string): string;
  /** Channel (alias given) carries channel tasks. */
  channel(alias: string): string;
  /** Collaborator (alias given) gets personal-share tasks. */
  collaborator(alias: string): string;
}

export function targetingSql(targets: CampaignTargets, params: SqlParams): TargetingSql {
  const ids = params.add(targets.organisationIds ?? null);
  const subtree = params.add(targets.includeSubtree !== false);
  const platforms = params.add(targets.platforms ?? null);
  const tags = params.add(targets.collaboratorTags ?? null);
  return {
    organisation: (o) =>
      `(${o}.active AND (${ids}::uuid[] IS NULL OR (${subtree}::boolean AND ${o}.ancestors && ${ids}::uuid[])
                       OR (NOT ${subtree}::boolean AND ${o}.id = ANY(${ids}::uuid[]))))`,
    channel: (ch) => `(${ch}.active AND (${platforms}::text[] IS NULL OR ${ch}.platform = ANY(${platforms}::text[])))`,
    collaborator: (c) => `(${c}.active AND (${tags}::text[] IS NULL OR ${c}.tags && ${tags}::text[]))`,
  };
}
