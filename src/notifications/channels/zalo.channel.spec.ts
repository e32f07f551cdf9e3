import { describe, expect, it } from 'vitest';
import { znsOutcome, znsPhone } from './zalo.channel.js';

describe('ZNS answers → delivery states', () => {
  const state = (error: number, status = 200) => znsOutcome({ error, message: 'x' }, status).state;

  it('delivered on 0', () => {
    expect(state(0)).toBe('delivered');
  });

  it('tries again later on unknown error, out of quota, a token still invalid after refresh, or a 5xx', () => {
    expect([state(-100), state(-115), state(-124), state(-999, 503)]).toEqual(['retry', 'retry', 'retry', 'retry']);
  });

  it('gives up on an invalid phone, a phone without Zalo, a template not approved for the OA, bad template data', () => {
    expect([state(-108), state(-118), state(-119), state(-117), state(-109), state(-111), state(-112)]).toEqual(Array(7).fill('failed'));
    expect(znsOutcome({ error: -117 }, 200).error).toBe('ZNS -117: template not approved for this OA (no permission to the template)');
    expect(znsOutcome({ error: -108 }, 200).error).toBe('ZNS -108: invalid phone number');
  });

  it('treats an unlisted code as a refusal, keeping the provider message', () => {
    expect(znsOutcome({ error: -150, message: 'Something new' }, 200)).toMatchObject({ state: 'failed', error: 'ZNS -150: Something new' });
  });

  it('sends the phone as 84… without the plus', () => {
    expect(znsPhone('+84905123456')).toBe('84905123456');
  });
});
