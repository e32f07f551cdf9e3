import type { Answer } from './problem-check.js';

export interface Tally {
  statuses: Map<number, number>;
  unexpected: string[];
  total: number;
}

export function newTally(): Tally {
  return { statuses: new Map(), unexpected: [], total: 0 };
}

/**
 * Records an answer. `allowed` are the statuses acceptable for this fault; a 503 must be a problem
 * document with Retry-After (a client can act on it), and nothing may be a 500.
 */
export function record(tally: Tally, label: string, res: Answer, allowed: number[]): void {
  tally.total++;
  tally.statuses.set(res.statusCode, (tally.statuses.get(res.statusCode) ?? 0) + 1);
  const ok = allowed.includes(res.statusCode);
  if (!ok) tally.unexpected.push(`${label} → ${res.statusCode} ${res.body.slice(0, 200)}`);
  else if (res.statusCode === 503) {
    if (!String(res.headers['content-type']).startsWith('application/problem+json')) tally.unexpected.push(`${label} → 503 without problem+json`);
    // Readiness is for the orchestrator, not a client to retry; every other 503 says when to come back.
    if (!res.headers['retry-after'] && !label.startsWith('readiness')) tally.unexpected.push(`${label} → 503 without Retry-After`);
  }
}

export const summary = (t: Tally) => [...t.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(', ');

/** Runs `worker` on `concurrency` lanes until `until()` says stop. */
export async function lanes(concurrency: number, until: () => boolean, worker: (lane: number, i: number) => Promise<void>): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      for (let i = 0; !until(); i++) await worker(lane, i);
    }),
  );
}
