import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { JobName, JobPayloads } from '../common/queue/queue.constants.js';

/** What an outbox row asks for: a job name and its payload, without the outbox id (added on relay). */
export type OutboxIntent = {
  [K in JobName]: { kind: K; payload: Omit<JobPayloads[K], 'outboxId'> };
}[JobName];

export interface OutboxRow {
  id: string;
  kind: JobName;
  payload: Record<string, unknown>;
  available_at: Date;
}

/** The job id is derived from the outbox row, so enqueuing the same row twice is a no-op. */
export function outboxJobId(row: Pick<OutboxRow, 'id' | 'kind'>): string {
  return `${row.kind}-${row.id}`;
}

/**
 * Intents recorded in Postgres in the same transaction as the state change that causes them;
 * the relay (outbox-relay.service.ts) puts them on the queue.
 */
@Injectable()
export class OutboxService {
  constructor(private readonly dataSource: DataSource) {}

  async add(manager: EntityManager, intents: OutboxIntent[], availableAt: Date | null = null): Promise<void> {
    if (intents.length === 0) return;
    await manager.query(
      `INSERT INTO outbox (kind, payload, available_at)
       SELECT k, p, coalesce(a, now()) FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[]) AS i(k, p, a)`,
      [
        intents.map((i) => i.kind),
        intents.map((i) => JSON.stringify(i.payload)),
        intents.map(() => availableAt),
      ],
    );
  }

  /** Each intent with its own time (reminders, expiry). */
  async addAt(manager: EntityManager, items: Array<{ intent: OutboxIntent; availableAt: Date }>): Promise<void> {
    if (items.length === 0) return;
    await manager.query(
      `INSERT INTO outbox (kind, payload, available_at)
       SELECT k, p, a FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[]) AS i(k, p, a)`,
      [items.map((i) => i.intent.kind), items.map((i) => JSON.stringify(i.intent.payload)), items.map((i) => i.availableAt)],
    );
  }

  /** Called by a job's handler when its work is done; reconciliation then leaves the row alone. */
  async markCompleted(outboxId: string): Promise<void> {
    await this.dataSource.query(`UPDATE outbox SET completed_at = now() WHERE id = $1 AND completed_at IS NULL`, [outboxId]);
  }
}
