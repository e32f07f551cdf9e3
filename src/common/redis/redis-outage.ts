import { Logger } from '@nestjs/common';
import type { EventEmitter } from 'node:events';

/** Socket-level failures: Redis (or the way to it) is away. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
/** What ioredis and BullMQ say while the server is away, starting or refusing writes. */
const OUTAGE_MESSAGE = /Connection is closed|Stream isn't writeable|Command timed out|max retries per request|ECONNREFUSED|ECONNRESET|ETIMEDOUT|^LOADING|^READONLY|^MASTERDOWN|^CLUSTERDOWN|^TRYAGAIN/i;

export function isRedisOutageError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && CONNECTION_CODES.has(code)) || error.name === 'MaxRetriesPerRequestError' || OUTAGE_MESSAGE.test(error.message);
}

/** Any other error event is logged, but the same message at most once per this many ms. */
const OTHER_ERROR_INTERVAL_MS = 60_000;
/** Messages remembered for that; past it the one logged longest ago is forgotten (messages may carry ids). */
export const MAX_REMEMBERED_MESSAGES = 200;

/**
 * Every ioredis connection of the process (the general client, each BullMQ queue and worker) reports
 * its `error` events here. An outage is logged once, at warn level, however many connections fail
 * and however often they retry; the first connection to be `ready` again ends it (logged with how
 * long it lasted and how many errors were not logged). Without a listener, ioredis prints
 * "[ioredis] Unhandled error event" and BullMQ `console.error`s every failed reconnection.
 */
export class RedisOutageLog {
  private outage: { since: number; source: string; errors: number } | null = null;
  private readonly otherErrors = new Map<string, number>();

  constructor(private readonly logger: Pick<Logger, 'warn' | 'log' | 'error'> = new Logger('Redis')) {}

  get down(): boolean {
    return this.outage !== null;
  }

  error(source: string, error: unknown): void {
    if (!isRedisOutageError(error)) {
      const message = error instanceof Error ? error.message : String(error);
      const now = Date.now();
      const last = this.otherErrors.get(message);
      if (last !== undefined && now - last < OTHER_ERROR_INTERVAL_MS) return;
      // Re-inserted, so the map runs from the message logged longest ago to the latest.
      this.otherErrors.delete(message);
      if (this.otherErrors.size >= MAX_REMEMBERED_MESSAGES) this.otherErrors.delete(this.otherErrors.keys().next().value!);
      this.otherErrors.set(message, now);
      this.logger.error({ err: error, source }, `Redis client error (${source}): ${message}`);
      return;
    }
    if (this.outage) {
      this.outage.errors++;
      return;
    }
    this.outage = { since: Date.now(), source, errors: 1 };
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn({ source, error: message }, `Redis unreachable (${source}: ${message}); queued jobs and login throttling wait until it is back`);
  }

  ready(source: string): void {
    const outage = this.outage;
    if (!outage) return;
    this.outage = null;
    this.logger.log(
      { source, downMs: Date.now() - outage.since, errors: outage.errors },
      `Redis reachable again (${source}) after ${Date.now() - outage.since} ms; ${outage.errors - 1} more connection error(s) were not logged`,
    );
  }

  /** Listens to `error` on `emitter` and to `ready` on `readyEmitter` (the same one for a plain ioredis client). */
  watch<T extends EventEmitter>(source: string, emitter: T, readyEmitter: EventEmitter = emitter): T {
    emitter.on('error', (error: unknown) => this.error(source, error));
    readyEmitter.on('ready', () => this.ready(source));
    return emitter;
  }
}

/** One per process: an outage is one event, whichever connections see it. */
export const redisOutages = new RedisOutageLog();
