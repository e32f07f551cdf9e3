import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import type { Env } from '../common/config/env.schema.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

export const LOGIN_NAME_THROTTLER = 'loginName';
export const LOGIN_IP_THROTTLER = 'loginIp';

/** The key of a login name: case-insensitive, hashed so any body (even a huge one) makes a short key. */
export function loginNameKey(login: unknown): string {
  const name = typeof login === 'string' ? login.trim().toLowerCase() : '';
  return createHash('sha256').update(name).digest('hex');
}

/**
 * Login throttling only: one count per login name and one per client IP, in Redis. The rest of the
 * API is not throttled here (authenticated callers are known and audited; a reverse proxy is the
 * place for blunt per-IP limits).
 */
export function loginThrottlerOptions(env: Env, redis: Redis): ThrottlerModuleOptions {
  const ttl = env.LOGIN_THROTTLE_TTL_SECONDS * 1000;
  return {
    storage: new RedisThrottlerStorage(redis, env.REDIS_PREFIX),
    setHeaders: false,
    throttlers: [
      {
        name: LOGIN_NAME_THROTTLER,
        ttl,
        blockDuration: ttl,
        limit: env.LOGIN_THROTTLE_LIMIT,
        getTracker: (req) => loginNameKey((req as FastifyRequest<{ Body: { login?: unknown } }>).body?.login),
        generateKey: (_ctx, tracker) => tracker,
      },
      {
        name: LOGIN_IP_THROTTLER,
        ttl,
        blockDuration: ttl,
        limit: env.LOGIN_THROTTLE_IP_LIMIT,
        getTracker: (req) => String((req as FastifyRequest).ip),
        generateKey: (_ctx, tracker) => tracker,
      },
    ],
  };
}

/** The throttler guard of the login route, answering 429 with a plain `Retry-After` header. */
@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('retry-after', String(Math.max(1, detail.timeToBlockExpire)));
    return super.throwThrottlingException(context, detail);
  }
}
