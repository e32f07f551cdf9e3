/**
 * Runs many small requests for the same statement as one statement, without waiting on a timer.
 *
 * Each `submit` joins a queue. While fewer than `maxInFlight` batches are running, the queue is
 * flushed at the next turn of the event loop (`setImmediate`, so the requests parsed in the same
 * I/O phase go together); when every slot is busy, requests wait and go with the next batch, up
 * to `maxBatch` at a time. A lone request therefore runs at once (a batch of one), and batches
 * grow only when the database is the bottleneck — one round trip, one plan, one commit and one
 * firing of statement-level triggers for a whole batch, which is what lets a route that makes a
 * row change per request keep up with many clients (see bench/README.md, complete).
 *
 * `run` gets the items in submission order and returns one result per item, in the same order.
 * If it throws, every item of that batch gets the error.
 */
/** Batches and requests run so far per batcher name, process-wide (for /metrics and the bench). */
const totals = new Map<string, { batches: number; requests: number }>();

export function microBatchTotals(): ReadonlyMap<string, { batches: number; requests: number }> {
  return totals;
}

/**
 * Batches one batcher may run at once: DATABASE_BATCH_CONCURRENCY, but no more than a quarter of
 * the pool (2 for pools under 12), so the rest stays free for other work.
 */
export function batchSlots(env: { DATABASE_POOL_SIZE: number; DATABASE_BATCH_CONCURRENCY: number }): number {
  return Math.min(env.DATABASE_BATCH_CONCURRENCY, Math.max(2, Math.floor(env.DATABASE_POOL_SIZE / 4)));
}

export class MicroBatcher<I, O> {
  private queue: Array<{ item: I; resolve: (value: O) => void; reject: (reason: unknown) => void }> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly options: { name: string; maxBatch: number; maxInFlight: number },
  ) {
    if (!(options.maxBatch >= 1) || !(options.maxInFlight >= 1)) throw new Error('MicroBatcher needs maxBatch ≥ 1 and maxInFlight ≥ 1');
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Requests waiting for a slot (for metrics and tests). */
  get waiting(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      const total = totals.get(this.options.name) ?? { batches: 0, requests: 0 };
      total.batches++;
      total.requests += batch.length;
      totals.set(this.options.name, total);
      void this.execute(batch);
    }
  }

  private async execute(batch: MicroBatcher<I, O>['queue']): Promise<void> {
    try {
      const results = await this.run(batch.map((b) => b.item));
      if (results.length !== batch.length) throw new Error(`batch of ${batch.length} answered ${results.length} results`);
      batch.forEach((b, i) => b.resolve(results[i]!));
    } catch (error) {
      for (const b of batch) b.reject(error);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}
