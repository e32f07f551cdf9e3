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
  // Parameters are added when a predicate is first used, so a statement carries only those it references.
  const memo = new Map<string, string>();
  const param = (name: string, value: unknown) => memo.get(name) ?? (memo.set(name, params.add(value)), memo.get(name)!);
  return {
    organisation: (o) => {
      const ids = param('ids', targets.organisationIds ?? null);
      const subtree = param('subtree', targets.includeSubtree !== false);
      return `(${o}.active AND (${ids}::uuid[] IS NULL OR (${subtree}::boolean AND ${o}.ancestors && ${ids}::uuid[])
                       OR (NOT ${subtree}::boolean AND ${o}.id = ANY(${ids}::uuid[]))))`;
    },
    channel: (ch) => {
      const platforms = param('platforms', targets.platforms ?? null);
      return `(${ch}.active AND (${platforms}::text[] IS NULL OR ${ch}.platform = ANY(${platforms}::text[])))`;
    },
    collaborator: (c) => {
      const tags = param('tags', targets.collaboratorTags ?? null);
      return `(${c}.active AND (${tags}::text[] IS NULL OR ${c}.tags && ${tags}::text[]))`;
    },
  };
}
