import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { createApi } from '../../src/app/create-api.js';
import { load } from '../lib/http-load.js';
import type { BenchContext, ScenarioResult } from '../types.js';

/**
 * What our HTTP stack (Nest, hooks, logging, metrics, helmet) costs over bare Fastify:
 * `GET /health` on the real app against the same JSON from a bare Fastify route, same run.
 */
export async function httpFramework(ctx: BenchContext): Promise<ScenarioResult> {
  const bare = Fastify();
  bare.get('/health', async () => ({ status: 'ok' }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const barePort = (bare.server.address() as AddressInfo).port;
  const baseline = await load({ url: `http://127.0.0.1:${barePort}/health`, duration: ctx.seconds });
  await bare.close();

  const app = await createApi({ env: { ...ctx.env, LOG_LEVEL: 'warn' } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const measured = await load({ url: `http://127.0.0.1:${port}/health`, duration: ctx.seconds });
  await app.close();

  return {
    name: 'http-framework',
    figures: { measured, baseline },
    ratio: measured.requestsPerSecond / baseline.requestsPerSecond,
    summary: `GET /health ${measured.requestsPerSecond} req/s vs bare Fastify ${baseline.requestsPerSecond} req/s`,
  };
}
