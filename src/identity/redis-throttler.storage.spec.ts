import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

describe(RedisThrottlerStorage.name, () => {
  let redis: Redis;
  let sut: RedisThrottlerStorage;
  const prefix = `otest:throttle-spec:${randomBytes(4).toString('hex')}`;

  beforeAll(() => {
    redis = new Redis('redis://127.0.0.1:6379');
    sut = new RedisThrottlerStorage(redis, prefix);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('counts hits and blocks past the limit, with times in seconds', async () => {
    const first = await sut.increment('k1', 60_000, 2, 30_000, 'test');
    expect(first).toEqual({ totalHits: 1, timeToExpire: 60, isBlocked: false, timeToBlockExpire: 0 });
    expect((await sut.increment('k1', 60_000, 2, 30_000, 'test')).isBlocked).toBe(false);
    const third = await sut.increment('k1', 60_000, 2, 30_000, 'test');
    expect(third).toMatchObject({ totalHits: 3, isBlocked: true, timeToBlockExpire: 30 });
    // While blocked, hits are not counted further.
    expect(await sut.increment('k1', 60_000, 2, 30_000, 'test')).toMatchObject({ totalHits: 3, isBlocked: true });
    expect(await redis.exists(`${prefix}:throttle:test:k1`, `${prefix}:throttle:test:k1:block`)).toBe(2);
  });

  it('is atomic under concurrency: exactly `limit` of many simultaneous hits pass', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => sut.increment('k2', 60_000, 10, 60_000, 'test')));
    expect(results.filter((r) => !r.isBlocked)).toHaveLength(10);
  });

  it('forgets a tracker on reset', async () => {
    await sut.increment('k3', 60_000, 1, 60_000, 'test');
    expect((await sut.increment('k3', 60_000, 1, 60_000, 'test')).isBlocked).toBe(true);
    await sut.reset('k3', 'test');
    expect(await sut.increment('k3', 60_000, 1, 60_000, 'test')).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});
