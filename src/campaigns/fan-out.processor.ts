import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PERSONAL_PLATFORM } from '../channels/platform.js';
import { Env } from '../common/config/env.schema.js';
import { OnJob } from '../common/queue/on-job.decorator.js';
import { JobName, type JobPayloads } from '../common/queue/queue.constants.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { type TargetingSql, targetingSql } from './campaign-targeting.sql.js';
import { type CampaignTargets, normaliseTargets, SqlParams } from './campaign.sql.js';
import { expireOpenTasks } from './campaign.service.js';
import { parseOffsets } from './campaign.view.js';
import { NotificationService } from '../notifications/notification.service.js';
import { closingSummary } from './campaign-progress.sql.js';

interface FanOutCampaign {
  id: string;
  status: string;
  deadline: Date;
  targets: CampaignTargets;
}

/**
 * Statement timeout of the fan-out's own statements (a chunk's INSERT … SELECT, the launch digests
 * over every task made): minutes at national scale on a loaded server, far above the pool's default.
 */
const FAN_OUT_STATEMENT_TIMEOUT = '1800s';

/** Platform recorded on a personal-account share (not a channel). */

/**
 * The worker's campaign jobs. Every step is idempotent SQL: fan-out inserts with ON CONFLICT DO
 * NOTHING on the item × channel / item × collaborator keys and counts only what it inserted;
 * expiry moves only pending tasks; a reminder is one row per (campaign, time).
 */
