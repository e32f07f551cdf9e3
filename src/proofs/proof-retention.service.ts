import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { type Actor, systemActor } from '../common/auth/actor.js';
import { OnJob } from '../common/queue/on-job.decorator.js';
import { JobName, type JobPayloads, QueueName } from '../common/queue/queue.constants.js';
import { ProofStorage } from './storage/proof-storage.js';

/**
 * Retention: when a campaign's data is purged, its proof images go too — the rows (tasks lose
 * their link) and the files in proof storage.
 */
@Injectable()
export class ProofRetentionService {
  private readonly logger = new Logger(ProofRetentionService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly storage: ProofStorage,
    private readonly audit: AuditService,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
  ) {}

  /** Queues the purge; the job id is deterministic, so asking twice runs it once. */
  async schedulePurge(campaignId: string): Promise<void> {
    await this.queue.add(JobName.PurgeCampaignProofs, { campaignId }, { jobId: `purge-campaign-proofs-${campaignId}` });
  }

  @OnJob(JobName.PurgeCampaignProofs)
  async onPurgeJob(payload: JobPayloads[JobName.PurgeCampaignProofs]): Promise<{ removed: number }> {
    return { removed: await this.purgeCampaign(systemActor('retention'), payload.campaignId) };
  }

  /** Deletes every proof image of the campaign (rows, then files); returns how many. Safe to run twice. */
  async purgeCampaign(actor: Actor, campaignId: string): Promise<number> {
    const keys = await this.dataSource.transaction(async (manager) => {
      // TypeORM answers a DELETE … RETURNING with [rows, affectedCount].
      const [rows]: [Array<{ id: string; storage_key: string }>, number] = await manager.query(
        `DELETE FROM proof_image WHERE campaign_id = $1 RETURNING id, storage_key`,
        [campaignId],
      );
      if (rows.length > 0) {
        await this.audit.record(manager, actor, {
          action: 'proof_image.purge',
          entity: 'campaign',
          entityId: campaignId,
          after: { removedImages: rows.length },
        });
      }
      return rows.map((r) => r.storage_key);
    });
    // Files go after the rows are gone: a failure here leaves unreferenced files, never rows without files.
    await this.storage.remove(keys);
    if (keys.length > 0) this.logger.log(`Purged ${keys.length} proof image(s) of campaign ${campaignId}`);
    return keys.length;
  }
}
