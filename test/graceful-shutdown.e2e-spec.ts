import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { databaseUrl, dropDatabase } from './support/postgres.js';
import { spawnService } from './support/spawn-service.js';
import { createTestDatabase, testEnv, waitFor } from './support/test-app.js';

describe('stopping the API with SIGTERM', () => {
  let dbName: string;
  beforeAll(async () => {
    dbName = await createTestDatabase();
  });
  afterAll(async () => dropDatabase(dbName));

  it('finishes the request in flight, then exits 0 within 10 s', { timeout: 150_000 }, async () => {
    const service = await spawnService('main', testEnv(dbName, { LOG_LEVEL: 'warn' }));
    // Hold a lock the readiness check needs, so its request is in flight when SIGTERM arrives.
    const blocker = new pg.Client({ connectionString: databaseUrl(dbName) });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE migrations IN ACCESS EXCLUSIVE MODE');
    const inFlight = fetch(`http://127.0.0.1:${service.port}/health/ready`);
    // Activity is watched from another connection: inside a transaction pg_stat_activity is a frozen snapshot.
    const watcher = new pg.Client({ connectionString: databaseUrl(dbName) });
    await watcher.connect();
    await waitFor(
      async () =>
        (await watcher.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [dbName])).rowCount,
      { intervalMs: 10, what: 'the request to wait on the lock' },
    );
    await watcher.end();
    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    // New connections are refused while the in-flight request is still served.
    await waitFor(async () => fetch(`http://127.0.0.1:${service.port}/health`).then(() => false, () => true), { intervalMs: 10, what: 'the listener to close' });
    await blocker.query('ROLLBACK');
    await blocker.end();
    const response = await inFlight;
    expect(response.status).toBe(200);
    const { code } = await service.exited;
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
  });
});
