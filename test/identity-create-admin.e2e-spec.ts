import argon2 from 'argon2';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { databaseUrl, dropDatabase } from './support/postgres.js';
import { createTestDatabase } from './support/test-app.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SCRIPT = `${ROOT}dist/src/cli/create-admin.js`;

/** Runs the built CLI (npm test builds first) with stdin closed, so it is not a terminal. */
function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('npm run user:create-admin', () => {
  let dbName: string;
  let ds: DataSource;
  let env: Record<string, string>;
  beforeAll(async () => {
    if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: npm test builds it first (pretest)`);
    dbName = await createTestDatabase();
    env = { DATABASE_URL: databaseUrl(dbName), RUN_MIGRATIONS: 'false', NODE_ENV: 'test', ADMIN_PASSWORD: '' };
    ds = new DataSource({ type: 'postgres', url: databaseUrl(dbName) });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    if (dbName) await dropDatabase(dbName);
  });

  it('creates the first admin from --password, audits it, and says what it did', async () => {
    const { code, out } = await run(['--login', 'bcd.admin', '--password', 'First-admin-pass', '--display-name', 'Thường trực BCĐ'], env);
    expect(out).toMatch(/Created admin "bcd.admin" \(id [0-9a-f-]{36}\)/);
    expect(code).toBe(0);
    const [user] = await ds.query(`SELECT id, role, password_hash, display_name FROM app_user WHERE login = 'bcd.admin'`);
    expect(user).toMatchObject({ role: 'admin', display_name: 'Thường trực BCĐ' });
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    expect(await argon2.verify(user.password_hash, 'First-admin-pass')).toBe(true);
    const [audit] = await ds.query(`SELECT actor_login, action, after FROM audit_log WHERE entity_id = $1`, [user.id]);
    expect(audit).toMatchObject({ actor_login: 'system:create-admin', action: 'user.create', after: { login: 'bcd.admin', role: 'admin' } });
    expect(out).not.toContain('First-admin-pass');
  });

  it('refuses a login that exists (whatever its case) and changes nothing', async () => {
    const { code, out } = await run(['--login', 'BCD.Admin', '--password', 'Other-password-1'], env);
    expect(code).toBe(2);
    expect(out).toContain('already exists');
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM app_user`);
    expect(n).toBe(1);
  });

  it('reads the password from ADMIN_PASSWORD', async () => {
    const { code } = await run(['--login', 'second.admin'], { ...env, ADMIN_PASSWORD: 'From-the-environment' });
    expect(code).toBe(0);
    const [user] = await ds.query(`SELECT password_hash FROM app_user WHERE login = 'second.admin'`);
    expect(await argon2.verify(user.password_hash, 'From-the-environment')).toBe(true);
  });

  it('refuses a missing login, a short password, and no password off a terminal', async () => {
    expect((await run(['--password', 'Long-enough-pass'], env)).code).toBe(64);
    const short = await run(['--login', 'short.admin', '--password', 'short'], env);
    expect(short.code).toBe(64);
    expect(short.out).toContain('10 to 256 characters');
    const none = await run(['--login', 'no.password'], env);
    expect(none.code).toBe(64);
    expect(none.out).toContain('ADMIN_PASSWORD');
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM app_user`);
    expect(n).toBe(2);
  });
});
