/**
 * The counts every report shows, and how rates derive from them. Rates are fractions of the
 * assigned tasks (null when nothing was assigned): completionRate = done / assigned,
 * onTimeRate = onTime / assigned. `done` counts only completions the review allows.
 */
export interface Figures {
  assigned: number;
  done: number;
  onTime: number;
  late: number;
  awaitingReview: number;
  unable: number;
  expired: number;
  pending: number;
  completionRate: number | null;
  onTimeRate: number | null;
}

/** SQL select list summing tally columns (optionally of alias `t.`) into Figures' columns. */
export function sumTallySql(alias = ''): string {
  const a = alias ? `${alias}.` : '';
  return `coalesce(sum(${a}assigned), 0)::bigint AS assigned,
          coalesce(sum(${a}done_on_time), 0)::bigint AS on_time,
          coalesce(sum(${a}done_late), 0)::bigint AS late,
          coalesce(sum(${a}awaiting_review), 0)::bigint AS awaiting_review,
          coalesce(sum(${a}unable), 0)::bigint AS unable,
          coalesce(sum(${a}expired), 0)::bigint AS expired,
          coalesce(sum(${a}pending), 0)::bigint AS pending`;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

export function figuresFrom(row: Record<string, unknown>): Figures {
  const n = (k: string) => Number(row[k] ?? 0);
  const assigned = n('assigned');
  const onTime = n('on_time');
  const late = n('late');
  const done = onTime + late;
  return {
    assigned,
    done,
    onTime,
    late,
    awaitingReview: n('awaiting_review'),
    unable: n('unable'),
    expired: n('expired'),
    pending: n('pending'),
    completionRate: assigned ? round(done / assigned) : null,
    onTimeRate: assigned ? round(onTime / assigned) : null,
  };
}

/** Dense rank by completion rate then on-time rate, best first; units with nothing assigned rank last. */
export function denseRank<T extends { completionRate: number | null; onTimeRate: number | null }>(rows: T[]): Map<T, number> {
  const key = (r: T) => `${r.completionRate ?? -1}|${r.onTimeRate ?? -1}`;
  const sorted = [...rows].sort((a, b) => (b.completionRate ?? -1) - (a.completionRate ?? -1) || (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1));
  const ranks = new Map<T, number>();
  let rank = 0;
  let last: string | undefined;
  for (const r of sorted) {
    if (key(r) !== last) {
      rank++;
      last = key(r);
    }
    ranks.set(r, rank);
  }
  return ranks;
}
