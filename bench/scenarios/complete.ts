import { Controller, Inject, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { createApi } from '../../src/app/create-api.js';
import { CampaignPipelineService } from '../../src/campaigns/fan-out.processor.js';
import { validateEnv } from '../../src/common/config/env.schema.js';
import { TokenService } from '../../src/identity/token.service.js';
import { seedBenchCampaign, seedBenchDirectory } from '../lib/campaign-data.js';
import { load } from '../lib/http-load.js';
import type { BenchContext, ScenarioResult } from '../types.js';

const POOL = Symbol('POOL');
const BARE_ROWS = 10_000;

@Controller()
class BareUpdateController {
  constructor(@Inject(POOL) private readonly pool: pg.Pool) {}

  @Post('bare/:id')
  async hit(@Param('id') id: string): Promise<{ ok: true }> {
    await this.pool.query(`UPDATE bench_bare_row SET hits = hits + 1, updated_at = now() WHERE id = $1`, [id]);
    return { ok: true };
  }
}

/**
 * `POST /tasks/:id/complete` with everything it does (auth, checks, idempotency key, conditional
 * update, counters, audit), 50 connections, each request a different pending task with its own
 * proof — against a bare NestJS route on the same Fastify adapter doing one single-row UPDATE.
 */
export async function complete(ctx: BenchContext): Promise<ScenarioResult> {
  const env = validateEnv({ ...process.env, ...ctx.env });

  // Baseline first: a bare Nest app with one pg pool of the same size as the API's.
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: env.DATABASE_POOL_SIZE });
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_bare_row (id int PRIMARY KEY, hits int NOT NULL DEFAULT 0, updated_at timestamptz)`);
  await pool.query(`INSERT INTO bench_bare_row (id) SELECT generate_series(1, ${BARE_ROWS}) ON CONFLICT DO NOTHING`);
  @Module({ controllers: [BareUpdateController], providers: [{ provide: POOL, useValue: pool }] })
  class BareModule {}
  const bare = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
  await bare.listen(0, '127.0.0.1');
  const barePort = (bare.getHttpServer().address() as AddressInfo).port;
  let n = 0;
  const baseline = await load({
    url: `http://127.0.0.1:${barePort}`,
    duration: ctx.seconds,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, path: `/bare/${1 + (n++ % BARE_ROWS)}` }) }],
  });
  await bare.close();
  await pool.end();

  // Small fan-out chunks: the set-up fan-out stays well inside the statement timeout on a loaded machine.
  const app = await createApi({ env: { ...ctx.env, LOG_LEVEL: 'warn', FANOUT_CHUNK_ORGANISATIONS: '20' } });
  try {
    const ds = app.get(DataSource);
    // One collaborator administers every Facebook channel of a demo-sized directory; 120 items → ~24k tasks.
    const dir = await seedBenchDirectory(ds, { units: 73, cellsPerUnit: 4, collaborators: 600, channels: 600 });
    const [admin] = await ds.query(`SELECT id FROM collaborator WHERE organisation_id IN (SELECT id FROM organisation WHERE ancestors @> ARRAY[$1::uuid]) LIMIT 1`, [dir.rootId]);
    await ds.query(
      `INSERT INTO channel_admin (channel_id, collaborator_id)
       SELECT id, $2 FROM channel WHERE organisation_id IN (SELECT id FROM organisation WHERE ancestors @> ARRAY[$1::uuid]) ON CONFLICT DO NOTHING`,
      [dir.rootId, admin.id],
    );
    const campaignId = await seedBenchCampaign(ds, dir.rootId, 120, { platforms: ['facebook_page', 'facebook_group'], personalShares: false });
    await app.get(CampaignPipelineService).fanOut(campaignId);
    // Random order: 50 people completing tasks across units, not one unit's tasks in id order.
    const ids: string[] = (await ds.query(`SELECT id::text FROM share_task WHERE campaign_id = $1 ORDER BY random()`, [campaignId])).map((r: { id: string }) => r.id);
    const [user] = await ds.query(
      `INSERT INTO app_user (login, password_hash, role, collaborator_id) VALUES ('bench-' || gen_random_uuid(), 'x', 'collaborator', $1) RETURNING id`,
      [admin.id],
    );
    const token = app.get(TokenService).signAccessToken(user.id);

    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    let i = 0;
    const measured = await load({
      url: `http://127.0.0.1:${port}`,
      duration: ctx.seconds,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const k = i++;
            return {
              ...req,
              path: `/api/v1/tasks/${ids[k % ids.length]}/complete`,
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `bench-${k}` },
              body: JSON.stringify({ proofUrl: `https://www.facebook.com/benchpage/posts/${campaignId.slice(0, 8)}${k}` }),
            };
          },
        },
      ],
    });
    const [{ done }] = await ds.query(`SELECT count(*)::int AS done FROM share_task WHERE campaign_id = $1 AND status = 'done'`, [campaignId]);
    const ratio = measured.requestsPerSecond / baseline.requestsPerSecond;
    return {
      name: 'complete',
      figures: { measured, baseline, tasks: ids.length, completed: done, wrapped: i > ids.length },
      ratio,
      target: { description: '≥ 0.5× the bare UPDATE route, p99 < 50 ms', met: ratio >= 0.5 && measured.p99Ms < 50 },
      summary: `complete ${measured.requestsPerSecond} req/s p99 ${measured.p99Ms} ms (${done} completions) vs bare UPDATE ${baseline.requestsPerSecond} req/s p99 ${baseline.p99Ms} ms`,
    };
  } finally {
    await app.close();
  }
}
