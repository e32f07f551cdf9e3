import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Level } from 'pino';

/** The request being handled, for the log lines written meanwhile (see requestLogMixin). */
const requestContext = new AsyncLocalStorage<{ id: string }>();

/**
 * pino's `mixin`: what the code logs while handling a request carries that request's id. A plain
 * lookup when a line is written, instead of a child logger built for every request (serialising
 * and redacting its bindings cost about 5% of a request's CPU for lines that are almost never written).
 */
export function requestLogMixin(): object {
  const current = requestContext.getStore();
  return current ? { req: { id: current.id } } : {};
}

/** Probed every few seconds by orchestrators and Prometheus: not worth a log line each. */
const QUIET_PATHS = new Set(['/health', '/health/ready', '/metrics']);

function levelFor(statusCode: number): Level {
  return statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}

/**
 * One log line per HTTP request, for every route — the API under its prefix, the operational
 * routes outside it, the docs, static files, unknown paths — from Fastify hooks registered first,
 * so every request passes them. `onRequest` opens the request's logging context; the line is
 * written when the answer has been sent (or when the client went away before sending all of its
 * request), at info, warn for a 4xx and error for a 5xx, and only if that level is enabled.
 */
export function registerRequestLogging(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    requestContext.run({ id: String(request.id) }, done);
  });
  const quiet = (request: FastifyRequest) => QUIET_PATHS.has(request.url.split('?', 1)[0]!);
  fastify.addHook('onResponse', (request, reply, done) => {
    const level = levelFor(reply.statusCode);
    const log = PinoLogger.root;
    if (log.isLevelEnabled(level) && !quiet(request)) {
      // The raw request and response, as pino-http logged them: the root logger's serializers
      // (logger.options.ts) pick the fields.
      const fields = { req: request.raw, res: reply.raw, responseTime: Math.round(reply.elapsedTime) };
      log[level](fields, level === 'error' ? 'request errored' : 'request completed');
    }
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    const log = PinoLogger.root;
    if (log.isLevelEnabled('info') && !quiet(request)) log.info({ req: request.raw }, 'request aborted');
    done();
  });
}
