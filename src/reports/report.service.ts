import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Scope, SqlParams, organisationInScope } from '../common/auth/scope.js';
import { NotFoundError, ValidationError } from '../common/errors/domain.error.js';
import type { BoardQueryDto, CollaboratorReportQueryDto, OrganisationReportQueryDto, PeriodQueryDto } from './dto/report-query.dto.js';
import { type Figures, denseRank, figuresFrom, sumTallySql } from './report-figures.js';
import { TALLY_COLUMNS } from '../../migrations/1764180000000-ReportTallies.js';
import { type DayRange, type ResolvedPeriod, isValidDay, localToday, resolvePeriod, splitByMonths } from './report-period.util.js';

export interface OrganisationReportRow extends Figures {
  organisationId: string;
  name: string;
  code: string;
  kind: string;
  parentId: string | null;
  rank: number;
  previous?: { completionRate: number | null; onTimeRate: number | null };
  change?: { completionRate: number | null; onTimeRate: number | null };
  channels: number;
  activeCollaborators: number;
  /** Findings: a unit with no channel or no active collaborator is listed as such. */
  noChannel: boolean;
  noActiveCollaborator: boolean;
}

export interface PeriodOut {
  kind: string;
  from: string;
  to: string;
  previous: DayRange;
}

const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : Math.round((a - b) * 10_000) / 10_000);

/**
 * Reports read the tallies kept by the share_task triggers (migration ReportTallies), never a
 * scan of every task: figures of a unit are its own tasks plus those of its sub-units.
 * Every method takes the caller's Scope first and applies it in SQL.
 */
@Injectable()
export class ReportService {
  constructor(private readonly dataSource: DataSource) {}

  period(query: PeriodQueryDto): ResolvedPeriod | null {
    for (const field of ['date', 'from', 'to'] as const) {
      const v = query[field];
      if (v && !isValidDay(v)) throw new ValidationError([{ field, code: 'isDate', message: `${field} is not a calendar day` }]);
    }
    if (query.period && (query.from || query.to)) {
      throw new ValidationError([{ field: 'period', code: 'exclusive', message: 'give either period (with date) or from/to, not both' }]);
    }
    if (query.from && query.to && query.from > query.to) {
      throw new ValidationError([{ field: 'to', code: 'range', message: 'to must not be before from' }]);
    }
    return resolvePeriod(query);
  }

  private dayFilter(range: DayRange | null, params: SqlParams, column = 'period_day'): string {
    if (!range) return 'TRUE';
    return `${column} BETWEEN ${params.add(range.from)}::date AND ${params.add(range.to)}::date`;
  }

  private async assertOrganisation(scope: Scope, id: string): Promise<{ id: string; name: string; code: string; kind: string; parent_id: string | null }> {
    const params = new SqlParams();
    const [row] = await this.dataSource.query(
      `SELECT id, name, code, kind, parent_id FROM organisation o WHERE o.id = ${params.add(id)} AND ${organisationInScope(scope, 'o.id', params)}`,
      params.values,
    );
    if (!row) throw new NotFoundError('Organisation', id);
    return row;
  }

  private async assertCampaign(scope: Scope, id: string): Promise<void> {
    const params = new SqlParams();
    const [row] = await this.dataSource.query(
      `SELECT c.id FROM campaign c WHERE c.id = ${params.add(id)}
         AND (${scope.kind === 'all' ? 'TRUE' : `EXISTS (SELECT 1 FROM report_org_tally t WHERE t.campaign_id = c.id AND ${organisationInScope(scope, 't.organisation_id', params)})`})`,
      params.values,
    );
    if (!row) throw new NotFoundError('Campaign', id);
  }

