import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, isValidDay, localToday, periodContaining, resolvePeriod, splitByMonths } from './report-period.util.js';

describe('report periods', () => {
  it('starts weeks on Monday', () => {
    expect(periodContaining('week', '2026-11-29')).toEqual({ from: '2026-11-23', to: '2026-11-29' }); // a Sunday
    expect(periodContaining('week', '2026-11-30')).toEqual({ from: '2026-11-30', to: '2026-12-06' }); // a Monday
    expect(periodContaining('week', '2027-01-01')).toEqual({ from: '2026-12-28', to: '2027-01-03' });
  });

  it('cuts months, quarters and years on calendar bounds', () => {
    expect(periodContaining('month', '2028-02-10')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(periodContaining('quarter', '2026-11-30')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodContaining('year', '2026-06-01')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
  });

  it('gives the previous period of the same kind, or the same number of days before a range', () => {
    expect(resolvePeriod({ period: 'month', date: '2026-03-15' })).toMatchObject({ from: '2026-03-01', to: '2026-03-31', previous: { from: '2026-02-01', to: '2026-02-28' } });
    expect(resolvePeriod({ period: 'quarter', date: '2026-01-15' })!.previous).toEqual({ from: '2025-10-01', to: '2025-12-31' });
    expect(resolvePeriod({ from: '2026-11-10', to: '2026-11-16' })).toMatchObject({ kind: 'range', previous: { from: '2026-11-03', to: '2026-11-09' } });
    expect(resolvePeriod({})).toBeNull();
  });

  it('takes today in Asia/Ho_Chi_Minh: 17:30Z is already the next local day', () => {
    expect(localToday(new Date('2026-11-30T16:59:59Z'))).toBe('2026-11-30');
    expect(localToday(new Date('2026-11-30T17:30:00Z'))).toBe('2026-12-01');
    expect(resolvePeriod({ period: 'month' }, new Date('2026-11-30T17:30:00Z'))).toMatchObject({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('validates calendar days', () => {
    expect(isValidDay('2026-02-28')).toBe(true);
    expect(isValidDay('2026-02-30')).toBe(false);
    expect(isValidDay('26-02-01')).toBe(false);
  });

  it('splits a range into the whole months it covers and the days left at either end', () => {
    expect(splitByMonths({ from: '2026-11-01', to: '2026-11-30' })).toEqual({ months: { from: '2026-11-01', to: '2026-11-01' }, days: [] });
    expect(splitByMonths({ from: '2026-11-05', to: '2026-11-20' })).toEqual({ months: null, days: [{ from: '2026-11-05', to: '2026-11-20' }] });
    expect(splitByMonths({ from: '2026-10-15', to: '2027-02-10' })).toEqual({
      months: { from: '2026-11-01', to: '2027-01-01' },
      days: [{ from: '2026-10-15', to: '2026-10-31' }, { from: '2027-02-01', to: '2027-02-10' }],
    });
    expect(splitByMonths({ from: '1970-01-01', to: '9999-12-31' }).days).toEqual([]);
    // Every day of the range exactly once: in a whole month listed, or in one of the day ranges.
    const day = fc.integer({ min: 0, max: 2000 }).map((n) => addDays('2024-01-01', n));
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 500 }), (from, length) => {
        const to = addDays(from, length);
        const { months, days } = splitByMonths({ from, to });
        const covered: string[] = [];
        for (const r of days) for (let d = r.from; d <= r.to; d = addDays(d, 1)) covered.push(d);
        if (months) {
          for (let m = months.from; m <= months.to; m = addDays(periodContaining('month', m).to, 1)) {
            expect(m.endsWith('-01')).toBe(true);
            const whole = periodContaining('month', m);
            for (let d = whole.from; d <= whole.to; d = addDays(d, 1)) covered.push(d);
          }
        }
        covered.sort();
        const expected: string[] = [];
        for (let d = from; d <= to; d = addDays(d, 1)) expected.push(d);
        expect(covered).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
