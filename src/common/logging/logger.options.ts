import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { Env } from '../config/env.schema.js';
import { requestLogMixin } from './request-logging.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Reuses a well-formed `X-Request-Id` from a proxy; otherwise a new UUID. */
export function requestIdFor(req: IncomingMessage): string {
  const existing = (req as IncomingMessage & { id?: unknown }).id;
  if (typeof existing === 'string') return existing;
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  (req as IncomingMessage & { id?: string }).id = id;
  return id;
}

/** Paths of secrets that must never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.authorization',
  '*.passwordHash',
  '*.password_hash',
  '*.tokenHash',
  '*.token_hash',
  // A failed query carries its bound parameters (password hashes, token hashes): never log them.
  'err.parameters',
  'err.driverError.parameters',
  '*.err.parameters',
];

export function loggerOptions(env: Env, role: 'api' | 'worker'): Params {
  return {
    // No route-based middleware: the API logs each request once from Fastify hooks, for every
    // route (see request-logging.ts). Nest's middleware routes mounted it twice on the routes
    // outside the global prefix, and not at all on docs, static files and unknown paths. These
    // options make the root logger (nestjs-pino builds it with pino-http's factory).
    forRoutes: [],
    pinoHttp: {
      level: env.LOG_LEVEL,
      base: { role, pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin: requestLogMixin,
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      ...(env.LOG_PRETTY ? { transport: { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
    },
  };
}
