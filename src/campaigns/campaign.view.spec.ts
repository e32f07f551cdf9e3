import { describe, expect, it } from 'vitest';
import { normaliseTargets } from './campaign.sql.js';
import { parseOffsets } from './campaign.view.js';

describe(parseOffsets.name, () => {
  it('reads minutes, hours and days', () => {
    expect(parseOffsets('24h, 2h,30m,1d')).toEqual([86_400_000, 7_200_000, 1_800_000, 86_400_000]);
  });
  it('allows none', () => {
    expect(parseOffsets('')).toEqual([]);
  });
  it('refuses what it cannot read', () => {
    expect(() => parseOffsets('2 weeks')).toThrow(/Bad reminder offset/);
  });
});

describe(normaliseTargets.name, () => {
  it('applies the defaults of the route map', () => {
    expect(normaliseTargets({})).toEqual({ includeSubtree: true, personalShares: false });
  });
  it('keeps [] platforms (no channel tasks) apart from absent (all)', () => {
    expect(normaliseTargets({ platforms: [] }).platforms).toEqual([]);
    expect(normaliseTargets({}).platforms).toBeUndefined();
  });
  it('de-duplicates ids and drops empty tag filters', () => {
    const id = '6F1C2D4E-0000-4000-8000-000000000001';
    expect(normaliseTargets({ organisationIds: [id, id.toLowerCase()], collaboratorTags: [] })).toEqual({
      organisationIds: [id.toLowerCase()],
      includeSubtree: true,
      personalShares: false,
    });
  });
});
