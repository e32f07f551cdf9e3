import type { Scope } from '../common/auth/scope.js';
import { SqlParams } from '../common/auth/scope.js';
import type { Platform } from '../channels/platform.js';

/** Targets as stored (campaign.targets jsonb), defaults applied. */
export interface CampaignTargets {
  organisationIds?: string[];
  includeSubtree: boolean;
  platforms?: Platform[];
  personalShares: boolean;
  collaboratorTags?: string[];
}

export function normaliseTargets(input: Partial<CampaignTargets> | undefined): CampaignTargets {
  const t: CampaignTargets = { includeSubtree: input?.includeSubtree ?? true, personalShares: input?.personalShares ?? false };
  if (input?.organisationIds) t.organisationIds = [...new Set(input.organisationIds.map((id) => id.toLowerCase()))];
  if (input?.platforms) t.platforms = [...new Set(input.platforms)];
  if (input?.collaboratorTags && input.collaboratorTags.length > 0) t.collaboratorTags = [...new Set(input.collaboratorTags)];
  return t;
}

/**
 * SQL condition: the campaign (alias `c`) is visible in the scope. Admins see all; a secretary sees
 * launched campaigns that target any organisation of its subtree (or everyone).
 */
export function campaignVisible(scope: Scope, alias: string, params: SqlParams): string {
  if (scope.kind === 'all') return 'TRUE';
  if (scope.kind === 'self') return 'FALSE';
  const me = params.add(scope.organisationId);
  return `(${alias}.status <> 'draft' AND (
      NOT (${alias}.targets ? 'organisationIds')
      OR EXISTS (
        SELECT 1 FROM organisation t
         WHERE t.id IN (SELECT jsonb_array_elements_text(${alias}.targets->'organisationIds')::uuid)
           AND (t.ancestors @> ARRAY[${me}]::uuid[]
                OR (coalesce((${alias}.targets->>'includeSubtree')::boolean, true)
                    AND t.id = ANY((SELECT s.ancestors FROM organisation s WHERE s.id = ${me})::uuid[]))))))`;
}

export { SqlParams };
