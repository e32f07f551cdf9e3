/**
 * What our HTTP stack (Nest modules, guards, hooks, logging, metrics, helmet) costs over a bare
 * NestJS route on the same Fastify adapter: `GET /health` (touches neither Postgres nor Redis) on
 * the real API against `GET /noop` on the bare app, both in child processes, same run. The
 * one-`UPDATE` baseline (`POST /update`) is measured too, so the table shows the whole ladder
 * (nothing → one UPDATE → the app) that the route scenarios compare with. Finally the noop app is
 * served inside the load generator's own process, to show what in-process measuring would hide.
 */
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Controller, Get, Module } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { runLoad, type LoadResult } from '../lib/http-load.js';
import { measureServerRss, type RssFigures } from '../lib/rss.js';
import { startAppServer, startBaselineServer, type BenchServer } from '../lib/servers.js';
import type { BenchContext, ScenarioResult } from '../types.js';

@Controller()
class InProcessNoopController {
  @Get('noop')
  get(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [InProcessNoopController] })
class InProcessNoopModule {}

async function loadServer(server: BenchServer, path: string, ctx: BenchContext, method: 'GET' | 'POST' = 'GET'): Promise<LoadResult & { rss: RssFigures }> {
  try {
    // Warm-up (JIT, connection pools, lazy module init) is not measured.
    await runLoad(`${server.url}${path}`, { method, seconds: Math.min(2, Math.max(1, ctx.seconds / 3)), body: method === 'POST' ? {} : undefined });
    const { result, rss } = await measureServerRss(server.pid, () => runLoad(`${server.url}${path}`, { method, seconds: ctx.seconds, body: method === 'POST' ? {} : undefined }));
    return { ...result, rss };
  } finally {
    await server.stop();
  }
}

export async function httpFramework(ctx: BenchContext): Promise<ScenarioResult> {
  const noop = await loadServer(await startBaselineServer('noop', { env: ctx.env }), '/noop', ctx);
  const update = await loadServer(await startBaselineServer('update', { env: ctx.env, poolSize: ctx.poolSize }), '/update', ctx, 'POST');
  const app = await loadServer(await startAppServer({ env: ctx.env }), '/health', ctx);

  const inProcess = await NestFactory.create<NestFastifyApplication>(InProcessNoopModule, new FastifyAdapter(), { logger: false });
  await inProcess.listen(0, '127.0.0.1');
  const port = (inProcess.getHttpServer().address() as AddressInfo).port;
  await runLoad(`http://127.0.0.1:${port}/noop`, { seconds: Math.min(2, Math.max(1, ctx.seconds / 3)) });
  const inProcessNoop = await runLoad(`http://127.0.0.1:${port}/noop`, { seconds: ctx.seconds });
  await inProcess.close();

  ctx.chart?.('http-ladder', {
    kind: 'bar',
    title: `Requests/s, 50 connections (${ctx.scale})`,
    yLabel: 'requests per second',
    bars: [
      { label: 'bare noop', value: noop.requestsPerSecond },
      { label: 'bare 1 UPDATE', value: update.requestsPerSecond },
      { label: 'app /health', value: app.requestsPerSecond },
      { label: 'noop in-process', value: inProcessNoop.requestsPerSecond },
    ],
  });
  const share = 1 - app.requestsPerSecond / noop.requestsPerSecond;
  return {
    name: 'http-framework',
    figures: { app, noop, update, inProcessNoop, frameworkShare: Math.round(share * 1000) / 1000 },
    ratio: app.requestsPerSecond / noop.requestsPerSecond,
    summary:
      `GET /health ${app.requestsPerSecond} req/s (p99 ${app.p99Ms} ms, RSS ${app.rss.peakRssMb} MB) vs bare Nest noop ${noop.requestsPerSecond} req/s; ` +
      `bare 1-UPDATE ${update.requestsPerSecond} req/s; noop measured in-process ${inProcessNoop.requestsPerSecond} req/s`,
  };
}