  /**
   * The units matching `orgWhere` (`listed`), every unit inside their subtrees (`inside`, GIN
   * overlap on ancestors) and the active ones among those (`activeInside`), as id arrays: later
   * statements take them as parameters, so the planner knows how many units it reads for (a
   * subtree CTE is estimated at a handful of rows and sends the scans into per-unit probes).
   */
  private async units(orgWhere: (p: SqlParams) => string): Promise<{ listed: string[]; inside: string[]; activeInside: string[] }> {
    const params = new SqlParams();
    const [row]: Array<{ listed: string[] | null; inside: string[] | null; active_inside: string[] | null }> = await this.dataSource.query(
      `WITH listed AS (SELECT array_agg(o.id) AS ids FROM organisation o WHERE ${orgWhere(params)}),
            inside AS (SELECT s.id, s.active FROM organisation s, listed WHERE s.ancestors && listed.ids)
       SELECT listed.ids AS listed,
              (SELECT array_agg(id) FROM inside) AS inside,
              (SELECT array_agg(id) FROM inside WHERE active) AS active_inside
         FROM listed`,
      params.values,
    );
    return { listed: row?.listed ?? [], inside: row?.inside ?? [], activeInside: row?.active_inside ?? [] };
  }

  /**
   * Rolled-up figures per organisation (own tasks + sub-units'), for the `listed` units over the
   * `inside` units' tallies, for `range` and (when given) `previous`, in one statement: each tally
   * row is summed once into its own unit (current or previous bucket), then the per-unit sums are
   * added up each unit's ancestors. Tally rows are summed, never assumed one per key (shards).
   * Without a campaign, whole months come from report_org_month (one row per unit, month and
   * shard) and only the days of a partly covered month from report_org_tally, each period split
   * on its own (so a month shared by both periods is read by days); a campaign's figures come
   * from its rows of report_org_tally.
   */
  private async rolledUp(
    range: DayRange | null,
    previous: DayRange | null,
    campaignId: string | undefined,
    units: { listed: string[]; inside: string[] },
  ): Promise<{ current: Map<string, Record<string, unknown>>; previous: Map<string, Record<string, unknown>> }> {
    if (!units.listed.length || !units.inside.length) return { current: new Map(), previous: new Map() };
    const params = new SqlParams();
    const inside = `t.organisation_id = ANY(${params.add(units.inside)}::uuid[])`;
    const columns = TALLY_COLUMNS.map((c) => `t.${c}`).join(', ');
    const parts: string[] = [];
    if (campaignId) {
      const campaign = `t.campaign_id = ${params.add(campaignId)}`;
      for (const [r, current] of [[range, true], [previous, false]] as const) {
        if (r) parts.push(`SELECT t.organisation_id, ${current} AS current, ${columns} FROM report_org_tally t WHERE ${inside} AND ${campaign} AND ${this.dayFilter(r, params, 't.period_day')}`);
      }
      if (!range) parts.push(`SELECT t.organisation_id, true AS current, ${columns} FROM report_org_tally t WHERE ${inside} AND ${campaign}`);
    } else if (!range) {
      parts.push(`SELECT t.organisation_id, true AS current, ${columns} FROM report_org_month t WHERE ${inside}`);
    } else {
      for (const [r, current] of [[range, true], [previous, false]] as const) {
        if (!r) continue;
        const { months, days } = splitByMonths(r);
        if (months) {
          parts.push(`SELECT t.organisation_id, ${current} AS current, ${columns} FROM report_org_month t
                       WHERE ${inside} AND t.period_month BETWEEN ${params.add(months.from)}::date AND ${params.add(months.to)}::date`);
        }
        if (days.length) {
          parts.push(`SELECT t.organisation_id, ${current} AS current, ${columns} FROM report_org_tally t
                       WHERE ${inside} AND (${days.map((d) => this.dayFilter(d, params, 't.period_day')).join(' OR ')})`);
        }
      }
    }
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `WITH own AS (
              SELECT t.organisation_id, t.current, ${sumTallySql('t')}
                FROM (${parts.join(' UNION ALL ')}) t
               GROUP BY 1, 2)
       SELECT anc AS organisation_id, own.current,
              sum(own.assigned) AS assigned, sum(own.on_time) AS on_time, sum(own.late) AS late,
              sum(own.awaiting_review) AS awaiting_review, sum(own.unable) AS unable,
              sum(own.expired) AS expired, sum(own.pending) AS pending
         FROM own JOIN organisation s ON s.id = own.organisation_id
        CROSS JOIN LATERAL unnest(s.ancestors) AS anc
        WHERE anc = ANY(${params.add(units.listed)}::uuid[])
        GROUP BY 1, 2`,
      params.values,
    );
    const current = new Map<string, Record<string, unknown>>();
    const before = new Map<string, Record<string, unknown>>();
    for (const r of rows) (r.current === true ? current : before).set(String(r.organisation_id), r);
    return { current, previous: before };
  }

  async organisations(scope: Scope, query: OrganisationReportQueryDto): Promise<{ items: OrganisationReportRow[]; period?: PeriodOut }> {
    const period = this.period(query);
    if (query.subtreeOf) await this.assertOrganisation(scope, query.subtreeOf);
    if (query.campaignId) await this.assertCampaign(scope, query.campaignId);
    const orgWhere = (params: SqlParams) =>
      [
        'o.active',
        organisationInScope(scope, 'o.id', params),
        query.kind ? `o.kind = ${params.add(query.kind)}` : 'TRUE',
        query.subtreeOf ? `o.ancestors @> ARRAY[${params.add(query.subtreeOf)}]::uuid[]` : 'TRUE',
      ].join(' AND ');
    const units = await this.units(orgWhere);
    if (!units.listed.length) return { items: [], ...(period ? { period: { kind: period.kind, from: period.from, to: period.to, previous: period.previous } } : {}) };
    const params = new SqlParams();
    const active = params.add(units.activeInside);
    const listed = params.add(units.listed);
    // The listed units with their active channels and people (counted per active unit inside, in
    // one grouped scan each, then added up each unit's ancestors), and their figures: two
    // statements on two pool connections at once.
    const [orgs, figures]: [Array<Record<string, unknown>>, Awaited<ReturnType<ReportService['rolledUp']>>] = await Promise.all([
      this.dataSource.query(
        `WITH channels AS (SELECT ch.organisation_id AS id, count(*) AS n FROM channel ch WHERE ch.active AND ch.organisation_id = ANY(${active}::uuid[]) GROUP BY 1),
              people AS (SELECT c.organisation_id AS id, count(*) AS n FROM collaborator c WHERE c.active AND c.organisation_id = ANY(${active}::uuid[]) GROUP BY 1),
              rolled AS (
                SELECT anc AS id, sum(ch.n) AS channels, sum(pe.n) AS people
                  FROM organisation s
                  LEFT JOIN channels ch ON ch.id = s.id
                  LEFT JOIN people pe ON pe.id = s.id
                 CROSS JOIN LATERAL unnest(s.ancestors) anc
                 WHERE s.id = ANY(${active}::uuid[]) AND anc = ANY(${listed}::uuid[])
                 GROUP BY anc)
         SELECT o.id, o.name, o.code, o.kind, o.parent_id,
                coalesce(r.channels, 0)::int AS channels, coalesce(r.people, 0)::int AS active_collaborators
           FROM organisation o LEFT JOIN rolled r ON r.id = o.id
          WHERE o.id = ANY(${listed}::uuid[])
          ORDER BY o.code`,
        params.values,
      ),
      this.rolledUp(period, period?.previous ?? null, query.campaignId, units),
    ]);
    const current = figures.current;
    const previous = period ? figures.previous : null;
    const items: OrganisationReportRow[] = orgs.map((o) => {
      const figures = figuresFrom(current.get(String(o.id)) ?? {});
      const row: OrganisationReportRow = {
        organisationId: String(o.id),
        name: String(o.name),
        code: String(o.code),
        kind: String(o.kind),
        parentId: (o.parent_id as string | null) ?? null,
        ...figures,
        rank: 0,
        channels: Number(o.channels),
        activeCollaborators: Number(o.active_collaborators),
        noChannel: Number(o.channels) === 0,
        noActiveCollaborator: Number(o.active_collaborators) === 0,
      };
      if (previous) {
        const p = figuresFrom(previous.get(String(o.id)) ?? {});
        row.previous = { completionRate: p.completionRate, onTimeRate: p.onTimeRate };
        row.change = { completionRate: diff(figures.completionRate, p.completionRate), onTimeRate: diff(figures.onTimeRate, p.onTimeRate) };
      }
      return row;
    });
    // Peers: listed units under the same parent (the 73 grassroots units share the bloc committee).
    const byParent = new Map<string, OrganisationReportRow[]>();
    for (const r of items) {
      const peers = byParent.get(r.parentId ?? '');
      if (peers) peers.push(r);
      else byParent.set(r.parentId ?? '', [r]);
    }
    for (const peers of byParent.values()) for (const [r, rank] of denseRank(peers)) r.rank = rank;
    return { items, ...(period ? { period: { kind: period.kind, from: period.from, to: period.to, previous: period.previous } } : {}) };
  }

  async organisation(scope: Scope, id: string, query: PeriodQueryDto) {
    const org = await this.assertOrganisation(scope, id);
    const period = this.period(query);
    if (query.campaignId) await this.assertCampaign(scope, query.campaignId);
    const totals = figuresFrom((await this.rolledUp(period, null, query.campaignId, await this.units((p) => `o.id = ${p.add(id)}`))).current.get(id) ?? {});
    const subUnits = await this.organisations(scope, { ...query, subtreeOf: id });

    const params = new SqlParams();
    const subtree = `organisation_id IN (SELECT s.id FROM organisation s WHERE s.ancestors @> ARRAY[${params.add(id)}]::uuid[])`;
    const campaigns: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT t.campaign_id, c.title, c.deadline, ${sumTallySql('t')}
         FROM report_org_tally t JOIN campaign c ON c.id = t.campaign_id
        WHERE ${subtree.replace('organisation_id', 't.organisation_id')} AND ${this.dayFilter(period, params, 't.period_day')}
          ${query.campaignId ? `AND t.campaign_id = ${params.add(query.campaignId)}` : ''}
        GROUP BY t.campaign_id, c.title, c.deadline ORDER BY c.deadline DESC, c.title`,
      params.values,
    );
    // Open tasks per person: pending tasks only (bounded), through share_task_collaborator_idx.
    const p2 = new SqlParams();
    const open: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT c.id, c.full_name, c.code, c.organisation_id,
              count(*)::int AS open,
              count(*) FILTER (WHERE st.deadline < now())::int AS overdue,
              min(st.deadline) AS oldest_deadline,
              floor(extract(epoch FROM (now() - min(st.deadline))) / 86400)::int AS max_days_late
         FROM collaborator c JOIN share_task st ON st.collaborator_id = c.id AND st.status = 'pending'
        WHERE c.organisation_id IN (SELECT s.id FROM organisation s WHERE s.ancestors @> ARRAY[${p2.add(id)}]::uuid[])
          ${query.campaignId ? `AND st.campaign_id = ${p2.add(query.campaignId)}` : ''}
        GROUP BY c.id ORDER BY overdue DESC, oldest_deadline, c.full_name`,
      p2.values,
    );
    const people = await this.collaborators(scope, { ...query, organisationId: id });
    return {
      organisation: { organisationId: org.id, name: org.name, code: org.code, kind: org.kind },
      totals,
      ...(period ? { period: { kind: period.kind, from: period.from, to: period.to, previous: period.previous } } : {}),
      campaigns: campaigns.map((c) => ({ campaignId: c.campaign_id, title: c.title, deadline: c.deadline, ...figuresFrom(c) })),
      collaborators: people.items,
      openTasks: open.map((o) => ({
        collaboratorId: o.id,
        fullName: o.full_name,
        code: o.code,
        organisationId: o.organisation_id,
        open: o.open,
        overdue: o.overdue,
        oldestDeadline: o.oldest_deadline,
        maxDaysLate: Math.max(0, Number(o.max_days_late)),
      })),
      subUnits: subUnits.items.filter((u) => u.organisationId !== id),
    };
  }

  async campaign(scope: Scope, id: string, query: PeriodQueryDto) {
    await this.assertCampaign(scope, id);
    const period = this.period(query);
    const params = new SqlParams();
    const scoped = organisationInScope(scope, 't.organisation_id', params);
    const days = this.dayFilter(period, params, 't.period_day');
    const cid = params.add(id);
    const [campaign] = await this.dataSource.query(`SELECT id, title, status, deadline, review_required FROM campaign WHERE id = $1`, [id]);
    const totals = await this.dataSource.query(`SELECT ${sumTallySql('t')} FROM report_org_tally t WHERE t.campaign_id = ${cid} AND ${scoped} AND ${days}`, params.values);
    const byOrganisation: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT o.id, o.name, o.code, ${sumTallySql('t')} FROM report_org_tally t JOIN organisation o ON o.id = t.organisation_id
        WHERE t.campaign_id = ${cid} AND ${scoped} AND ${days} GROUP BY o.id ORDER BY o.code`,
      params.values,
    );
    const byPlatform: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT t.platform, ${sumTallySql('t')} FROM report_org_tally t
        WHERE t.campaign_id = ${cid} AND ${scoped} AND ${days} GROUP BY t.platform ORDER BY t.platform`,
      params.values,
    );
    // Per item and reach: the item is not in the tally grain; this reads one campaign's tasks
    // (share_task_campaign_idx), bounded by the campaign's size.
    const p2 = new SqlParams();
    const scoped2 = organisationInScope(scope, 'st.organisation_id', p2);
    const days2 = period ? `(st.deadline AT TIME ZONE 'Asia/Ho_Chi_Minh')::date BETWEEN ${p2.add(period.from)}::date AND ${p2.add(period.to)}::date` : 'TRUE';
    const byItem: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT i.id, i.title, i.url, i.position,
              count(st.id) AS assigned,
              count(*) FILTER (WHERE st.status = 'done' AND st.review_status IN ('not_required','approved') AND st.completed_at <= st.deadline) AS on_time,
              count(*) FILTER (WHERE st.status = 'done' AND st.review_status IN ('not_required','approved') AND (st.completed_at <= st.deadline) IS NOT TRUE) AS late,
              count(*) FILTER (WHERE st.status = 'done' AND st.review_status NOT IN ('not_required','approved')) AS awaiting_review,
              count(*) FILTER (WHERE st.status = 'unable') AS unable,
              count(*) FILTER (WHERE st.status = 'expired') AS expired,
              count(*) FILTER (WHERE st.status = 'pending') AS pending,
              coalesce(sum(ch.audience_size) FILTER (WHERE st.status = 'done' AND st.review_status IN ('not_required','approved')), 0)::bigint AS reach
         FROM content_item i
         JOIN share_task st ON st.item_id = i.id AND ${scoped2} AND ${days2}
         LEFT JOIN channel ch ON ch.id = st.channel_id
        WHERE i.campaign_id = ${p2.add(id)}
        GROUP BY i.id ORDER BY i.position, i.title`,
      p2.values,
    );
    return {
      campaign: { campaignId: campaign.id, title: campaign.title, status: campaign.status, deadline: campaign.deadline, reviewRequired: campaign.review_required },
      totals: { ...figuresFrom(totals[0] ?? {}), estimatedReach: byItem.reduce((s, i) => s + Number(i.reach), 0) },
      ...(period ? { period: { kind: period.kind, from: period.from, to: period.to, previous: period.previous } } : {}),
      organisations: byOrganisation.map((o) => ({ organisationId: o.id, name: o.name, code: o.code, ...figuresFrom(o) })),
      platforms: byPlatform.map((p) => ({ platform: p.platform, ...figuresFrom(p) })),
      items: byItem.map((i) => ({ itemId: i.id, title: i.title, url: i.url, ...figuresFrom(i), estimatedReach: Number(i.reach) })),
    };
  }

  /**
   * Per person (personal-share tasks assigned to them): tasks, done, on time, unable, and last
   * activity (their latest completion of any task). People with nothing done in the period are
   * flagged `inactive`.
   */
  async collaborators(scope: Scope, query: CollaboratorReportQueryDto) {
    const report = await this.collaboratorReportSql(scope, query);
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(report.sql, report.params);
    const items = rows.map(collaboratorRow);
    return {
      items,
      inactiveCount: items.filter((i) => i.inactive).length,
      ...(report.period ? { period: { kind: report.period.kind, from: report.period.from, to: report.period.to, previous: report.period.previous } } : {}),
    };
  }

  /**
   * The per-collaborator report as one SQL statement (scope, filters, ordering applied), so an
   * export can stream it through a cursor instead of holding every row; rows map with
   * `collaboratorRow`. `inactiveOnly` keeps people with nothing done.
   */
  async collaboratorReportSql(scope: Scope, query: CollaboratorReportQueryDto, options: { inactiveOnly?: boolean } = {}): Promise<{ sql: string; params: unknown[]; period: ResolvedPeriod | null }> {
    const period = this.period(query);
    if (query.organisationId) await this.assertOrganisation(scope, query.organisationId);
    if (query.campaignId) await this.assertCampaign(scope, query.campaignId);
    const params = new SqlParams();
    const people = [
      'c.active',
      organisationInScope(scope, 'c.organisation_id', params),
      query.organisationId ? `c.organisation_id IN (SELECT s.id FROM organisation s WHERE s.ancestors @> ARRAY[${params.add(query.organisationId)}]::uuid[])` : 'TRUE',
    ].join(' AND ');
    const sql = `WITH people AS (SELECT c.id, c.code, c.full_name, c.organisation_id, c.board_opt_out FROM collaborator c WHERE ${people}),
            tallies AS (
              SELECT t.collaborator_id, ${sumTallySql('t')} FROM (${this.personTallyRows(period, query.campaignId, params)}) t
               GROUP BY t.collaborator_id)
       SELECT p.*, o.name AS organisation_name, tallies.*,
              (SELECT max(st.completed_at) FROM share_task st
                WHERE st.completed_by_collaborator_id = p.id AND st.status = 'done') AS last_activity_at
         FROM people p JOIN organisation o ON o.id = p.organisation_id
         LEFT JOIN tallies ON tallies.collaborator_id = p.id
        ${options.inactiveOnly ? 'WHERE coalesce(tallies.on_time, 0) + coalesce(tallies.late, 0) = 0' : ''}
        ORDER BY p.full_name, p.code`;
    return { sql, params: params.values, period };
  }

  /**
   * The per-person tally rows to sum for `range` (of the people in the CTE `people`): whole
   * months from report_collaborator_month (one row per person, month and shard), the days of a
   * partly covered month from report_collaborator_tally (through its primary key, which starts
   * with the day). A campaign's figures come from report_collaborator_tally alone.
   */
  private personTallyRows(range: DayRange | null, campaignId: string | undefined, params: SqlParams): string {
    const columns = `t.collaborator_id, ${TALLY_COLUMNS.map((c) => `t.${c}`).join(', ')}`;
    const people = 't.collaborator_id IN (SELECT id FROM people)';
    if (campaignId) {
      return `SELECT ${columns} FROM report_collaborator_tally t
               WHERE ${people} AND ${this.dayFilter(range, params, 't.period_day')} AND t.campaign_id = ${params.add(campaignId)}`;
    }
    if (!range) return `SELECT ${columns} FROM report_collaborator_month t WHERE ${people}`;
    const { months, days } = splitByMonths(range);
    const parts: string[] = [];
    if (months) {
      parts.push(`SELECT ${columns} FROM report_collaborator_month t
                   WHERE ${people} AND t.period_month BETWEEN ${params.add(months.from)}::date AND ${params.add(months.to)}::date`);
    }
    if (days.length) {
      parts.push(`SELECT ${columns} FROM report_collaborator_tally t
                   WHERE ${people} AND (${days.map((d) => this.dayFilter(d, params, 't.period_day')).join(' OR ')})`);
    }
    return parts.join(' UNION ALL ');
  }

  /** The emulation board: top units by on-time rate, most active people (opted-out people left off). */
  async board(scope: Scope, query: BoardQueryDto) {
    const effective: BoardQueryDto = query.period || query.from || query.to ? query : { ...query, period: 'month', date: query.date ?? localToday() };
    const resolved = this.period(effective)!;
    const limit = query.limit ?? 10;
    const { limit: _limit, ...unitQuery } = effective;
    const units = await this.organisations(scope, unitQuery);
    const topUnits = units.items
      .filter((u) => u.assigned > 0 && u.kind !== 'bloc_committee')
      .sort((a, b) => (b.onTimeRate ?? 0) - (a.onTimeRate ?? 0) || (b.completionRate ?? 0) - (a.completionRate ?? 0) || a.code.localeCompare(b.code))
      .slice(0, limit)
      .map((u, i) => ({ position: i + 1, organisationId: u.organisationId, name: u.name, code: u.code, assigned: u.assigned, onTime: u.onTime, onTimeRate: u.onTimeRate, completionRate: u.completionRate }));
    const params = new SqlParams();
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT c.id, c.full_name, o.name AS organisation_name, sum(t.done_on_time + t.done_late)::bigint AS done, sum(t.done_on_time)::bigint AS on_time
         FROM report_collaborator_tally t
         JOIN collaborator c ON c.id = t.collaborator_id AND c.active AND NOT c.board_opt_out
         JOIN organisation o ON o.id = c.organisation_id
        WHERE ${organisationInScope(scope, 'c.organisation_id', params)} AND ${this.dayFilter(resolved, params, 't.period_day')}
          ${query.campaignId ? `AND t.campaign_id = ${params.add(query.campaignId)}` : ''}
        GROUP BY c.id, o.name HAVING sum(t.done_on_time + t.done_late) > 0
        ORDER BY done DESC, on_time DESC, c.full_name LIMIT ${params.add(limit)}`,
      params.values,
    );
    return {
      period: { kind: resolved.kind, from: resolved.from, to: resolved.to },
      topUnits,
      topCollaborators: rows.map((r, i) => ({ position: i + 1, collaboratorId: r.id, fullName: r.full_name, organisationName: r.organisation_name, done: Number(r.done), onTime: Number(r.on_time) })),
    };
  }
}

export type CollaboratorReportRow = ReturnType<typeof collaboratorRow>;

/** One row of the per-collaborator report SQL, as the API and the exports show it. */
export function collaboratorRow(r: Record<string, unknown>) {
  const f = figuresFrom(r);
  return {
    collaboratorId: String(r.id),
    code: String(r.code),
    fullName: String(r.full_name),
    organisationId: String(r.organisation_id),
    organisationName: String(r.organisation_name),
    boardOptOut: Boolean(r.board_opt_out),
    ...f,
    lastActivityAt: r.last_activity_at ? new Date(r.last_activity_at as string).toISOString() : null,
    inactive: f.done === 0,
  };
}
