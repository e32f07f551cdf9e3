import { describe, expect, it } from 'vitest';
import { offsetLabel } from './notification.service.js';

describe('offsetLabel', () => {
  it('names reminder offsets as REMINDER_OFFSETS writes them', () => {
    expect([offsetLabel(86_400_000), offsetLabel(2 * 3_600_000), offsetLabel(2 * 86_400_000), offsetLabel(90 * 60_000)]).toEqual(['24h', '2h', '2d', '90m']);
  });
});
