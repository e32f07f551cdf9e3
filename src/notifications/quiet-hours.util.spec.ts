import { describe, expect, it } from 'vitest';
import { localParts, parseQuietHours, releaseTime } from './quiet-hours.util.js';

describe('quiet hours', () => {
  const night = parseQuietHours('21:00-07:00');

  it('delays a message due at 22:30 local to 07:00 local the next morning', () => {
    // 22:30 in Hanoi = 15:30 UTC
    expect(releaseTime(new Date('2026-11-26T15:30:00Z'), night).toISOString()).toBe('2026-11-27T00:00:00.000Z');
  });

  it('delays a message due at 03:00 local to 07:00 the same morning', () => {
    expect(releaseTime(new Date('2026-11-26T20:00:00Z'), night).toISOString()).toBe('2026-11-27T00:00:00.000Z');
  });

  it('lets a message due in the day go at once', () => {
    const now = new Date('2026-11-26T03:00:00Z'); // 10:00 local
    expect(releaseTime(now, night)).toBe(now);
    expect(releaseTime(new Date('2026-11-27T00:00:00Z'), night).toISOString()).toBe('2026-11-27T00:00:00.000Z');
  });

  it('handles a window inside one day and no window at all', () => {
    const lunch = parseQuietHours('12:00-13:30');
    expect(releaseTime(new Date('2026-11-26T05:15:00Z'), lunch).toISOString()).toBe('2026-11-26T06:30:00.000Z');
    expect(parseQuietHours('')).toBeNull();
    expect(() => parseQuietHours('25:00-07:00')).toThrow();
  });

  it('reads local dates', () => {
    expect(localParts(new Date('2026-11-26T18:00:00Z'))).toMatchObject({ date: '2026-11-27', hour: 1 });
  });
});
