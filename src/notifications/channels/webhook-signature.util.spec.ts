import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature.util.js';

describe('webhook signature', () => {
  const body = '{"event":"tasks.assigned"}';

  it('is HMAC-SHA256 over "<t>.<body>" in hex', () => {
    const expected = createHmac('sha256', 'whsec_x').update(`1700000000.${body}`).digest('hex');
    expect(signWebhookBody('whsec_x', body, 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies a good signature and rejects a changed body, wrong secret or stale timestamp', () => {
    const header = signWebhookBody('whsec_x', body, 1700000000);
    expect(verifyWebhookSignature('whsec_x', body, header, 1700000100)).toBe(true);
    expect(verifyWebhookSignature('whsec_x', `${body} `, header, 1700000100)).toBe(false);
    expect(verifyWebhookSignature('whsec_y', body, header, 1700000100)).toBe(false);
    expect(verifyWebhookSignature('whsec_x', body, header, 1700000000 + 301)).toBe(false);
    expect(verifyWebhookSignature('whsec_x', body, 'garbage', 1700000000)).toBe(false);
  });
});
