import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * Campaigns, items and share tasks written by direct SQL, and task state changes applied by
 * UPDATE statements shaped like the task routes' (complete, unable, reopen, approve, reject,
 * set-based expiry, set-based fan-out). The report tallies are kept by triggers, so these are
 * exactly the writes the reports must follow.
 */
export async function createCampaign(ds: DataSource, input: { title?: string; deadline: Date | string; reviewRequired?: boolean; status?: string }): Promise<{ id: string }> {
  const [row] = await ds.query(
    `INSERT INTO campaign (title, deadline, review_required, status, launched_at) VALUES ($1, $2, $3, $4, now()) RETURNING id`,
    [input.title ?? `Đợt tuyên truyền ${randomBytes(3).toString('hex')}`, input.deadline, input.reviewRequired ?? false, input.status ?? 'active'],
  );
  return row;
}

export async function createItem(ds: DataSource, campaignId: string, input: { title?: string; url?: string; position?: number } = {}): Promise<{ id: string }> {
  const slug = randomBytes(4).toString('hex');
  const [row] = await ds.query(
    `INSERT INTO content_item (campaign_id, title, url, position) VALUES ($1, $2, $3, $4) RETURNING id`,
    [campaignId, input.title ?? `Tin bài ${slug}`, input.url ?? `https://baophuyen.vn/tin/${slug}`, input.position ?? 0],
  );
  return row;
}

export interface TaskInput {
  campaignId: string;
  itemId: string;
  organisationId: string;
  platform: string;
  channelId?: string;
  collaboratorId?: string;
  deadline: Date | string;
}

/** One pending task (a fan-out of one). */
export async function createTask(ds: DataSource, input: TaskInput): Promise<string> {
  const [row] = await ds.query(
    `INSERT INTO share_task (campaign_id, item_id, organisation_id, platform, channel_id, collaborator_id, deadline, review_status)
     SELECT $1, $2, $3, $4, $5, $6, $7, CASE WHEN c.review_required THEN 'pending' ELSE 'not_required' END
       FROM campaign c WHERE c.id = $1
     RETURNING id`,
    [input.campaignId, input.itemId, input.organisationId, input.platform, input.channelId ?? null, input.collaboratorId ?? null, input.deadline],
  );
  return String(row.id);
}

/** As POST /tasks/:id/complete: done with proof; late when after the deadline; awaiting review if the campaign requires it. */
export async function completeTask(ds: DataSource, id: string, at: Date | string, byCollaboratorId: string | null = null): Promise<void> {
  await ds.query(
    `UPDATE share_task t SET status = 'done', completed_at = $2, late = $2::timestamptz > t.deadline,
            completed_by_collaborator_id = $3, proof_url = 'https://facebook.com/posts/' || t.id,
            review_status = CASE WHEN c.review_required THEN 'pending' ELSE 'not_required' END,
            version = t.version + 1, updated_at = now()
       FROM campaign c WHERE c.id = t.campaign_id AND t.id = $1 AND t.status = 'pending'`,
    [id, at, byCollaboratorId],
  );
}

/** As POST /tasks/:id/unable. */
export async function markUnable(ds: DataSource, id: string, reason = 'Nhóm đã bị khoá'): Promise<void> {
  await ds.query(
    `UPDATE share_task SET status = 'unable', unable_reason = $2, version = version + 1, updated_at = now() WHERE id = $1 AND status = 'pending'`,
    [id, reason],
  );
}

/** As POST /tasks/:id/reopen: a completion (or unable) undone, back to pending. */
export async function reopenTask(ds: DataSource, id: string): Promise<void> {
  await ds.query(
    `UPDATE share_task t SET status = 'pending', completed_at = NULL, late = false, proof_url = NULL, unable_reason = NULL,
            completed_by_collaborator_id = NULL,
            review_status = CASE WHEN c.review_required THEN 'pending' ELSE 'not_required' END,
            version = t.version + 1, updated_at = now()
       FROM campaign c WHERE c.id = t.campaign_id AND t.id = $1 AND t.status IN ('done', 'unable')`,
    [id],
  );
}

