import argon2 from 'argon2';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl, dropDatabase } from './support/postgres.js';
import { spawnService, type SpawnedService } from './support/spawn-service.js';
import { clearRedisPrefix, createTestDatabase, testEnv, waitFor } from './support/test-app.js';

interface LogLine {
  msg?: string;
  level?: number;
  req?: { id?: string; url?: string; method?: string };
  res?: { statusCode?: number };
}

/**
 * The built API as a real process (pino writes to fd 1): every request — under the API prefix,
 * outside it, docs, unknown paths — is logged exactly once, health and metrics probes not at all,
 * and the warnings the code writes about a request name it (with LOG_REQUEST_CONTEXT off, the
 * default; request-logging.spec covers the mode that binds every line).
 */
describe('request logging', { timeout: 120_000 }, () => {
  let dbName: string;
  let env: Record<string, string | undefined>;
  let api: SpawnedService;
  const PASSWORD = 'Request-logging-pw-64';

  beforeAll(async () => {
    dbName = await createTestDatabase();
    const client = new pg.Client({ connectionString: databaseUrl(dbName) });
    await client.connect();
    await client.query(`INSERT INTO app_user (login, password_hash, role) VALUES ('log.check', $1, 'admin')`, [await argon2.hash(PASSWORD, { type: argon2.argon2id })]);
    await client.end();
    env = testEnv(dbName, { LOG_LEVEL: 'info' });
    api = await spawnService('main', env);
  }, 120_000);

  afterAll(async () => {
    api?.child.kill('SIGTERM');
    await api?.exited;
    await clearRedisPrefix(String(env.REDIS_PREFIX));
    if (dbName) await dropDatabase(dbName);
  });

  const lines = (): LogLine[] =>
    api
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  const call = async (method: string, path: string, body?: object) => {
    const res = await fetch(`http://127.0.0.1:${api.port}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, id: res.headers.get('x-request-id')!, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, string>) : {} };
  };

  it('logs each request once, wherever its route lives; probes are not logged', async () => {
    const calls = [
      await call('GET', '/api/v1/me/notifications'), // under the prefix, 401
      await call('GET', '/admin/queues'), // outside the prefix, 401
      await call('GET', '/health/ready'), // probe: not logged
      await call('GET', '/health'),
      await call('GET', '/metrics'),
      await call('GET', '/docs-json'), // Swagger, not a Nest route
      await call('GET', '/api/v1/no/such/route'), // 404 (outside /api/v1 an unknown path is a web-app route)
    ];
    expect(calls.map((c) => c.status)).toEqual([401, 401, expect.any(Number), 200, 200, 200, 404]);
    const logged = [calls[0]!, calls[1]!, calls[5]!, calls[6]!];
    await waitFor(() => logged.every((c) => lines().some((l) => l.req?.id === c.id)), { what: 'the request log lines' });
    for (const c of logged) {
      const mine = lines().filter((l) => l.msg === 'request completed' && l.req?.id === c.id);
      expect(mine, `log lines of ${c.id}`).toHaveLength(1);
      expect(mine[0]!.res?.statusCode).toBe(c.status);
    }
    expect(lines().filter((l) => l.msg === 'request completed').map((l) => l.req?.url)).toEqual(['/api/v1/me/notifications', '/admin/queues', '/docs-json', '/api/v1/no/such/route']);
    for (const probe of calls.slice(2, 5)) expect(lines().some((l) => l.req?.id === probe.id)).toBe(false);
  });

  it('names the request in the warnings the code writes about it (a reused refresh token)', async () => {
    const login = await call('POST', '/api/v1/auth/login', { login: 'log.check', password: PASSWORD });
    expect(login.status).toBe(200);
    expect((await call('POST', '/api/v1/auth/refresh', { refreshToken: login.body.refreshToken })).status).toBe(200);
    const reuse = await call('POST', '/api/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(reuse.status).toBe(401);
    const warning = await waitFor(() => lines().find((l) => (l.msg ?? '').startsWith('Refresh token reused')), { what: 'the reuse warning' });
    expect(warning.req?.id).toBe(reuse.id);
    await waitFor(() => lines().some((l) => l.msg === 'request completed' && l.req?.id === reuse.id), { what: 'the refresh request line' });
    expect(lines().filter((l) => l.msg === 'request completed' && l.req?.id === reuse.id)).toHaveLength(1);
  });
});
