import type { ThrottlerStorage } from '@nestjs/throttler';
import type { Redis } from 'ioredis';

/**
 * Counts hits in one Redis key per tracker and window, and blocks in a second key, in one Lua
 * script (atomic: several API processes share the counts). Keys live under `<REDIS_PREFIX>:throttle:`.
 *
 * KEYS[1] hits, KEYS[2] block; ARGV ttl ms, limit, block ms → {hits, hits ttl ms, blocked 0|1, block ttl ms}.
 */
const INCREMENT = `
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl > 0 then
  local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
  return {hits, math.max(redis.call('PTTL', KEYS[1]), 0), 1, blockTtl}
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttl, 1, tonumber(ARGV[3])}
end
return {hits, ttl, 0, 0}
`;

export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const base = this.keyOf(throttlerName, key);
    const [totalHits, ttlMs, blocked, blockMs] = (await this.redis.eval(INCREMENT, 2, base, `${base}:block`, ttl, limit, blockDuration)) as number[];
    return {
      totalHits: totalHits!,
      // Seconds, rounded up, as the in-memory storage reports them (they feed Retry-After).
      timeToExpire: Math.ceil(ttlMs! / 1000),
      isBlocked: blocked === 1,
      timeToBlockExpire: Math.ceil(blockMs! / 1000),
    };
  }

  /** Forgets a tracker's hits and block (a successful login clears its login name's count). */
  async reset(key: string, throttlerName: string): Promise<void> {
    const base = this.keyOf(throttlerName, key);
    await this.redis.del(base, `${base}:block`);
  }

  private keyOf(throttlerName: string, key: string): string {
    return `${this.prefix}:throttle:${throttlerName}:${key}`;
  }
}