@Injectable()
export class CampaignPipelineService {
  private readonly logger = new Logger(CampaignPipelineService.name);
  private readonly offsets: number[];

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly env: Env,
    private readonly notifications: NotificationService,
  ) {
    this.offsets = parseOffsets(env.REMINDER_OFFSETS);
  }

  private async loadCampaign(id: string): Promise<FanOutCampaign | undefined> {
    const [row] = await this.dataSource.query(`SELECT id, status, deadline, targets FROM campaign WHERE id = $1`, [id]);
    return row as FanOutCampaign | undefined;
  }

  @OnJob(JobName.CampaignFanOut)
  async onFanOut(payload: JobPayloads[JobName.CampaignFanOut]): Promise<{ created: number }> {
    const created = await this.fanOut(payload.campaignId);
    await this.outbox.markCompleted(payload.outboxId);
    return { created };
  }

  /** Fans a campaign out, organisation chunk by organisation chunk; returns the tasks it created. */
  async fanOut(campaignId: string): Promise<number> {
    const campaign = await this.loadCampaign(campaignId);
    if (!campaign || (campaign.status !== 'scheduled' && campaign.status !== 'active')) return 0;
    let created = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const chunk = await this.targetOrganisations(campaign.targets, after, this.env.FANOUT_CHUNK_ORGANISATIONS);
      if (chunk.length === 0) break;
      created += await this.fanOutChunk(campaign.id, chunk);
      after = chunk[chunk.length - 1]!;
    }
    if (created >= this.env.FANOUT_ANALYZE_MIN_TASKS) await this.analyzeTasks();
    await this.dataSource.transaction(async (m) => {
      // The digests read every task the fan-out made (5M at national scale): not an API-sized statement.
      await m.query(`SET LOCAL statement_timeout = '${FAN_OUT_STATEMENT_TIMEOUT}'`);
      await m.query(
        `UPDATE campaign SET status = 'active', fanned_out_at = coalesce(fanned_out_at, now()), updated_at = now()
          WHERE id = $1 AND status IN ('scheduled', 'active')`,
        [campaign.id],
      );
      // One digest per person per launch; a rerun of the fan-out adds none (dedupe key).
      await this.notifications.enqueueForEvent(m, { type: 'tasks.assigned', campaignId: campaign.id });
    });
    this.logger.log(`Campaign ${campaign.id}: fan-out created ${created} task(s)`);
    return created;
  }

  /**
   * Refreshes share_task's planner statistics after a large fan-out. Autovacuum analyses a table
   * only once a tenth of it has changed, so right after a launch the planner still believes the new
   * campaign has a handful of tasks, and the digests below (and the first reports and progress
   * queries) get nested-loop plans over millions of rows. ANALYZE samples a fixed number of rows
   * (seconds at any size) and takes a lock that does not block writers.
   */
  private async analyzeTasks(): Promise<void> {
    try {
      await this.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL statement_timeout = '${FAN_OUT_STATEMENT_TIMEOUT}'`);
        await m.query(`ANALYZE share_task`);
      });
    } catch (error) {
      // Only the plans are at stake (e.g. a role that does not own the table): go on.
      this.logger.warn(`ANALYZE share_task after the fan-out failed: ${(error as Error).message}`);
    }
  }

  /** The next `limit` targeted organisation ids after `after`, in id order (keyset, so memory stays flat). */
  async targetOrganisations(targets: CampaignTargets, after: string, limit: number): Promise<string[]> {
    const params = new SqlParams();
    const rule = targetingSql(targets, params);
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT o.id FROM organisation o
        WHERE ${rule.organisation('o')} AND o.id > ${params.add(after)}
        ORDER BY o.id LIMIT ${params.add(limit)}`,
      params.values,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Creates the tasks of one chunk of organisations: one statement for channel tasks and one for
   * personal shares, each inserting straight from the targeting join and adding what it inserted
   * to the progress counters in the same statement. Safe to run any number of times.
   */
  async fanOutChunk(campaignId: string, organisationIds: string[]): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      // A chunk of a national campaign can be large; the API's short statement timeout is not for this.
      await m.query(`SET LOCAL statement_timeout = '${FAN_OUT_STATEMENT_TIMEOUT}'`);
      return this.insertChunk(m, campaignId, organisationIds);
    });
  }

  private async insertChunk(m: EntityManager, campaignId: string, organisationIds: string[]): Promise<number> {
    const [{ targets }]: Array<{ targets: CampaignTargets }> = await m.query(`SELECT targets FROM campaign WHERE id = $1`, [campaignId]);
    const counted = (insert: string) => `
      WITH ins AS (${insert} ON CONFLICT DO NOTHING RETURNING 1) SELECT count(*)::int AS n FROM ins`;
    const live = `EXISTS (SELECT 1 FROM campaign k WHERE k.id = $1 AND k.status IN ('scheduled', 'active'))`;
    const insert = async (sql: (rule: TargetingSql) => string): Promise<number> => {
      const params = new SqlParams();
      params.add(campaignId);
      params.add(organisationIds);
      const [{ n }] = await m.query(counted(sql(targetingSql(normaliseTargets(targets), params))), params.values);
      return n as number;
    };
    let created = 0;
    if (targets.platforms === undefined || targets.platforms.length > 0) {
      created += await insert(
        (rule) => `INSERT INTO share_task (campaign_id, item_id, organisation_id, platform, channel_id, deadline)
                 SELECT i.campaign_id, i.id, ch.organisation_id, ch.platform, ch.id, k.deadline
                   FROM campaign k JOIN content_item i ON i.campaign_id = k.id
                   CROSS JOIN channel ch
                  WHERE k.id = $1 AND ${live} AND ch.organisation_id = ANY($2::uuid[]) AND ${rule.channel('ch')}
                  ORDER BY ch.organisation_id, ch.id, i.position`,
      );
    }
    if (targets.personalShares) {
      created += await insert(
        (rule) => `INSERT INTO share_task (campaign_id, item_id, organisation_id, platform, collaborator_id, deadline)
                 SELECT i.campaign_id, i.id, c.organisation_id, '${PERSONAL_PLATFORM}', c.id, k.deadline
                   FROM campaign k JOIN content_item i ON i.campaign_id = k.id
                   CROSS JOIN collaborator c
                  WHERE k.id = $1 AND ${live} AND c.organisation_id = ANY($2::uuid[]) AND ${rule.collaborator('c')}
                  ORDER BY c.organisation_id, c.id, i.position`,
      );
    }
    return created;
  }

  @OnJob(JobName.CampaignExpire)
  async onExpire(payload: JobPayloads[JobName.CampaignExpire]): Promise<{ expired: number }> {
    const expired = await this.expireDue(payload.campaignId);
    await this.outbox.markCompleted(payload.outboxId);
    return { expired };
  }

  /**
   * Expires the campaign's open tasks whose deadline has passed; once the campaign's own deadline
   * has passed it closes, with its per-organisation summary.
   */
  async expireDue(campaignId: string): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const [campaign] = await m.query(`SELECT id, status, deadline FROM campaign WHERE id = $1 FOR NO KEY UPDATE`, [campaignId]);
      if (!campaign || campaign.status === 'draft') return 0;
      const expired = await expireOpenTasks(m, campaignId, true);
      if (campaign.status !== 'closed' && new Date(campaign.deadline).getTime() <= Date.now()) {
        await m.query(
          `UPDATE campaign SET status = 'closed', closed_at = now(), updated_at = now(), version = version + 1,
                  closing_summary = ${closingSummary('$1')}
            WHERE id = $1`,
          [campaignId],
        );
        await this.notifications.enqueueForEvent(m, { type: 'campaign.closed', campaignId });
      }
      return expired;
    });
  }

  @OnJob(JobName.CampaignRemind)
  async onRemind(payload: JobPayloads[JobName.CampaignRemind]): Promise<{ recorded: boolean }> {
    const recorded = await this.remind(payload.campaignId, new Date(payload.remindAt));
    await this.outbox.markCompleted(payload.outboxId);
    return { recorded };
  }

  /**
   * Records a reminder run (`reminder_run`): the hook the notifications feature delivers from
   * (rows with `notified_at IS NULL`). A reminder made stale by a moved deadline does nothing.
   */
  async remind(campaignId: string, remindAt: Date): Promise<boolean> {
    const campaign = await this.loadCampaign(campaignId);
    if (!campaign || campaign.status !== 'active') return false;
    const due = this.offsets.map((o) => new Date(campaign.deadline).getTime() - o);
    if (!due.includes(remindAt.getTime())) return false;
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO reminder_run (campaign_id, remind_at, pending_tasks)
       SELECT $1, $2, coalesce(sum(pending), 0)::int FROM campaign_progress WHERE campaign_id = $1
       ON CONFLICT DO NOTHING RETURNING campaign_id`,
      [campaignId, remindAt],
    );
    return rows.length > 0;
  }
}
