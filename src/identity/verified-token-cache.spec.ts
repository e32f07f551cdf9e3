import { describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from './verified-token-cache.js';

describe('VerifiedTokenCache', () => {
  it('answers a remembered token until its expiry, then forgets it', () => {
    let now = 1_000_000_000_000;
    const cache = new VerifiedTokenCache<{ sub: string; exp?: number }>(10, () => now);
    cache.remember('a.b.c', { sub: 'u1', exp: now / 1000 + 60 });
    expect(cache.get('a.b.c')).toEqual({ sub: 'u1', exp: now / 1000 + 60 });
    now += 59_999;
    expect(cache.get('a.b.c')?.sub).toBe('u1');
    now += 1;
    expect(cache.get('a.b.c')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('matches the exact token only, keeps no token without an expiry, and stays within its bound', () => {
    const now = 1_000_000_000_000;
    const cache = new VerifiedTokenCache<{ sub: string; exp?: number }>(3, () => now);
    const exp = now / 1000 + 600;
    cache.remember('h.p.sig', { sub: 'u1', exp });
    expect(cache.get('h.p.sig2')).toBeUndefined();
    expect(cache.get('h.p.si')).toBeUndefined();
    cache.remember('no-exp', { sub: 'u2' });
    expect(cache.get('no-exp')).toBeUndefined();
    cache.remember('expired', { sub: 'u3', exp: now / 1000 - 1 });
    expect(cache.get('expired')).toBeUndefined();
    for (const t of ['t1', 't2', 't3']) cache.remember(t, { sub: t, exp });
    expect(cache.size).toBe(3);
    // The oldest went first.
    expect(cache.get('h.p.sig')).toBeUndefined();
    expect(cache.get('t3')?.sub).toBe('t3');
  });

  it('hands out claims that callers cannot change', () => {
    const cache = new VerifiedTokenCache<{ sub: string; exp?: number }>(3, () => 0);
    const claims = { sub: 'u1', exp: 10 };
    cache.remember('t', claims);
    claims.sub = 'changed';
    expect(cache.get('t')?.sub).toBe('u1');
    expect(() => ((cache.get('t') as { sub: string }).sub = 'x')).toThrow();
  });
});
