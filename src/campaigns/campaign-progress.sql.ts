import type { EntityManager } from 'typeorm';

type TaskStatus = 'pending' | 'done' | 'unable' | 'expired';

/**
 * Moves one task between statuses in `campaign_progress`. Any code that changes a share_task's
 * status outside the task and campaign services (e.g. completion by proof image, review
 * rejection) must call this in the same transaction, or the progress counters drift
 * (`CampaignService.checkProgress` finds the drift).
 */
export async function recordStatusChange(
  m: EntityManager,
  task: { campaignId: string; organisationId: string },
  from: TaskStatus,
  to: TaskStatus,
  lateDelta: -1 | 0 | 1 = 0,
): Promise<void> {
  if (from === to && lateDelta === 0) return;
  await m.query(
    `UPDATE campaign_progress
        SET pending = pending - ($3 = 'pending')::int + ($4 = 'pending')::int,
            done = done - ($3 = 'done')::int + ($4 = 'done')::int,
            unable = unable - ($3 = 'unable')::int + ($4 = 'unable')::int,
            expired = expired - ($3 = 'expired')::int + ($4 = 'expired')::int,
            late = late + $5
      WHERE campaign_id = $1 AND organisation_id = $2`,
    [task.campaignId, task.organisationId, from, to, lateDelta],
  );
}
