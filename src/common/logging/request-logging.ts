import type { FastifyInstance } from 'fastify';
import { type Params, PinoLogger } from 'nestjs-pino';
import { type HttpLogger, pinoHttp } from 'pino-http';

/**
 * One log line per HTTP request, for every route — the API under its prefix, the operational
 * routes outside it, the docs, static files, unknown paths — from a single Fastify `onRequest`
 * hook (the first of the request's hooks after the adapter's own). The same hook opens
 * nestjs-pino's logging context for the request, so what Nest code logs while handling it carries
 * the request (and its id), as nestjs-pino's middleware would.
 */
export function registerRequestLogging(fastify: FastifyInstance, options: Params, context: PinoLogger): void {
  let httpLogger: HttpLogger | undefined;
  fastify.addHook('onRequest', (request, reply, done) => {
    // nestjs-pino builds its root logger when Nest initialises; requests come later.
    httpLogger ??= pinoHttp({ ...(options.pinoHttp as object), logger: PinoLogger.root });
    httpLogger(request.raw, reply.raw);
    // What Nest code logs meanwhile carries the request's id (its line above has the rest): a
    // plain object, so the context logger does not serialise and redact the whole request again.
    context.runInContext(done, { bindings: { req: { id: request.id } } });
  });
}
