import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Level } from 'pino';

/** The request being handled, for the log lines written meanwhile (see requestLogMixin; LOG_REQUEST_CONTEXT). */
const requestContext = new AsyncLocalStorage<{ id: string }>();

/**
 * The request a log line is about, named in the line itself (the same `req.id` field the request
 * line and requestLogMixin use): for the lines the request-handling code writes on purpose
 * (security warnings, failures), which must carry it whether or not LOG_REQUEST_CONTEXT is on.
 */
export function requestRef(requestId: string | undefined | null): { req?: { id: string } } {
  return requestId ? { req: { id: requestId } } : {};
}

/**
 * pino's `mixin`: what the code logs while handling a request carries that request's id. A plain
 * lookup when a line is written, instead of a child logger built for every request (serialising
 * and redacting its bindings cost about 5% of a request's CPU for lines that are almost never written).
 */
export function requestLogMixin(): object {
  return requestRef(requestContext.getStore()?.id);
}

/** Probed every few seconds by orchestrators and Prometheus: not worth a log line each. */
const QUIET_PATHS = new Set(['/health', '/health/ready', '/metrics']);

function levelFor(statusCode: number): Level {
  return statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}

/**
 * One log line per HTTP request, for every route — the API under its prefix, the operational
 * routes outside it, the docs, static files, unknown paths — from Fastify hooks registered first,
 * so every request passes them. The line is written when the answer has been sent (or when the
 * client went away before sending all of its request), at info, warn for a 4xx and error for a
 * 5xx, and only if that level is enabled.
 *
 * With `bindContext` (LOG_REQUEST_CONTEXT), `onRequest` also opens the request's logging context,
 * so EVERY line written while it is handled carries its id (a slow query, a library's warning).
 * That takes an AsyncLocalStorage, and on Node 20 an enabled one runs a hook for every promise
 * the process creates: 13–19% of the API's CPU on the completion route (measured with the two
 * builds side by side, 2026-11-26). Off by default; the request-handling code names the request
 * in the lines it writes on purpose (requestRef).
 */
export function registerRequestLogging(fastify: FastifyInstance, options: { bindContext: boolean }): void {
  if (options.bindContext) {
    fastify.addHook('onRequest', (request, _reply, done) => {
      requestContext.run({ id: String(request.id) }, done);
    });
  }
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
