import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Env } from '../common/config/env.schema.js';
import { PROCESS_ROLE, type ProcessRole } from '../common/core.module.js';

/**
 * The sharded counters (campaign_progress, report_org_tally and the report rollups; see
 * migrations/1764300000000-ShardedCounters.ts and 1764500000001-ReportRollups.ts) grow up to one
 * row per shard for a busy key; the
 * worker folds them back into shard 0 every COUNTER_FOLD_MS. Sums are unchanged by a fold, so it
 * is safe at any time and in several workers at once.
 */
@Injectable()
export class CounterFoldingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CounterFoldingService.name);
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly env: Env,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
  ) {}

  onApplicationBootstrap(): void {
    if (this.role === 'worker') this.schedule(this.env.COUNTER_FOLD_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running.catch(() => undefined);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.fold()
        .catch((error: unknown) => this.logger.warn(`Folding counter shards failed: ${String(error)}`))
        .finally(() => this.schedule(this.env.COUNTER_FOLD_MS));
    }, delay);
  }

  async fold(): Promise<void> {
    // Separate statements (transactions): a fold never holds locks in both tables at once.
    for (const counter of ['report_org_tally', 'report_org_month', 'report_collaborator_month', 'campaign_progress']) await this.dataSource.query(`SELECT fold_counter_shards($1)`, [counter]);
  }
}
