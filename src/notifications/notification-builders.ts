import type { PeopleMessages } from './notification-outbox.repository.js';

/**
 * Set-based message builders: each returns the SELECT that yields one message per recipient
 * (see PeopleMessages.sql). All text is Vietnamese; times are shown in Asia/Ho_Chi_Minh.
 */
const LOCAL = `'Asia/Ho_Chi_Minh'`;
const MAX_LINES = 20;

/**
 * Open tasks of a campaign per person (personal tasks, and tasks of channels the person
 * administers) with what a digest line shows. A task is either personal or a channel's
 * (share_task_target) and channel_admin's key is (channel, person), so UNION ALL yields each
 * (task, person) once: no de-duplicating sort, and no second visit of share_task by id (at a
 * launch of 5M tasks those were most of the digest's time).
 */
const personOpenTasks = (campaignParam: string) => `
  SELECT t.id, t.collaborator_id AS person, t.item_id, NULL::uuid AS channel_id FROM share_task t
   WHERE t.campaign_id = ${campaignParam} AND t.status = 'pending' AND t.collaborator_id IS NOT NULL
  UNION ALL
  SELECT t.id, ca.collaborator_id, t.item_id, t.channel_id FROM share_task t JOIN channel_admin ca ON ca.channel_id = t.channel_id
   WHERE t.campaign_id = ${campaignParam} AND t.status = 'pending'`;

/** One message per person listing that person's open tasks in the campaign (digest / reminder). */
function taskDigest(campaignId: string, heading: string): Pick<PeopleMessages, 'sql' | 'params'> {
  return {
    params: [campaignId, heading],
    sql: `
      SELECT t.person AS collaborator_id, NULL::uuid AS user_id,
             $2 || ': ' || cp.title AS title,
             'Chiến dịch "' || cp.title || '" — ' || count(*) || ' nhiệm vụ, hạn chót '
               || to_char(cp.deadline AT TIME ZONE ${LOCAL}, 'HH24:MI DD/MM/YYYY') || E':\\n'
               || array_to_string((array_agg('- ' || ci.title || ' → ' || coalesce(ch.name, 'tài khoản cá nhân') || ' (' || ci.url || ')' ORDER BY t.id))[1:${MAX_LINES}], E'\\n')
               || CASE WHEN count(*) > ${MAX_LINES} THEN E'\\n… và ' || (count(*) - ${MAX_LINES}) || ' nhiệm vụ khác' ELSE '' END AS body,
             jsonb_build_object('campaignId', cp.id, 'count', count(*), 'taskIds', jsonb_agg(t.id ORDER BY t.id),
                                'deadline', to_char(cp.deadline AT TIME ZONE ${LOCAL}, 'HH24:MI DD/MM/YYYY')) AS data
        FROM (${personOpenTasks('$1')}) t
        JOIN campaign cp ON cp.id = $1
        JOIN content_item ci ON ci.id = t.item_id
        LEFT JOIN channel ch ON ch.id = t.channel_id
        JOIN collaborator c ON c.id = t.person AND c.active
       GROUP BY t.person, cp.id, cp.title, cp.deadline`,
  };
}

export function assignmentDigests(campaignId: string, launchKey: string): PeopleMessages {
  return { event: 'tasks.assigned', eventKey: `tasks.assigned:${campaignId}:${launchKey}`, ...taskDigest(campaignId, 'Nhiệm vụ chia sẻ mới') };
}

/** Only people with tasks still open get a row: the digest query yields nobody else. */
export function reminders(campaignId: string, offset: string): PeopleMessages {
  return { event: 'tasks.reminder', eventKey: `tasks.reminder:${campaignId}:${offset}`, ...taskDigest(campaignId, `Nhắc việc (còn ${offset})`) };
}

