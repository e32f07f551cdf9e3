import argon2 from 'argon2';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED_PATHS } from '../src/common/logging/logger.options.js';
import { databaseUrl, dropDatabase } from './support/postgres.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './support/spawn-service.js';
import { clearRedisPrefix, createTestDatabase, testEnv, waitFor } from './support/test-app.js';
import pg from 'pg';

const ADMIN_PASSWORD = 'Very-secret-admin-pw-31';
const NEW_USER_PASSWORD = 'Another-very-secret-pw-52';
const WRONG_PASSWORD = 'Wrong-but-secret-pw-73';

interface RunningApi {
  port: number;
  output: () => string;
  stop: () => Promise<void>;
}

/** The built API as a real process, its stdout captured (pino writes straight to fd 1). Start-up may be slow on a busy machine. */
async function startApi(env: Record<string, string | undefined>): Promise<RunningApi> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, [fileURLToPath(new URL('../dist/src/main.js', import.meta.url))], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, { timeoutMs: 90_000, intervalMs: 200, what: 'the API to start' });
  return { port, output: () => output, stop: async () => (child.kill('SIGTERM'), await exited) };
}

describe('passwords and tokens never reach the logs', { timeout: 120_000 }, () => {
  let dbName: string;
  let api: RunningApi;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    dbName = await createTestDatabase();
    const client = new pg.Client({ connectionString: databaseUrl(dbName) });
    await client.connect();
    await client.query(`INSERT INTO app_user (login, password_hash, role) VALUES ('log.admin', $1, 'admin')`, [
      await argon2.hash(ADMIN_PASSWORD, { type: argon2.argon2id }),
    ]);
    await client.end();
    env = testEnv(dbName, { LOG_LEVEL: 'debug' });
    api = await startApi(env);
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
    await clearRedisPrefix(String(env.REDIS_PREFIX));
    if (dbName) await dropDatabase(dbName);
  });

  const call = async (method: string, path: string, body?: object, token?: string) => {
    const res = await fetch(`http://127.0.0.1:${api.port}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, string>) : {} };
  };

  it('logs requests of a whole session without any secret', async () => {
    expect((await call('POST', '/api/v1/auth/login', { login: 'log.admin', password: WRONG_PASSWORD })).status).toBe(401);
    const login = await call('POST', '/api/v1/auth/login', { login: 'log.admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    const { accessToken, refreshToken } = login.body as { accessToken: string; refreshToken: string };
    const created = await call('POST', '/api/v1/users', { login: 'log.user', password: NEW_USER_PASSWORD, role: 'admin' }, accessToken);
    expect(created.status).toBe(201);
    expect((await call('POST', `/api/v1/users/${created.body.id}/reset-password`, { password: `${NEW_USER_PASSWORD}x` }, accessToken)).status).toBe(204);
    const rotated = await call('POST', '/api/v1/auth/refresh', { refreshToken });
    expect(rotated.status).toBe(200);
    // Reusing the first refresh token is logged as a warning, with ids only.
    expect((await call('POST', '/api/v1/auth/refresh', { refreshToken })).status).toBe(401);
    // The reuse revoked the session, so its access token is refused too (the body is never logged either way).
    expect((await call('POST', '/api/v1/users', { login: 'bad', password: 'short', role: 'admin', extra: ADMIN_PASSWORD }, accessToken)).status).toBe(401);

    const output = await waitFor(() => (api.output().includes('Refresh token reused') && api.output().includes('/api/v1/auth/refresh') ? api.output() : null), {
      what: 'the log lines of the session',
    });
    for (const secret of [ADMIN_PASSWORD, NEW_USER_PASSWORD, WRONG_PASSWORD, accessToken, refreshToken, rotated.body.refreshToken!, rotated.body.accessToken!]) {
      expect(output.includes(secret), `a secret appears in the log: ${secret.slice(0, 6)}…`).toBe(false);
    }
    expect(output).not.toMatch(/\$argon2id\$/);
  });

  it('redacts secrets inside logged objects and failed queries', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    logger.error({ err: { message: 'duplicate key', parameters: ['login', '$argon2id$v=19$hash'] }, body: { password: 'p4ss-word-123', refreshToken: 'r3fresh' } }, 'x');
    logger.info({ req: { headers: { authorization: 'Bearer abc.def.ghi' } }, user: { passwordHash: '$argon2id$zz', tokenHash: 'deadbeef' } }, 'y');
    const text = lines.join('');
    for (const secret of ['$argon2id$', 'p4ss-word-123', 'r3fresh', 'abc.def.ghi', 'deadbeef']) expect(text).not.toContain(secret);
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(6);
  });
});
