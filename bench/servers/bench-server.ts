/**
 * The server under test, run as a CHILD process of the bench so that load generation (autocannon,
 * in the parent) does not share an event loop — or, on this 2-core machine, a core's worth of
 * CPU time slices — with it. `node dist/bench/servers/bench-server.js <mode>`:
 * - `app`: the real API (createApi), configured by the environment the parent passes;
 * - `noop`: a bare NestJS app on the same Fastify adapter, one route answering `{ok:true}`;
 * - `update`: the same bare app, one route doing a single-row `UPDATE` through a pg pool of
 *   `BENCH_POOL_SIZE` connections (the app's pool size).
 * Tells the parent `{ port }` over IPC once listening; exits on SIGTERM.
 *
 * BENCH_HEAP_SAMPLING=<dir>: samples every allocation the server makes while it runs, including
 * the objects garbage collection has freed since (where the allocation RATE comes from, which
 * `--heap-prof` cannot show: it keeps only what is still alive), and writes a .heapprofile there
 * on SIGTERM (open it in Chrome DevTools' Memory tab).
 */
import 'reflect-metadata';
import { Controller, Get, HttpCode, Inject, Module, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { BASELINE_APPLICATION_NAME, ensureBenchCounter, UPDATE_ROWS } from '../lib/bench-counter.js';

const POOL = Symbol('pg-pool');

@Controller()
class NoopController {
  @Get('noop')
  get(): { ok: true } {
    return { ok: true };
  }

  @Post('noop')
  @HttpCode(200)
  post(): { ok: true } {
    return { ok: true };
  }
}

@Controller()
class UpdateController {
  constructor(@Inject(POOL) private readonly pool: pg.Pool) {}

  private async touch(): Promise<{ ok: true }> {
    const id = 1 + Math.floor(Math.random() * UPDATE_ROWS);
    await this.pool.query('UPDATE bench_counter SET hits = hits + 1, touched_at = now() WHERE id = $1', [id]);
    return { ok: true };
  }

  @Get('update')
  get(): Promise<{ ok: true }> {
    return this.touch();
  }

  @Post('update')
  @HttpCode(200)
  post(): Promise<{ ok: true }> {
    return this.touch();
  }
}

@Module({ controllers: [NoopController] })
class NoopModule {}

function updateModule(pool: pg.Pool) {
  @Module({ controllers: [UpdateController], providers: [{ provide: POOL, useValue: pool }] })
  class UpdateModule {}
  return UpdateModule;
}

/** Starts allocation sampling (see BENCH_HEAP_SAMPLING); returns what writes the profile. */
function sampleAllocations(dir: string | undefined, mode: string): () => Promise<void> {
  if (!dir) return async () => undefined;
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  void post('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async () => {
    const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
    writeFileSync(join(dir, `${mode}-${process.pid}.heapprofile`), JSON.stringify(profile));
  };
}

async function start(mode: string): Promise<void> {
  const writeAllocations = sampleAllocations(process.env.BENCH_HEAP_SAMPLING, mode);
  let app: INestApplication;
  let cleanup = async () => undefined as void;
  if (mode === 'app') {
    const { createApi } = await import('../../src/app/create-api.js');
    app = await createApi();
  } else if (mode === 'noop' || mode === 'update') {
    const adapter = new FastifyAdapter();
    if (mode === 'noop') {
      app = await NestFactory.create<NestFastifyApplication>(NoopModule, adapter, { logger: false });
    } else {
      const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.BENCH_POOL_SIZE ?? 20), application_name: BASELINE_APPLICATION_NAME });
      await ensureBenchCounter(pool);
      cleanup = () => pool.end();
      app = await NestFactory.create<NestFastifyApplication>(updateModule(pool), adapter, { logger: false });
    }
  } else {
    throw new Error(`unknown bench server mode "${mode}" (app | noop | update)`);
  }
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  process.on('SIGTERM', () => {
    void app
      .close()
      .then(cleanup)
      .then(writeAllocations)
      .finally(() => process.exit(0));
  });
  process.send?.({ port });
}

start(process.argv[2] ?? '').catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
