/**
 * Campaign progress per organisation. The counters are kept by the share_task triggers (see
 * migrations/1764300000000-ShardedCounters.ts) whatever code path changes a task, spread over a
 * few shard rows per key so concurrent completions do not queue on one row: always read them
 * summed, through this.
 *
 * `campaignParam` is the SQL placeholder of the campaign id.
 */
export function progressByOrganisation(campaignParam: string): string {
  return `(SELECT campaign_id, organisation_id, sum(total)::int AS total, sum(pending)::int AS pending, sum(done)::int AS done,
                  sum(unable)::int AS unable, sum(expired)::int AS expired, sum(late)::int AS late
             FROM campaign_progress WHERE campaign_id = ${campaignParam}
            GROUP BY campaign_id, organisation_id)`;
}

/** The closing summary frozen on the campaign: one object per organisation. */
export function closingSummary(campaignParam: string): string {
  return `(SELECT coalesce(jsonb_agg(to_jsonb(p) - 'campaign_id' ORDER BY p.organisation_id), '[]'::jsonb) FROM ${progressByOrganisation(campaignParam)} p)`;
}
