/**
 * Access tokens whose signature this process has already checked, by the whole token string, for
 * as long as each stays unexpired. A collaborator's phone sends the same token with every request
 * for its lifetime; checking its HMAC, decoding and re-validating its claims each time was about a
 * tenth of an authenticated request's CPU.
 *
 * Only the signature check is remembered: the key is the exact string that was verified (any
 * change to header, claims or signature misses), a hit is refused once `exp` has passed, and the
 * account and session are still read from the database on every request (JwtStrategy.actorFor),
 * so disabling a user or logging out takes effect as before. Bounded: past `maxEntries` the oldest
 * entry is dropped (a Map keeps insertion order).
 */
export class VerifiedTokenCache<C extends { exp?: number }> {
  private readonly entries = new Map<string, C>();

  constructor(
    private readonly maxEntries = 50_000,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The claims of `token` if it was verified before and has not expired since. */
  get(token: string): C | undefined {
    const claims = this.entries.get(token);
    if (!claims) return undefined;
    if (!this.live(claims)) {
      this.entries.delete(token);
      return undefined;
    }
    return claims;
  }

  /** Remembers a token whose signature and expiry were just verified. Tokens without `exp` are not kept. */
  remember(token: string, claims: C): void {
    if (!this.live(claims) || this.entries.has(token)) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, Object.freeze({ ...claims }));
  }

  get size(): number {
    return this.entries.size;
  }

  private live(claims: C): boolean {
    return typeof claims.exp === 'number' && claims.exp * 1000 > this.nowMs();
  }
}