export function reopenNotice(taskId: string, reopenKey: string, reason: string | null): PeopleMessages {
  return {
    event: 'task.reopened',
    eventKey: `task.reopened:${taskId}:${reopenKey}`,
    params: [taskId, reason],
    sql: `
      SELECT p.person AS collaborator_id, NULL::uuid AS user_id,
             'Nhiệm vụ được mở lại: ' || ci.title AS title,
             'Nhiệm vụ chia sẻ "' || ci.title || '" (chiến dịch "' || cp.title || '") đã được mở lại'
               || coalesce(' — lý do: ' || $2::text, '') || '. Hạn chót '
               || to_char(t.deadline AT TIME ZONE ${LOCAL}, 'HH24:MI DD/MM/YYYY') || '.' AS body,
             jsonb_build_object('campaignId', cp.id, 'taskId', t.id, 'count', 1,
                                'deadline', to_char(t.deadline AT TIME ZONE ${LOCAL}, 'HH24:MI DD/MM/YYYY')) AS data
        FROM share_task t
        JOIN campaign cp ON cp.id = t.campaign_id
        JOIN content_item ci ON ci.id = t.item_id
        JOIN LATERAL (SELECT t.collaborator_id AS person WHERE t.collaborator_id IS NOT NULL
                      UNION SELECT ca.collaborator_id FROM channel_admin ca WHERE ca.channel_id = t.channel_id) p ON true
       WHERE t.id = $1::bigint`,
  };
}

/**
 * A unit's secretaries: users with role secretary of the organisation, and the collaborator named
 * in organisation.secretary_collaborator_id unless that person already has such a login.
 */
export const UNIT_SECRETARIES = `
  SELECT u.id AS user_id, NULL::uuid AS collaborator_id, u.organisation_id AS org
    FROM app_user u WHERE u.role = 'secretary' AND u.disabled_at IS NULL
  UNION ALL
  SELECT NULL::uuid, o.secretary_collaborator_id, o.id FROM organisation o
   WHERE o.secretary_collaborator_id IS NOT NULL AND o.active
     AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.collaborator_id = o.secretary_collaborator_id
                       AND u.role = 'secretary' AND u.organisation_id = o.id AND u.disabled_at IS NULL)`;

const ADMINS = `SELECT u.id AS user_id, NULL::uuid AS collaborator_id FROM app_user u WHERE u.role = 'admin' AND u.disabled_at IS NULL`;

/** Per secretary: its subtree's open and late tasks in active campaigns, and who has done nothing. */
export function secretaryDailySummaries(now: Date, localDate: string): PeopleMessages {
  return {
    event: 'secretary.daily_summary',
    eventKey: `secretary.daily_summary:${localDate}`,
    params: [now, localDate],
    sql: `
      WITH sec AS (${UNIT_SECRETARIES}),
      units AS (SELECT DISTINCT org FROM sec),
      unit_tasks AS (
        SELECT un.org, t.id, t.status, t.deadline, t.collaborator_id, t.channel_id
          FROM units un
          JOIN organisation o ON o.ancestors @> ARRAY[un.org]
          JOIN share_task t ON t.organisation_id = o.id
          JOIN campaign cp ON cp.id = t.campaign_id AND cp.status = 'active'),
      stats AS (
        SELECT org, count(*) FILTER (WHERE status = 'pending') AS open,
               count(*) FILTER (WHERE status = 'pending' AND deadline < $1) AS late
          FROM unit_tasks GROUP BY org),
      person_tasks AS (
        SELECT ut.org, ut.collaborator_id AS person, ut.status FROM unit_tasks ut WHERE ut.collaborator_id IS NOT NULL
        UNION ALL
        SELECT ut.org, ca.collaborator_id, ut.status FROM unit_tasks ut JOIN channel_admin ca ON ca.channel_id = ut.channel_id),
      idle AS (
        SELECT org, count(*) AS n, string_agg(full_name, ', ' ORDER BY full_name) FILTER (WHERE rn <= ${MAX_LINES}) AS names
          FROM (SELECT pt.org, c.full_name, row_number() OVER (PARTITION BY pt.org ORDER BY c.full_name) AS rn
                  FROM person_tasks pt JOIN collaborator c ON c.id = pt.person
                 GROUP BY pt.org, c.id, c.full_name HAVING bool_and(pt.status <> 'done')) x
         GROUP BY org)
      SELECT sec.collaborator_id, sec.user_id,
             'Tình hình chia sẻ ngày ' || to_char($2::date, 'DD/MM/YYYY') || ': ' || o.name AS title,
             'Đơn vị ' || o.name || ': ' || coalesce(s.open, 0) || ' nhiệm vụ chưa hoàn thành, trong đó '
               || coalesce(s.late, 0) || ' đã quá hạn.'
               || CASE WHEN i.n > 0 THEN E'\\nChưa thực hiện nhiệm vụ nào (' || i.n || ' người): ' || i.names ELSE '' END AS body,
             jsonb_build_object('organisationId', o.id, 'open', coalesce(s.open, 0), 'late', coalesce(s.late, 0),
                                'idle', coalesce(i.n, 0), 'count', coalesce(s.open, 0)) AS data
        FROM sec JOIN organisation o ON o.id = sec.org
        LEFT JOIN stats s ON s.org = sec.org
        LEFT JOIN idle i ON i.org = sec.org
       WHERE coalesce(s.open, 0) > 0 OR coalesce(i.n, 0) > 0`,
  };
}

