/**
 * Reporting periods as inclusive ranges of local days (Asia/Ho_Chi_Minh, UTC+7 all year, no DST).
 * A task belongs to the local day containing its deadline, so a period is just a day range over
 * the tallies' `period_day` column. Days are ISO strings `YYYY-MM-DD`.
 */
export const PERIODS = ['week', 'month', 'quarter', 'year'] as const;
export type PeriodKind = (typeof PERIODS)[number];

export interface DayRange {
  from: string;
  to: string;
}

export interface ResolvedPeriod extends DayRange {
  kind: PeriodKind | 'range';
  previous: DayRange;
}

export const REPORT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Today's date in the reporting time zone. */
export function localToday(now = new Date()): string {
  return now.toLocaleDateString('en-CA', { timeZone: REPORT_TIME_ZONE });
}

const toDate = (day: string) => new Date(`${day}T00:00:00Z`);
const fmt = (d: Date) => d.toISOString().slice(0, 10);
export const addDays = (day: string, n: number) => fmt(new Date(toDate(day).getTime() + n * 86_400_000));
const daysBetween = (a: string, b: string) => Math.round((toDate(b).getTime() - toDate(a).getTime()) / 86_400_000);

/** The period of `kind` containing `reference` (a local day). Weeks start on Monday. */
export function periodContaining(kind: PeriodKind, reference: string): DayRange {
  const d = toDate(reference);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (kind) {
    case 'week': {
      const sinceMonday = (d.getUTCDay() + 6) % 7;
      const from = addDays(reference, -sinceMonday);
      return { from, to: addDays(from, 6) };
    }
    case 'month':
      return { from: fmt(new Date(Date.UTC(y, m, 1))), to: fmt(new Date(Date.UTC(y, m + 1, 0))) };
    case 'quarter': {
      const q = Math.floor(m / 3) * 3;
      return { from: fmt(new Date(Date.UTC(y, q, 1))), to: fmt(new Date(Date.UTC(y, q + 3, 0))) };
    }
    case 'year':
      return { from: `${y}-01-01`, to: `${y}-12-31` };
  }
}

/**
 * From the query: a named period around `date` (default today), or `from`/`to`. The previous
 * period is the one before (previous week/month/quarter/year, or the same number of days before).
 */
export function resolvePeriod(input: { period?: PeriodKind; date?: string; from?: string; to?: string }, now = new Date()): ResolvedPeriod | null {
  if (input.period) {
    const range = periodContaining(input.period, input.date ?? localToday(now));
    return { kind: input.period, ...range, previous: periodContaining(input.period, addDays(range.from, -1)) };
  }
  if (!input.from && !input.to) return null;
  const from = input.from ?? '1970-01-01';
  const to = input.to ?? '9999-12-31';
  const length = daysBetween(from, to) + 1;
  const previous = input.from && input.to ? { from: addDays(from, -length), to: addDays(from, -1) } : { from: '1970-01-01', to: addDays(from, -1) };
  return { kind: 'range', from, to, previous };
}

export function isValidDay(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && fmt(toDate(day)) === day;
}

/**
 * A day range as the whole calendar months it covers (`months`: the first days of the first and
 * last of them, inclusive) and the days left over at either end (`days`, at most two ranges), so
 * a sum over the range can read per-month rows for the months and per-day rows for the rest.
 * `months` is null when the range covers no whole month.
 */
export function splitByMonths(range: DayRange): { months: DayRange | null; days: DayRange[] } {
  const f = toDate(range.from);
  const t = toDate(range.to);
  const firstFull = f.getUTCDate() === 1 ? range.from : fmt(new Date(Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + 1, 1)));
  const endOfToMonth = fmt(new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)));
  const lastFullEnd = range.to === endOfToMonth ? range.to : fmt(new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 0)));
  // Past year 9999 the ISO form changes (+010000-…): such a range is read by days.
  if (!isValidDay(firstFull) || !isValidDay(lastFullEnd) || firstFull > lastFullEnd) return { months: null, days: [range] };
  const days: DayRange[] = [];
  if (range.from < firstFull) days.push({ from: range.from, to: addDays(firstFull, -1) });
  if (lastFullEnd < range.to) days.push({ from: addDays(lastFullEnd, 1), to: range.to });
  const e = toDate(lastFullEnd);
  return { months: { from: firstFull, to: fmt(new Date(Date.UTC(e.getUTCFullYear(), e.getUTCMonth(), 1))) }, days };
}