/** As POST /tasks/:id/approve. */
export async function approveTask(ds: DataSource, id: string): Promise<void> {
  await ds.query(`UPDATE share_task SET review_status = 'approved', version = version + 1 WHERE id = $1 AND status = 'done' AND review_status = 'pending'`, [id]);
}

/** As POST /tasks/:id/reject: the task returns to pending. */
export async function rejectTask(ds: DataSource, id: string): Promise<void> {
  await ds.query(
    `UPDATE share_task SET status = 'pending', review_status = 'rejected', completed_at = NULL, late = false, version = version + 1
      WHERE id = $1 AND status = 'done' AND review_status = 'pending'`,
    [id],
  );
}

/** As the expiry job: one set-based UPDATE of every pending task past its deadline. */
export async function expireOverdue(ds: DataSource, now: Date | string): Promise<number> {
  const [, count] = await ds.query(`UPDATE share_task SET status = 'expired', version = version + 1 WHERE status = 'pending' AND deadline < $1`, [now]);
  return Number(count);
}

/**
 * As the launch fan-out: one INSERT…SELECT of `count` personal-share tasks for one item, spread
 * over the given collaborators (their own organisation), deadlines spread over `days` days.
 */
export async function fanOut(ds: DataSource, input: { campaignId: string; itemId: string; collaboratorIds: string[]; deadline: Date | string; spreadHours?: number }): Promise<number> {
  const [, count] = await ds.query(
    `INSERT INTO share_task (campaign_id, item_id, organisation_id, platform, collaborator_id, deadline, review_status)
     SELECT $1, $2, c.organisation_id, 'facebook_group', c.id,
            $4::timestamptz + make_interval(hours => (abs(hashtext(c.id::text)) % greatest($5::int, 1))),
            CASE WHEN k.review_required THEN 'pending' ELSE 'not_required' END
       FROM collaborator c CROSS JOIN campaign k
      WHERE c.id = ANY($3::uuid[]) AND k.id = $1
     ON CONFLICT DO NOTHING`,
    [input.campaignId, input.itemId, input.collaboratorIds, input.deadline, input.spreadHours ?? 1],
  );
  return Number(count);
}

/** The tallies must equal this: a direct count over share_task, grouped like report_org_tally. */
export async function directOrgCounts(ds: DataSource): Promise<string> {
  const rows = await ds.query(`
    SELECT (deadline AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text AS day, campaign_id, organisation_id, platform,
           count(*)::int AS assigned,
           count(*) FILTER (WHERE status = 'pending')::int AS pending,
           count(*) FILTER (WHERE status = 'done' AND review_status IN ('not_required','approved') AND completed_at <= deadline)::int AS on_time,
           count(*) FILTER (WHERE status = 'done' AND review_status IN ('not_required','approved') AND NOT (completed_at <= deadline))::int AS late,
           count(*) FILTER (WHERE status = 'done' AND review_status IN ('pending','rejected'))::int AS awaiting,
           count(*) FILTER (WHERE status = 'unable')::int AS unable,
           count(*) FILTER (WHERE status = 'expired')::int AS expired
      FROM share_task GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`);
  return JSON.stringify(rows);
}

export async function tallyOrgCounts(ds: DataSource): Promise<string> {
  const rows = await ds.query(`
    SELECT period_day::text AS day, campaign_id, organisation_id, platform,
           sum(assigned)::int AS assigned, sum(pending)::int AS pending, sum(done_on_time)::int AS on_time, sum(done_late)::int AS late,
           sum(awaiting_review)::int AS awaiting, sum(unable)::int AS unable, sum(expired)::int AS expired
      FROM report_org_tally GROUP BY 1, 2, 3, 4
    HAVING sum(assigned) <> 0 OR sum(pending) <> 0 OR sum(done_on_time) <> 0 OR sum(done_late) <> 0 OR sum(awaiting_review) <> 0 OR sum(unable) <> 0 OR sum(expired) <> 0
     ORDER BY 1, 2, 3, 4`);
  return JSON.stringify(rows);
}