export function campaignClosedSummary(campaignId: string): PeopleMessages {
  return {
    event: 'campaign.closed',
    eventKey: `campaign.closed:${campaignId}`,
    params: [campaignId],
    sql: `
      WITH s AS (
        SELECT count(*) AS total, count(*) FILTER (WHERE status = 'done') AS done,
               count(*) FILTER (WHERE status = 'done' AND late) AS late,
               count(*) FILTER (WHERE status = 'unable') AS unable, count(*) FILTER (WHERE status = 'expired') AS expired
          FROM share_task WHERE campaign_id = $1),
      worst AS (
        SELECT string_agg(name || ' ' || pct || '%', ', ' ORDER BY pct, name) AS names
          FROM (SELECT o.name, round(100.0 * count(*) FILTER (WHERE t.status = 'done') / count(*)) AS pct
                  FROM share_task t JOIN organisation o ON o.id = t.organisation_id
                 WHERE t.campaign_id = $1 GROUP BY o.id, o.name ORDER BY 2, 1 LIMIT 5) w)
      SELECT a.collaborator_id, a.user_id,
             'Tổng kết chiến dịch: ' || cp.title AS title,
             'Chiến dịch "' || cp.title || '" đã kết thúc. ' || s.done || '/' || s.total || ' nhiệm vụ hoàn thành ('
               || s.late || ' trễ hạn), ' || s.unable || ' không thực hiện được, ' || s.expired || ' quá hạn.'
               || coalesce(E'\\nĐơn vị thấp nhất: ' || worst.names, '') AS body,
             jsonb_build_object('campaignId', cp.id, 'total', s.total, 'done', s.done, 'late', s.late,
                                'unable', s.unable, 'expired', s.expired, 'count', s.total) AS data
        FROM (${ADMINS}) a CROSS JOIN s CROSS JOIN worst JOIN campaign cp ON cp.id = $1`,
  };
}

/**
 * Tasks still open within `hoursBefore` of their deadline, per campaign, escalated to the secretary
 * of the nearest organisation (the task's own, else its closest ancestor) that has one. Once per
 * campaign and unit.
 */
export function escalations(now: Date, hoursBefore: number, campaignId: string): PeopleMessages {
  return {
    event: 'tasks.escalated',
    eventKey: `tasks.escalated:${campaignId}`,
    params: [now, hoursBefore, campaignId],
    sql: `
      WITH sec AS (${UNIT_SECRETARIES}),
      g AS (
        SELECT t.organisation_id AS org, count(*) AS n
          FROM share_task t
         WHERE t.campaign_id = $3 AND t.status = 'pending'
           AND t.deadline > $1 AND t.deadline <= $1::timestamptz + make_interval(hours => $2::int)
         GROUP BY t.organisation_id),
      target AS (
        SELECT DISTINCT ON (g.org) g.org, g.n, a.id AS sec_org
          FROM g JOIN organisation o ON o.id = g.org
          JOIN organisation a ON a.id = ANY(o.ancestors)
         WHERE EXISTS (SELECT 1 FROM sec WHERE sec.org = a.id)
         ORDER BY g.org, a.depth DESC),
      per_sec AS (
        SELECT t.sec_org, sum(t.n) AS n, string_agg(o.name || ' (' || t.n || ')', ', ' ORDER BY t.n DESC, o.name) AS units
          FROM target t JOIN organisation o ON o.id = t.org GROUP BY t.sec_org)
      SELECT sec.collaborator_id, sec.user_id,
             'Cảnh báo: nhiệm vụ sắp hết hạn — ' || cp.title AS title,
             'Còn ' || ps.n || ' nhiệm vụ chưa hoàn thành, hạn chót '
               || to_char(cp.deadline AT TIME ZONE ${LOCAL}, 'HH24:MI DD/MM/YYYY') || E'.\\nĐơn vị: ' || ps.units AS body,
             jsonb_build_object('campaignId', cp.id, 'organisationId', ps.sec_org, 'count', ps.n,
                                'deadline', to_char(cp.deadline AT TIME ZONE ${LOCAL}, 'HH24:MI DD/MM/YYYY')) AS data
        FROM per_sec ps JOIN sec ON sec.org = ps.sec_org JOIN campaign cp ON cp.id = $3`,
  };
}

