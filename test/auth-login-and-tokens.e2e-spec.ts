import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../src/identity/token.service.js';
import { createTwoUnitWorld, createUser, TEST_PASSWORD } from './support/fixtures.js';
import { createTestContext, type TestContext, waitFor } from './support/test-app.js';

type World = Awaited<ReturnType<typeof createTwoUnitWorld>>;

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
function signHs256(claims: object, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const body = `${b64(header)}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('a user logs in, refreshes and logs out', () => {
  let ctx: TestContext;
  let world: World;
  let secret: string;
  beforeAll(async () => {
    ctx = await createTestContext();
    world = await createTwoUnitWorld(ctx);
    secret = String(ctx.app.get(TokenService)['env'].JWT_SECRET);
  });
  afterAll(async () => ctx?.close());

  const login = (loginName: string, password: string, ip = '10.0.0.1') =>
    ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: loginName, password }, remoteAddress: ip });
  const me = (token: string) => ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
  const refresh = (refreshToken: string) => ctx.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } });

  it('logs in with the right password (login case-insensitive) and answers the token pair and the user', async () => {
    const res = await login(world.secretaryA.login.toUpperCase(), TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ expiresIn: 900, user: { id: world.secretaryA.id, role: 'secretary', organisationId: world.unitA.id } });
    expect(body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(body.refreshToken).toMatch(/^[\w-]{43}$/);
    expect(JSON.stringify(body)).not.toMatch(/password|argon2/i);
    const [row] = await ctx.dataSource.query(`SELECT last_login_at FROM app_user WHERE id = $1`, [world.secretaryA.id]);
    expect(row.last_login_at).not.toBeNull();
    const [stored] = await ctx.dataSource.query(`SELECT token_hash FROM refresh_token WHERE user_id = $1`, [world.secretaryA.id]);
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.token_hash).not.toBe(body.refreshToken);
    expect((await me(body.accessToken)).statusCode).toBe(200);
  });

  it('answers the same INVALID_CREDENTIALS for a wrong password, an unknown login and a disabled account', async () => {
    const disabled = await createUser(ctx, { role: 'admin', disabled: true });
    const answers = [await login(world.admin.login, 'wrong-password-1'), await login('nobody-here', TEST_PASSWORD), await login(disabled.login, TEST_PASSWORD)];
    for (const res of answers) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const { requestId: _r, ...problem } = res.json();
      expect(problem).toEqual({
        type: '/problems/invalid-credentials',
        title: 'Login failed',
        status: 401,
        detail: 'The login or password is incorrect',
        instance: '/api/v1/auth/login',
        code: 'INVALID_CREDENTIALS',
      });
    }
  });

  it('spends comparable time on an unknown login and on a wrong password (a dummy hash is verified)', async () => {
    const time = async (name: string) => {
      const started = process.hrtime.bigint();
      await login(name, 'not-the-password', '10.9.9.9');
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    await time('warm-up-login');
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < 3; i++) {
      unknown.push(await time(`ghost-${i}`));
      known.push(await time(world.collaboratorB.login));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    // Without the dummy verification an unknown login answers in about a millisecond.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it('refuses a malformed login body with 400, not 401', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
    const notObject = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: '[1]', headers: { 'content-type': 'application/json' } });
    expect(notObject.statusCode).toBe(400);
  });

  it('rotates refresh tokens within one family; a reused one revokes the family and its access tokens', async () => {
    const first = (await login(world.collaboratorA.login, TEST_PASSWORD)).json();
    const second = await refresh(first.refreshToken);
    expect(second.statusCode).toBe(200);
    const pair2 = second.json();
    expect(pair2.refreshToken).not.toBe(first.refreshToken);
    const family = await ctx.dataSource.query(`SELECT family_id, used_at, revoked_at FROM refresh_token WHERE user_id = $1 ORDER BY created_at`, [world.collaboratorA.id]);
    expect(family).toHaveLength(2);
    expect(family[0].family_id).toBe(family[1].family_id);
    expect(family[0].used_at).not.toBeNull();
    expect((await me(pair2.accessToken)).statusCode).toBe(200);

    // The first token again: someone else had it. 401, and the whole family is revoked.
    const reuse = await refresh(first.refreshToken);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().code).toBe('INVALID_REFRESH_TOKEN');
    const after = await ctx.dataSource.query(`SELECT revoked_at FROM refresh_token WHERE family_id = $1`, [family[0].family_id]);
    expect(after.every((r: { revoked_at: Date | null }) => r.revoked_at !== null)).toBe(true);
    expect((await refresh(pair2.refreshToken)).statusCode).toBe(401);
    expect((await me(pair2.accessToken)).statusCode).toBe(401);
    expect((await me(first.accessToken)).statusCode).toBe(401);
    const [audit] = await ctx.dataSource.query(`SELECT actor_user_id FROM audit_log WHERE action = 'auth.refresh_reuse' AND entity_id = $1`, [family[0].family_id]);
    expect(audit.actor_user_id).toBe(world.collaboratorA.id);
  });

  it('lets exactly one of several concurrent refreshes with the same token win', async () => {
    const pair = (await login(world.secretaryB.login, TEST_PASSWORD)).json();
    const answers = await Promise.all(Array.from({ length: 5 }, () => refresh(pair.refreshToken)));
    const statuses = answers.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(4);
  });

  it('refuses unknown, empty and expired refresh tokens', async () => {
    expect((await refresh('x'.repeat(43))).statusCode).toBe(401);
    const empty = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: {} });
    expect(empty.statusCode).toBe(400);
    const pair = (await login(world.admin.login, TEST_PASSWORD)).json();
    await ctx.dataSource.query(`UPDATE refresh_token SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [world.admin.id]);
    expect((await refresh(pair.refreshToken)).statusCode).toBe(401);
  });

  it('logs out: the family is revoked and its access token stops working at once', async () => {
    const user = await createUser(ctx, { role: 'secretary', organisationId: world.unitB.id });
    const pair = (await login(user.login, TEST_PASSWORD)).json();
    const other = (await login(user.login, TEST_PASSWORD)).json();
    const out = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${pair.accessToken}` }, payload: {} });
    expect(out.statusCode).toBe(204);
    expect((await me(pair.accessToken)).statusCode).toBe(401);
    expect((await refresh(pair.refreshToken)).statusCode).toBe(401);
    // Another session of the same user lives on, and can end itself by naming its refresh token.
    expect((await me(other.accessToken)).statusCode).toBe(200);
    const named = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { authorization: `Bearer ${user.token}` },
      payload: { refreshToken: other.refreshToken },
    });
    expect(named.statusCode).toBe(204);
    expect((await refresh(other.refreshToken)).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: {} })).statusCode).toBe(401);
  });

  describe('access tokens', () => {
    const expectRefused = async (token: string) => {
      const res = await me(token);
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('UNAUTHENTICATED');
    };
    const now = () => Math.floor(Date.now() / 1000);

    it('accepts a well-signed token (control)', async () => {
      const token = signHs256({ sub: world.admin.id, typ: 'access', iat: now(), exp: now() + 60 }, secret);
      expect((await me(token)).statusCode).toBe(200);
    });
    it('refuses an expired token', async () => {
      await expectRefused(signHs256({ sub: world.admin.id, typ: 'access', iat: now() - 120, exp: now() - 60 }, secret));
    });
    it('refuses a token with a wrong signature', async () => {
      await expectRefused(signHs256({ sub: world.admin.id, typ: 'access', iat: now(), exp: now() + 60 }, 'another-secret-of-at-least-32-characters'));
    });
    it('refuses changed copies of a token it has just accepted, and the token itself once it expires', async () => {
      const exp = now() + 2;
      const token = signHs256({ sub: world.admin.id, typ: 'access', iat: now(), exp }, secret);
      // Accepted (and remembered as verified: see VerifiedTokenCache).
      expect((await me(token)).statusCode).toBe(200);
      const [header, payload, signature] = token.split('.') as [string, string, string];
      await expectRefused(`${header}.${b64({ sub: world.secretaryA.id, typ: 'access', iat: now(), exp })}.${signature}`);
      await expectRefused(`${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`);
      expect((await me(token)).statusCode).toBe(200);
      // The same string is refused from its expiry on, remembered or not.
      await waitFor(async () => (await me(token)).statusCode === 401, { what: 'the remembered token to expire', intervalMs: 100 });
      expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    });
    it('refuses alg: none', async () => {
      await expectRefused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: world.admin.id, typ: 'access', iat: now(), exp: now() + 60 })}.`);
    });
    it('refuses a token of another type or with a malformed subject or session', async () => {
      await expectRefused(signHs256({ sub: world.admin.id, typ: 'refresh', iat: now(), exp: now() + 60 }, secret));
      await expectRefused(signHs256({ sub: 'not-a-uuid', typ: 'access', iat: now(), exp: now() + 60 }, secret));
      await expectRefused(signHs256({ sub: world.admin.id, sid: 'nope', typ: 'access', iat: now(), exp: now() + 60 }, secret));
    });
    it('refuses the token of a disabled user, and of a deleted one', async () => {
      const user = await createUser(ctx, { role: 'admin' });
      expect((await me(user.token)).statusCode).toBe(200);
      await ctx.dataSource.query(`UPDATE app_user SET disabled_at = now() WHERE id = $1`, [user.id]);
      await expectRefused(user.token);
      await expectRefused(signHs256({ sub: '00000000-0000-4000-8000-000000000000', typ: 'access', iat: now(), exp: now() + 60 }, secret));
    });
  });
});
