import fastifyMultipart from '@fastify/multipart';
import { type DynamicModule, Logger as NestLogger, type Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { JwtService } from '@nestjs/jwt';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import { DataSource } from 'typeorm';
import type { EnvOverrides } from '../common/core.module.js';
import { Env, validateEnv } from '../common/config/env.schema.js';
import { sendProblem } from '../common/errors/problem.filter.js';
import { normalizeInput } from '../common/http/normalize-input.js';
import { cacheValidationMetadata } from '../common/http/validation-metadata-cache.js';
import { validationExceptionFactory } from '../common/http/validation.js';
import { requestIdFor } from '../common/logging/logger.options.js';
import { registerRequestLogging } from '../common/logging/request-logging.js';
import { isDraining } from '../common/lifecycle/graceful-shutdown.js';
import { MetricsService } from '../common/metrics/metrics.service.js';
import { QUEUE_DASHBOARD_ROUTE } from '../queue-dashboard/queue-dashboard.module.js';
import { queueDashboardGate } from '../queue-dashboard/queue-dashboard.gate.js';
import { ApiModule } from './api.module.js';
import { serveWebApp } from './web-app.js';

export const API_PREFIX = 'api/v1';
const FRAMEWORK_ERROR_HEADERS = {
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
};
/** Routes outside `/api/v1`: operations and docs. */
export const OPERATIONAL_ROUTES = ['health', 'health/ready', 'metrics', 'admin/queues'];

export interface CreateApiOptions {
  env?: EnvOverrides;
  /** Extra modules mounted beside the feature modules (tests of the HTTP layer itself). */
  extraModules?: Array<Type | DynamicModule>;
}

/** Builds the HTTP application, fully configured but not listening; tests use `inject()` on it. */
export async function createApi(options: CreateApiOptions = {}): Promise<NestFastifyApplication> {
  cacheValidationMetadata();
  const bodyLimit = validateEnv({ ...process.env, ...options.env }).BODY_LIMIT_BYTES;

  const frameworkLogger = new NestLogger('Http');
  const adapter = new FastifyAdapter({
    bodyLimit,
    // Errors Fastify raises before routing (a malformed URL, an over-long path parameter) get the
    // same problem+json answer as everything else.
    // Helmet's hooks do not run for these, so the answer carries the strictest headers itself.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      reply.headers(FRAMEWORK_ERROR_HEADERS);
      sendProblem(error, request, reply, frameworkLogger);
    },
    trustProxy: true,
    genReqId: (req: IncomingMessage) => requestIdFor(req),
    // Keep-alive sockets that sit idle are closed on shutdown; busy ones finish their request first.
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.register(options.env, options.extraModules), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  const env = app.get(Env);
  const fastify = app.getHttpAdapter().getInstance();
  registerRequestLogging(fastify, { bindContext: env.LOG_REQUEST_CONTEXT });

  // The hooks every request passes are callback-style: an async hook costs a promise and a
  // microtask turn per request, on the route that must carry thousands of completions a second.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', String(request.id));
    // While draining, answered keep-alive connections are closed so the listener can finish closing.
    if (isDraining()) reply.header('connection', 'close');
    done(null, payload);
  });
  const dashboardGate = queueDashboardGate(app.get(JwtService), app.get(DataSource));
  const dashboardLogger = new NestLogger('QueueDashboard');
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.url !== QUEUE_DASHBOARD_ROUTE && !request.url.startsWith(`${QUEUE_DASHBOARD_ROUTE}/`)) return done();
    // Outside Nest's pipeline, so the problem response is sent here (and the request goes no further).
    dashboardGate(request, reply).then(
      () => done(),
      (error: unknown) => {
        try {
          sendProblem(error, request, reply, dashboardLogger);
        } catch (failed) {
          done(failed as Error);
        }
      },
    );
  });
  fastify.addHook('preValidation', (request, reply, done) => {
    try {
      if (request.body !== null && typeof request.body === 'object' && !Buffer.isBuffer(request.body)) request.body = normalizeInput(request.body);
      if (request.query !== null && typeof request.query === 'object') request.query = normalizeInput(request.query);
    } catch (error) {
      sendProblem(error, request, reply, frameworkLogger);
      return;
    }
    done();
  });
  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  // Security headers on every answer: helmet's, worked out once here (with this configuration they
  // are the same for every request) and added as one header object per request. @fastify/helmet
  // rebuilt the middleware (parsing the CSP directives) on every request, and even helmet's own
  // middleware sets each header on the raw response one by one: together about 4% of a request's CPU.
  const securityHeaders = helmetHeaders({
    // Swagger UI needs inline styles and scripts from its own origin only.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaders);
    done();
  });
  // Cross-origin browsers are let in only from CORS_ORIGINS. With none configured (the web app is
  // served from the API's own origin) there is nothing to answer, so no CORS hook runs per request.
  const origins = env.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  if (origins.length > 0) {
    app.enableCors({ origin: origins, credentials: true, exposedHeaders: ['x-request-id', 'etag', 'retry-after', 'location'] });
  }
  await app.register(fastifyMultipart, { limits: { fileSize: 5 * 1024 * 1024, files: 1, fields: 20, fieldSize: 64 * 1024 } });

  await serveWebApp(app);

  app.setGlobalPrefix(API_PREFIX, { exclude: OPERATIONAL_ROUTES });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      exceptionFactory: validationExceptionFactory,
    }),
  );

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Outreach Coordinator API')
      .setDescription(
        'Coordinates content campaigns, share tasks and proof of sharing across grassroots organisations. ' +
          'Errors are RFC 9457 problem details (application/problem+json), in English or Vietnamese by Accept-Language.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', yamlDocumentUrl: 'docs-yaml' });

  await app.init();
  await fastify.ready();
  return app;
}

/**
 * The headers helmet's middleware sets for `options`, read by running it once on a stand-in
 * response. Only for options whose headers are the same for every request (no CSP nonce
 * functions); fails loudly if helmet reports an error or sets nothing.
 */
export function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  let failed: unknown;
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => void (headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)),
    removeHeader: () => undefined,
  };
  helmet(options)({} as never, response as never, (error?: unknown) => void (failed = error));
  if (failed || Object.keys(headers).length === 0) throw new Error(`helmet gave no fixed headers for these options: ${String(failed)}`);
  return Object.freeze(headers);
}