/** Units of a campaign under `percent` completion, sent to every admin. Once per campaign. */
export function unitsBehind(campaignId: string, percent: number): PeopleMessages {
  return {
    event: 'units.behind',
    eventKey: `units.behind:${campaignId}`,
    params: [campaignId, percent],
    sql: `
      WITH u AS (
        SELECT o.name, round(100.0 * count(*) FILTER (WHERE t.status = 'done') / count(*)) AS pct
          FROM share_task t JOIN organisation o ON o.id = t.organisation_id
         WHERE t.campaign_id = $1 GROUP BY o.id, o.name),
      behind AS (SELECT count(*) AS n, string_agg(name || ' ' || pct || '%', ', ' ORDER BY pct, name) AS names FROM u WHERE pct < $2)
      SELECT a.collaborator_id, a.user_id,
             'Đơn vị chậm tiến độ: ' || cp.title AS title,
             behind.n || ' đơn vị dưới ' || $2 || '% hoàn thành, hạn chót '
               || to_char(cp.deadline AT TIME ZONE ${LOCAL}, 'HH24:MI DD/MM/YYYY') || E':\\n' || behind.names AS body,
             jsonb_build_object('campaignId', cp.id, 'count', behind.n) AS data
        FROM (${ADMINS}) a CROSS JOIN behind JOIN campaign cp ON cp.id = $1
       WHERE behind.n > 0`,
  };
}

/**
 * Scheduled reports for subscribers of `period`, covering [from, to): the figures in the message,
 * and `exportFilters` — the period of the reports feature's organisations export that the e-mail
 * delivery builds for the subscriber's own scope and attaches (see ScheduledReportExports).
 */
export function scheduledReports(period: 'weekly' | 'monthly', periodKey: string, from: Date, to: Date): PeopleMessages {
  const exportFilters = period === 'weekly' ? { period: 'week', date: periodKey } : { period: 'month', date: `${periodKey}-01` };
  return {
    event: 'report.scheduled',
    eventKey: `report.scheduled:${period}:${periodKey}`,
    channels: ['in_app', 'email'],
    params: [period, from, to, periodKey, JSON.stringify(exportFilters)],
    sql: `
      SELECT NULL::uuid AS collaborator_id, u.id AS user_id,
             'Báo cáo ' || CASE $1 WHEN 'weekly' THEN 'tuần' ELSE 'tháng' END || ' ' || $4 AS title,
             'Kết quả chia sẻ ' || coalesce(o.name, 'toàn hệ thống') || ': ' || coalesce(s.done, 0) || '/' || coalesce(s.total, 0)
               || ' nhiệm vụ hoàn thành (hạn chót trong kỳ).' AS body,
             jsonb_build_object('period', $1, 'periodKey', $4, 'done', coalesce(s.done, 0), 'count', coalesce(s.total, 0),
                                'exportFilters', $5::jsonb) AS data
        FROM app_user u
        JOIN notification_preference p ON p.user_id = u.id AND $1 = ANY(p.report_periods)
        LEFT JOIN organisation o ON o.id = u.organisation_id
        LEFT JOIN LATERAL (
          SELECT count(*) AS total, count(*) FILTER (WHERE t.status = 'done') AS done FROM share_task t
           WHERE t.deadline >= $2 AND t.deadline < $3
             AND (u.role = 'admin' OR t.organisation_id IN (SELECT x.id FROM organisation x WHERE x.ancestors @> ARRAY[u.organisation_id]))) s ON true
       WHERE u.disabled_at IS NULL AND u.role IN ('admin', 'secretary')`,
  };
}
