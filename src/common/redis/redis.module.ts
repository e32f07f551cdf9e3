import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Env } from '../config/env.schema.js';
import { redisOptionsFromUrl } from './redis-options.js';
import { redisOutages } from './redis-outage.js';

export const REDIS = Symbol('REDIS');

/**
 * A general-purpose Redis client (health checks, throttling). It never queues commands while
 * Redis is down, so callers fail fast instead of hanging; its connection errors are logged once
 * per outage (redis-outage.ts).
 */
@Injectable()
export class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [Env],
      useFactory: (env: Env) =>
        redisOutages.watch(
          'client',
          new Redis(
            redisOptionsFromUrl(env.REDIS_URL, {
              enableOfflineQueue: false,
              maxRetriesPerRequest: 1,
              connectTimeout: 2_000,
              commandTimeout: 2_000,
              lazyConnect: false,
              retryStrategy: (times) => Math.min(times * 200, 2_000),
            }),
          ),
        ),
    },
    RedisLifecycle,
  ],
  exports: [REDIS],
})
export class RedisModule {}
