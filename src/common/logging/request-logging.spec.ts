import Fastify from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRequestLogging, requestLogMixin, requestRef } from './request-logging.js';

/** What a log line written in the middle of a request (after an await) would be bound to. */
async function boundDuringRequest(bindContext: boolean): Promise<Array<{ sent: string; bound: unknown }>> {
  const app = Fastify({ genReqId: () => `r-${Math.random().toString(36).slice(2)}` });
  registerRequestLogging(app, { bindContext });
  app.get('/work', async (request) => {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
    return { sent: request.id, bound: requestLogMixin() };
  });
  try {
    // Concurrent requests, so a context leaking from one request to another would show.
    return await Promise.all(Array.from({ length: 10 }, async () => (await app.inject({ method: 'GET', url: '/work' })).json()));
  } finally {
    await app.close();
  }
}

describe('request logging context', () => {
  // The request line is written through nestjs-pino's root logger, which Nest sets up at start.
  const logger = PinoLogger as unknown as { root: unknown };
  const root = logger.root;
  beforeAll(() => {
    logger.root = pino({ level: 'silent' });
  });
  afterAll(() => {
    logger.root = root;
  });

  it('off (the default): lines written during a request are not bound to it; the code names the request itself', async () => {
    for (const r of await boundDuringRequest(false)) expect(r.bound).toEqual({});
    expect(requestRef('r-1')).toEqual({ req: { id: 'r-1' } });
    expect(requestRef(undefined)).toEqual({});
  });

  it('LOG_REQUEST_CONTEXT: every line written during a request carries that request’s id, and no other', async () => {
    for (const r of await boundDuringRequest(true)) expect(r.bound).toEqual({ req: { id: r.sent } });
  });
});
