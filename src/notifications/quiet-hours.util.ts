/** Quiet hours are read in this zone (Vietnam has no daylight saving: a fixed UTC+7). */
export const LOCAL_ZONE_OFFSET_MINUTES = 7 * 60;

export interface QuietWindow {
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

/** `'21:00-07:00'` → window; `''` → null (no quiet hours). Throws on anything else. */
export function parseQuietHours(spec: string): QuietWindow | null {
  if (spec.trim() === '') return null;
  const match = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(spec.trim());
  if (!match) throw new Error(`Quiet hours must be HH:MM-HH:MM or empty, got "${spec}"`);
  const [, sh, sm, eh, em] = match;
  const start = Number(sh) * 60 + Number(sm);
  const end = Number(eh) * 60 + Number(em);
  return start === end ? null : { start, end };
}

export function isQuietHoursSpec(spec: string): boolean {
  try {
    parseQuietHours(spec);
    return true;
  } catch {
    return false;
  }
}

/**
 * When a message due at `now` may go out: `now` itself outside the window, else the window's end
 * (local time), e.g. 22:30 → 07:00 the next morning. Messages wait; they are never dropped.
 */
export function releaseTime(now: Date, window: QuietWindow | null): Date {
  if (!window) return now;
  const local = new Date(now.getTime() + LOCAL_ZONE_OFFSET_MINUTES * 60_000);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const wraps = window.start > window.end;
  const inside = wraps ? minute >= window.start || minute < window.end : minute >= window.start && minute < window.end;
  if (!inside) return now;
  const localMidnight = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const dayOffset = wraps && minute >= window.start ? 1 : 0;
  const releaseLocal = localMidnight + dayOffset * 86_400_000 + window.end * 60_000;
  return new Date(releaseLocal - LOCAL_ZONE_OFFSET_MINUTES * 60_000);
}

/** The local calendar date (YYYY-MM-DD) and hour in Asia/Ho_Chi_Minh. */
export function localParts(now: Date): { date: string; hour: number; weekday: number; day: number } {
  const local = new Date(now.getTime() + LOCAL_ZONE_OFFSET_MINUTES * 60_000);
  return { date: local.toISOString().slice(0, 10), hour: local.getUTCHours(), weekday: local.getUTCDay(), day: local.getUTCDate() };
}
