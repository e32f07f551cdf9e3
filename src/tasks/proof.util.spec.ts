import { describe, expect, it } from 'vitest';
import { checkTaskProof } from './proof.util.js';

describe(checkTaskProof.name, () => {
  it('checks a channel task against its platform', () => {
    expect(checkTaskProof('facebook_page', 'https://m.facebook.com/somepage/posts/1')).toMatchObject({ ok: true });
    expect(checkTaskProof('facebook_page', 'https://zalo.me/g/abc/1')).toMatchObject({ ok: false, code: 'PROOF_PLATFORM_MISMATCH' });
    expect(checkTaskProof('zalo_group', 'javascript:alert(1)')).toMatchObject({ ok: false, code: 'PROOF_URL_INVALID' });
  });
  it('accepts a personal share on Facebook, Zalo or Mocha, not on an arbitrary website', () => {
    expect(checkTaskProof('personal', 'https://www.facebook.com/an.nguyen/posts/12')).toMatchObject({ ok: true });
    expect(checkTaskProof('personal', 'https://zalo.me/g/abc/1')).toMatchObject({ ok: true });
    expect(checkTaskProof('personal', 'https://baophuyen.vn/bai.html')).toMatchObject({ ok: false, code: 'PROOF_PLATFORM_MISMATCH' });
    expect(checkTaskProof('personal', `https://facebook.com/x/posts/${'1'.repeat(5000)}`)).toMatchObject({ ok: false, code: 'PROOF_URL_INVALID' });
  });
});
