import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../../src/app/create-api.js';
import type { MatrixWorld } from '../authz/route-matrix.types.js';
import { createTwoUnitWorld } from '../support/fixtures.js';
import { clearRedisPrefix, type TestContext, waitFor } from '../support/test-app.js';
import { lanes, newTally, record, summary } from './support/load.js';
import { PrivatePostgres } from './support/private-servers.js';
import { report } from './support/profile.js';

/**
 * PostgreSQL faults on a private cluster: a restart under load, every connection taken, statements
 * that run into the timeout. The API must answer 503 problem documents (never 500), write nothing
 * by halves, and recover on its own — the same process, no restart.
 */
describe('faults: PostgreSQL restart, exhausted connections, statement timeout', () => {
  let server: PrivatePostgres;
  let app: NestFastifyApplication;
  let ds: DataSource;
  let world: MatrixWorld;
  const prefix = `ofault:pg:${randomBytes(4).toString('hex')}`;
  const MAX_CONNECTIONS = 20;
  const POOL = 4;

  beforeAll(async () => {
    server = await PrivatePostgres.start({ maxConnections: MAX_CONNECTIONS });
    const url = await server.createDatabase();
    app = await createApi({
      env: {
        NODE_ENV: 'test',
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: String(POOL),
        DATABASE_STATEMENT_TIMEOUT_MS: '1000',
        REDIS_URL: 'redis://127.0.0.1:6379',
        REDIS_PREFIX: prefix,
        RUN_MIGRATIONS: 'false',
        LOG_LEVEL: process.env.FAULTS_LOG_LEVEL ?? 'silent',
      },
    });
    ds = app.get(DataSource);
    world = await createTwoUnitWorld({ app, dataSource: ds } as TestContext);
    report(`postgres: private cluster on 127.0.0.1:${server.port} (${process.getuid?.() === 0 ? 'initdb/pg_ctl run as the postgres user via runuser, since this test runs as root' : 'run as the current user'}), max_connections=${MAX_CONNECTIONS}, API pool ${POOL}, statement timeout 1 s`);
  });
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await server?.destroy();
    await clearRedisPrefix(prefix);
  });

  const get = (url: string) => app.inject({ method: 'GET', url, headers: world.admin.headers });
  const createCollaborator = (code: string) =>
    app.inject({ method: 'POST', url: '/api/v1/collaborators', headers: world.admin.headers, payload: { code, organisationId: world.unitA.id, fullName: `Phạm Thị ${code}` } });

  /** Every collaborator row has its audit entry and every audit entry its row: nothing half-written. */
  async function halfWritten(codes: string[]): Promise<{ rows: number; audits: number; orphans: number }> {
    const [r] = await server.query<{ rows: number; audits: number; orphans: number }>(
      `SELECT (SELECT count(*)::int FROM collaborator WHERE code = ANY($1)) AS rows,
              (SELECT count(*)::int FROM audit_log a JOIN collaborator c ON c.id::text = a.entity_id WHERE a.action = 'collaborator.create' AND c.code = ANY($1)) AS audits,
              (SELECT count(*)::int FROM collaborator c WHERE c.code = ANY($1)
                  AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'collaborator.create' AND a.entity_id = c.id::text)) AS orphans`,
      'outreach',
      [codes],
    );
    return r!;
  }

  it('restart during load: 2xx or 503 problem only, nothing half-written, recovers without restarting the API', async () => {
    const tally = newTally();
    const codes: string[] = [];
    const created = new Set<string>();
    let stop = false;
    const load = lanes(6, () => stop, async (lane, i) => {
      if (i % 3 === 0) {
        const code = `PGR-${lane}-${i}-${randomBytes(2).toString('hex')}`;
        codes.push(code);
        const res = await createCollaborator(code);
        if (res.statusCode === 201) created.add(code);
        record(tally, `create ${code}`, res, [201, 503]);
      } else {
        record(tally, 'read', await get(i % 2 ? '/api/v1/organisations' : '/api/v1/collaborators?limit=20'), [200, 503]);
      }
    });
    await waitFor(() => tally.total >= 30, { timeoutMs: 60_000, what: 'load to start' });
    const before = tally.total;
    await server.ctl('restart', 'fast');
    // Recovery: the same API process answers reads and writes again once Postgres is back.
    await waitFor(async () => (await get('/api/v1/organisations')).statusCode === 200 && (await createCollaborator(`PGR-after-${randomBytes(3).toString('hex')}`)).statusCode === 201, {
      timeoutMs: 60_000,
      what: 'the API to recover after the restart',
    });
    const recoveredAt = tally.total;
    await waitFor(() => tally.total >= recoveredAt + 30, { timeoutMs: 60_000, what: 'more load after recovery' });
    stop = true;
    await load;
    const state = await halfWritten(codes);
    report(
      `postgres restart: ${tally.total} requests (${before} before the restart), statuses ${summary(tally)}; ${created.size} creates answered 201, ` +
        `${state.rows} rows exist, ${state.audits} audit entries, ${state.orphans} rows without audit; recovered without restarting the API`,
    );
    expect(tally.unexpected).toEqual([]);
    expect(state.orphans).toBe(0);
    expect(state.audits).toBe(state.rows);
    // A 201 is a promise: every acknowledged create survived the restart.
    const [{ n }] = await server.query<{ n: number }>(`SELECT count(*)::int AS n FROM collaborator WHERE code = ANY($1)`, 'outreach', [[...created]]);
    expect(n).toBe(created.size);
  });

  it('connections exhausted: 503 problem while the server refuses connections, then recovery', async () => {
    // A restart drops the API's pooled connections; the test then takes every connection the server has.
    const hogs: pg.Client[] = [];
    await server.ctl('restart', 'fast');
    for (;;) {
      const c = new pg.Client({ connectionString: server.url('postgres') });
      try {
        await c.connect();
        hogs.push(c);
      } catch {
        break;
      }
    }
    const tally = newTally();
    const codes: string[] = [];
    await lanes(4, () => tally.total >= 40, async (lane, i) => {
      if (i % 2) {
        const code = `PGX-${lane}-${i}-${randomBytes(2).toString('hex')}`;
        codes.push(code);
        record(tally, `create ${code}`, await createCollaborator(code), [201, 503]);
      } else record(tally, 'read', await get('/api/v1/organisations'), [200, 503]);
    });
    const refused = tally.statuses.get(503) ?? 0;
    await Promise.all(hogs.map((c) => c.end()));
    await waitFor(async () => (await get('/api/v1/organisations')).statusCode === 200, { timeoutMs: 30_000, what: 'recovery after connections are released' });
    const state = await halfWritten(codes);
    report(`postgres connections exhausted: ${hogs.length} connections held by the test, ${tally.total} requests → ${summary(tally)}; ${state.rows} rows, ${state.orphans} without audit; recovered once released`);
    expect(tally.unexpected).toEqual([]);
    expect(refused).toBeGreaterThan(0);
    expect(state.orphans).toBe(0);
  });

  it('pool exhausted and statement timeout: a locked table gives 503 problems within bounded time, rolls back, then recovers', async () => {
    const locker = new pg.Client({ connectionString: server.url() });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE organisation IN ACCESS EXCLUSIVE MODE');
    const tally = newTally();
    const codes: string[] = [];
    // More concurrent requests than the pool has connections: some wait for a connection, the rest for the lock.
    await Promise.all(
      Array.from({ length: POOL * 4 }, async (_, i) => {
        if (i % 2) {
          const code = `PGT-${i}-${randomBytes(2).toString('hex')}`;
          codes.push(code);
          record(tally, `create ${code}`, await createCollaborator(code), [503]);
        } else record(tally, 'read', await get('/api/v1/organisations'), [503]);
      }),
    );
    await locker.query('ROLLBACK');
    await locker.end();
    await waitFor(async () => (await get('/api/v1/organisations')).statusCode === 200, { timeoutMs: 30_000, what: 'recovery after the lock is released' });
    const state = await halfWritten(codes);
    const [{ active }] = await server.query<{ active: number }>(`SELECT count(*)::int AS active FROM pg_stat_activity WHERE application_name LIKE 'outreach%' AND state = 'active' AND pid <> pg_backend_pid()`);
    report(`postgres statement timeout + pool of ${POOL} exhausted: ${tally.total} requests against a locked table → ${summary(tally)}; ${state.rows} of ${codes.length} creates written (0 expected); ${active} statements left running`);
    expect(tally.unexpected).toEqual([]);
    expect(state.rows).toBe(0);
    expect((await createCollaborator(`PGT-after-${randomBytes(3).toString('hex')}`)).statusCode).toBe(201);
  });
});
