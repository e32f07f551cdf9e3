import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/auth/actor.js';
import { organisationInScope, type Scope, scopeOf } from '../common/auth/scope.js';
import { Env } from '../common/config/env.schema.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../common/errors/domain.error.js';
import { JobName } from '../common/queue/queue.constants.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { campaignVisible, normaliseTargets, SqlParams } from './campaign.sql.js';
import { type CampaignRow, type CampaignView, type ItemRow, parseOffsets, toCampaignView, toItemView } from './campaign.view.js';
import type { CreateCampaignDto, CreateItemDto, ListCampaignsQuery, UpdateCampaignDto, UpdateItemDto } from './dto/campaign.dto.js';
import { NotificationService } from '../notifications/notification.service.js';
import { closingSummary, progressByOrganisation } from './campaign-progress.sql.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ProgressCounts {
  total: number;
  pending: number;
  done: number;
  unable: number;
  expired: number;
  late: number;
}

/** Campaigns and their content items: the draft → scheduled → active → closed lifecycle. */
@Injectable()
export class CampaignService {
  private readonly offsets: number[];

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    env: Env,
    private readonly notifications: NotificationService,
  ) {
    this.offsets = parseOffsets(env.REMINDER_OFFSETS);
  }

  async list(actor: Actor, query: ListCampaignsQuery): Promise<{ items: CampaignView[]; nextCursor: string | null }> {
    const params = new SqlParams();
    const where = [campaignVisible(scopeOf(actor), 'c', params)];
    if (query.status) where.push(`c.status = ${params.add(query.status)}`);
    if (query.cursor) {
      const [at, id] = Buffer.from(query.cursor, 'base64url').toString().split('|');
      if (!at || !id || !UUID.test(id) || Number.isNaN(Date.parse(at))) throw new UnprocessableError('INVALID_CURSOR', 'cursor is not one this API gave');
      where.push(`(c.created_at, c.id) < (${params.add(at)}::timestamptz, ${params.add(id)}::uuid)`);
    }
    const limit = query.limit ?? 50;
    const rows: CampaignRow[] = await this.dataSource.query(
      `SELECT c.*, (SELECT count(*) FROM content_item i WHERE i.campaign_id = c.id)::int AS item_count
         FROM campaign c WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC, c.id DESC LIMIT ${limit + 1}`,
      params.values,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toCampaignView),
      nextCursor: rows.length > limit && last ? Buffer.from(`${new Date(last.created_at).toISOString()}|${last.id}`).toString('base64url') : null,
    };
  }

  async get(actor: Actor, id: string): Promise<CampaignView> {
    return toCampaignView(await this.load(this.dataSource.manager, scopeOf(actor), id));
  }

  /** Loads a campaign visible in the scope, optionally locking it; 404 otherwise. */
  private async load(manager: EntityManager, scope: Scope, id: string, lock = false): Promise<CampaignRow> {
    if (!UUID.test(id)) throw new NotFoundError('Campaign', id);
    const params = new SqlParams();
    const idParam = params.add(id);
    const rows: CampaignRow[] = await manager.query(
      `SELECT c.*, (SELECT count(*) FROM content_item i WHERE i.campaign_id = c.id)::int AS item_count
         FROM campaign c WHERE c.id = ${idParam} AND ${campaignVisible(scope, 'c', params)} ${lock ? 'FOR NO KEY UPDATE OF c' : ''}`,
      params.values,
    );
    if (!rows[0]) throw new NotFoundError('Campaign', id);
    return rows[0];
  }

  private async checkOrganisations(manager: EntityManager, ids: string[] | undefined): Promise<void> {
    if (!ids || ids.length === 0) return;
    const [{ n }] = await manager.query(`SELECT count(*)::int AS n FROM organisation WHERE id = ANY($1::uuid[])`, [ids]);
    if (n !== ids.length) {
      throw new UnprocessableError('UNKNOWN_ORGANISATION', 'targets.organisationIds names an organisation that does not exist', {}, [
        { field: 'targets.organisationIds', code: 'unknownOrganisation', message: 'one or more organisations do not exist' },
      ]);
    }
  }

  private checkDates(startsAt: string | null | undefined, deadline: string): void {
    if (startsAt && Date.parse(startsAt) >= Date.parse(deadline)) {
      throw new UnprocessableError('STARTS_AFTER_DEADLINE', 'startsAt must be before deadline', {}, [
        { field: 'startsAt', code: 'beforeDeadline', message: 'startsAt must be before deadline' },
      ]);
    }
  }

  async create(actor: Actor, dto: CreateCampaignDto): Promise<CampaignView> {
    const targets = normaliseTargets(dto.targets);
    this.checkDates(dto.startsAt, dto.deadline);
    return this.dataSource.transaction(async (m) => {
      await this.checkOrganisations(m, targets.organisationIds);
      const [row]: CampaignRow[] = await m.query(
        `INSERT INTO campaign (title, description, starts_at, deadline, review_required, targets, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *, 0 AS item_count`,
        [dto.title, dto.description ?? null, dto.startsAt ?? null, dto.deadline, dto.reviewRequired ?? false, JSON.stringify(targets), actor.userId],
      );
      const view = toCampaignView(row!);
      await this.audit.record(m, actor, { action: 'campaign.create', entity: 'campaign', entityId: view.id, after: view });
      return view;
    });
  }

  async update(actor: Actor, id: string, dto: UpdateCampaignDto): Promise<CampaignView> {
    return this.dataSource.transaction(async (m) => {
      const before = await this.load(m, scopeOf(actor), id, true);
      if (before.status === 'closed') throw new ConflictError('CAMPAIGN_CLOSED', 'A closed campaign cannot be changed');
      if (before.status !== 'draft') {
        const others = Object.entries(dto).filter(([k, v]) => k !== 'deadline' && v !== undefined).map(([k]) => k);
        if (others.length > 0) {
          throw new ConflictError('CAMPAIGN_LAUNCHED', `After launch only the deadline may change (not ${others.join(', ')})`, { fields: others });
        }
        if (dto.deadline === undefined) return toCampaignView(before);
        return this.moveDeadline(m, actor, before, dto.deadline);
      }
      const targets = dto.targets ? normaliseTargets(dto.targets) : before.targets;
      if (dto.targets) await this.checkOrganisations(m, targets.organisationIds);
      const startsAt = dto.startsAt ?? (before.starts_at ? new Date(before.starts_at).toISOString() : null);
      const deadline = dto.deadline ?? new Date(before.deadline).toISOString();
      this.checkDates(startsAt, deadline);
      const [row] = await updateReturning<CampaignRow>(m,
        `UPDATE campaign SET title = $2, description = $3, starts_at = $4, deadline = $5, review_required = $6, targets = $7,
                updated_at = now(), version = version + 1
          WHERE id = $1 RETURNING *`,
        [id, dto.title ?? before.title, dto.description ?? before.description, startsAt, deadline, dto.reviewRequired ?? before.review_required, JSON.stringify(targets)],
      );
      const view = toCampaignView({ ...row!, item_count: before.item_count });
      await this.audit.record(m, actor, { action: 'campaign.update', entity: 'campaign', entityId: id, before: toCampaignView(before), after: view });
      return view;
    });
  }

  /** After launch: moves the deadline of the campaign and its open tasks, and reschedules reminders and expiry. */
  private async moveDeadline(m: EntityManager, actor: Actor, before: CampaignRow, deadline: string): Promise<CampaignView> {
    if (Date.parse(deadline) <= Date.now()) throw new UnprocessableError('DEADLINE_IN_PAST', 'The new deadline must be in the future');
    const [row] = await updateReturning<CampaignRow>(m,
      `UPDATE campaign SET deadline = $2, updated_at = now(), version = version + 1 WHERE id = $1 RETURNING *`,
      [before.id, deadline],
    );
    await m.query(`UPDATE share_task SET deadline = $2, updated_at = now() WHERE campaign_id = $1 AND status = 'pending'`, [before.id, deadline]);
    // Jobs for the old deadline find it changed and do nothing (see CampaignPipelineService).
    await this.scheduleDeadlineJobs(m, before.id, new Date(deadline));
    const view = toCampaignView({ ...row!, item_count: before.item_count });
    await this.audit.record(m, actor, { action: 'campaign.move-deadline', entity: 'campaign', entityId: before.id, before: toCampaignView(before), after: view });
    return view;
  }

  private async scheduleDeadlineJobs(m: EntityManager, campaignId: string, deadline: Date): Promise<void> {
    const now = Date.now();
    const reminders = this.offsets
      .map((offset) => new Date(deadline.getTime() - offset))
      .filter((at) => at.getTime() > now)
      .map((at) => ({ intent: { kind: JobName.CampaignRemind, payload: { campaignId, remindAt: at.toISOString() } } as const, availableAt: at }));
    await this.outbox.addAt(m, [
      ...reminders,
      { intent: { kind: JobName.CampaignExpire, payload: { campaignId, deadline: deadline.toISOString() } }, availableAt: deadline },
    ]);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const before = await this.load(m, scopeOf(actor), id, true);
      if (before.status !== 'draft') throw new ConflictError('CAMPAIGN_LAUNCHED', 'Only a draft campaign can be deleted; close it instead');
      await m.query(`DELETE FROM campaign WHERE id = $1`, [id]);
      await this.audit.record(m, actor, { action: 'campaign.delete', entity: 'campaign', entityId: id, before: toCampaignView(before) });
    });
  }

  /**
   * Launch: records the state change and the intents (fan-out at startsAt or now, reminders,
   * expiry) in one transaction; the worker does the rest. Launching again re-runs the fan-out,
   * which is idempotent.
   */
  async launch(actor: Actor, id: string): Promise<CampaignView> {
    return this.dataSource.transaction(async (m) => {
      const before = await this.load(m, scopeOf(actor), id, true);
      if (before.status === 'closed') throw new ConflictError('CAMPAIGN_CLOSED', 'A closed campaign cannot be launched');
      if (before.status !== 'draft') {
        await this.outbox.add(m, [{ kind: JobName.CampaignFanOut, payload: { campaignId: id } }], before.starts_at && new Date(before.starts_at) > new Date() ? new Date(before.starts_at) : null);
        await this.audit.record(m, actor, { action: 'campaign.relaunch', entity: 'campaign', entityId: id });
        return toCampaignView(before);
      }
      if (!before.item_count) throw new UnprocessableError('CAMPAIGN_HAS_NO_ITEMS', 'Add at least one content item before launching');
      const deadline = new Date(before.deadline);
      if (deadline.getTime() <= Date.now()) throw new UnprocessableError('DEADLINE_IN_PAST', 'The deadline has passed; move it before launching');
      const startsAt = before.starts_at && new Date(before.starts_at).getTime() > Date.now() ? new Date(before.starts_at) : null;
      const [row] = await updateReturning<CampaignRow>(m,
        `UPDATE campaign SET status = $2, launched_at = now(), updated_at = now(), version = version + 1 WHERE id = $1 RETURNING *`,
        [id, startsAt ? 'scheduled' : 'active'],
      );
      await this.outbox.add(m, [{ kind: JobName.CampaignFanOut, payload: { campaignId: id } }], startsAt);
      await this.scheduleDeadlineJobs(m, id, deadline);
      const view = toCampaignView({ ...row!, item_count: before.item_count });
      await this.audit.record(m, actor, { action: 'campaign.launch', entity: 'campaign', entityId: id, before: toCampaignView(before), after: view });
      return view;
    });
  }

  /** Ends the campaign now: open tasks expire, the per-organisation summary is frozen. */
  async close(actor: Actor, id: string): Promise<CampaignView> {
    return this.dataSource.transaction(async (m) => {
      const before = await this.load(m, scopeOf(actor), id, true);
      if (before.status === 'draft') throw new ConflictError('CAMPAIGN_NOT_LAUNCHED', 'A draft campaign is deleted, not closed');
      if (before.status === 'closed') return toCampaignView(before);
      await expireOpenTasks(m, id, false);
      const [row] = await updateReturning<CampaignRow>(m,
        `UPDATE campaign SET status = 'closed', closed_at = now(), updated_at = now(), version = version + 1,
                closing_summary = ${closingSummary('$1')}
          WHERE id = $1 RETURNING *`,
        [id],
      );
      const view = toCampaignView({ ...row!, item_count: before.item_count });
      await this.notifications.enqueueForEvent(m, { type: 'campaign.closed', campaignId: id });
      await this.audit.record(m, actor, { action: 'campaign.close', entity: 'campaign', entityId: id, before: toCampaignView(before), after: view });
      return view;
    });
  }

  async progress(actor: Actor, id: string) {
    const scope = scopeOf(actor);
    const campaign = await this.load(this.dataSource.manager, scope, id);
    const params = new SqlParams();
    const idParam = params.add(campaign.id);
    const rows: Array<{ organisation_id: string; name: string } & ProgressCounts> = await this.dataSource.query(
      `SELECT p.organisation_id, o.name, p.total, p.pending, p.done, p.unable, p.expired, p.late
         FROM ${progressByOrganisation(idParam)} p JOIN organisation o ON o.id = p.organisation_id
        WHERE ${organisationInScope(scope, 'p.organisation_id', params)}
        ORDER BY o.name, o.id`,
      params.values,
    );
    const totals: ProgressCounts = { total: 0, pending: 0, done: 0, unable: 0, expired: 0, late: 0 };
    for (const r of rows) for (const k of Object.keys(totals) as Array<keyof ProgressCounts>) totals[k] += r[k];
    return {
      campaignId: campaign.id,
      status: campaign.status,
      fannedOutAt: campaign.fanned_out_at ? new Date(campaign.fanned_out_at).toISOString() : null,
      ...totals,
      organisations: rows.map((r) => ({
        organisationId: r.organisation_id,
        name: r.name,
        total: r.total,
        pending: r.pending,
        done: r.done,
        unable: r.unable,
        expired: r.expired,
        late: r.late,
      })),
    };
  }

  /** Compares the counters with a direct count of the tasks; returns the organisations that differ. */
  async checkProgress(campaignId: string): Promise<Array<{ organisationId: string; counter: ProgressCounts | null; actual: ProgressCounts | null }>> {
    const rows: Array<{ organisation_id: string; counter: ProgressCounts | null; actual: ProgressCounts | null }> = await this.dataSource.query(
      `WITH actual AS (
         SELECT organisation_id, count(*)::int AS total, count(*) FILTER (WHERE status = 'pending')::int AS pending,
                count(*) FILTER (WHERE status = 'done')::int AS done, count(*) FILTER (WHERE status = 'unable')::int AS unable,
                count(*) FILTER (WHERE status = 'expired')::int AS expired, count(*) FILTER (WHERE status = 'done' AND late)::int AS late
           FROM share_task WHERE campaign_id = $1 GROUP BY organisation_id),
       counter AS (SELECT organisation_id, total, pending, done, unable, expired, late FROM ${progressByOrganisation('$1')} p)
       SELECT coalesce(a.organisation_id, c.organisation_id) AS organisation_id,
              CASE WHEN c.organisation_id IS NULL THEN NULL ELSE to_jsonb(c) - 'organisation_id' END AS counter,
              CASE WHEN a.organisation_id IS NULL THEN NULL ELSE to_jsonb(a) - 'organisation_id' END AS actual
         FROM actual a FULL JOIN counter c ON c.organisation_id = a.organisation_id
        WHERE (to_jsonb(a) - 'organisation_id') IS DISTINCT FROM (to_jsonb(c) - 'organisation_id')`,
      [campaignId],
    );
    return rows
      .filter((r) => !(r.actual === null && r.counter !== null && r.counter.total === 0))
      .map((r) => ({ organisationId: r.organisation_id, counter: r.counter, actual: r.actual }));
  }

  // ---- content items (while draft) ----

  async listItems(actor: Actor, campaignId: string) {
    const campaign = await this.load(this.dataSource.manager, scopeOf(actor), campaignId);
    const rows: ItemRow[] = await this.dataSource.query(`SELECT * FROM content_item WHERE campaign_id = $1 ORDER BY position, created_at`, [campaign.id]);
    return { items: rows.map(toItemView) };
  }

  private async draftForItems(m: EntityManager, actor: Actor, campaignId: string): Promise<CampaignRow> {
    const campaign = await this.load(m, scopeOf(actor), campaignId, true);
    if (campaign.status !== 'draft') throw new ConflictError('CAMPAIGN_LAUNCHED', 'Content items can change only while the campaign is a draft');
    return campaign;
  }

  async addItem(actor: Actor, campaignId: string, dto: CreateItemDto) {
    return this.dataSource.transaction(async (m) => {
      await this.draftForItems(m, actor, campaignId);
      const [row]: ItemRow[] = await m.query(
        `INSERT INTO content_item (campaign_id, position, url, title, caption, hashtags, category, image_urls)
         VALUES ($1, (SELECT coalesce(max(position) + 1, 0) FROM content_item WHERE campaign_id = $1), $2, $3, $4, $5, $6, $7) RETURNING *`,
        [campaignId, dto.url, dto.title, dto.caption ?? null, dto.hashtags ?? [], dto.category ?? null, dto.imageUrls ?? []],
      );
      const view = toItemView(row!);
      await this.audit.record(m, actor, { action: 'content-item.create', entity: 'content_item', entityId: view.id, after: view });
      return view;
    });
  }

  private async loadItem(m: EntityManager, campaignId: string, itemId: string): Promise<ItemRow> {
    if (!UUID.test(itemId)) throw new NotFoundError('Content item', itemId);
    const [row]: ItemRow[] = await m.query(`SELECT * FROM content_item WHERE id = $1 AND campaign_id = $2 FOR NO KEY UPDATE`, [itemId, campaignId]);
    if (!row) throw new NotFoundError('Content item', itemId);
    return row;
  }

  async updateItem(actor: Actor, campaignId: string, itemId: string, dto: UpdateItemDto) {
    return this.dataSource.transaction(async (m) => {
      await this.draftForItems(m, actor, campaignId);
      const before = await this.loadItem(m, campaignId, itemId);
      const [row] = await updateReturning<ItemRow>(m,
        `UPDATE content_item SET url = $2, title = $3, caption = $4, hashtags = $5, category = $6, image_urls = $7, updated_at = now()
          WHERE id = $1 RETURNING *`,
        [itemId, dto.url ?? before.url, dto.title ?? before.title, dto.caption ?? before.caption, dto.hashtags ?? before.hashtags, dto.category ?? before.category, dto.imageUrls ?? before.image_urls],
      );
      const view = toItemView(row!);
      await this.audit.record(m, actor, { action: 'content-item.update', entity: 'content_item', entityId: itemId, before: toItemView(before), after: view });
      return view;
    });
  }

  async removeItem(actor: Actor, campaignId: string, itemId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      await this.draftForItems(m, actor, campaignId);
      const before = await this.loadItem(m, campaignId, itemId);
      await m.query(`DELETE FROM content_item WHERE id = $1`, [itemId]);
      await this.audit.record(m, actor, { action: 'content-item.delete', entity: 'content_item', entityId: itemId, before: toItemView(before) });
    });
  }
}

/**
 * Expires open tasks of a campaign, set-based in bounded batches, with the progress counters in
 * the same statement. `dueOnly`: only tasks whose own deadline has passed. Returns how many.
 */
export async function expireOpenTasks(m: EntityManager, campaignId: string, dueOnly: boolean, batch = 20_000): Promise<number> {
  let total = 0;
  for (;;) {
    const [{ n }] = await m.query(
      `WITH e AS (
         UPDATE share_task t SET status = 'expired', updated_at = now(), version = t.version + 1
          WHERE t.id IN (SELECT id FROM share_task WHERE campaign_id = $1 AND status = 'pending' ${dueOnly ? 'AND deadline <= now()' : ''}
                          LIMIT ${batch} FOR NO KEY UPDATE)
            AND t.status = 'pending'
          RETURNING 1)
       SELECT count(*)::int AS n FROM e`,
      [campaignId],
    );
    total += n;
    if (n < batch) return total;
  }
}

/** TypeORM answers an UPDATE … RETURNING with `[rows, count]`; this gives the rows. */
async function updateReturning<T>(m: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result: unknown = await m.query(sql, params);
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}
