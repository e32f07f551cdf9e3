import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollaborator, createTwoUnitWorld, createUser, TEST_PASSWORD } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

describe('an admin manages accounts', () => {
  let ctx: TestContext;
  let world: Awaited<ReturnType<typeof createTwoUnitWorld>>;
  beforeAll(async () => {
    ctx = await createTestContext();
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  const as = (headers: Record<string, string>) => ({
    get: (url: string) => ctx.app.inject({ method: 'GET', url, headers }),
    post: (url: string, payload: object = {}) => ctx.app.inject({ method: 'POST', url, headers, payload }),
    patch: (url: string, payload: object) => ctx.app.inject({ method: 'PATCH', url, headers, payload }),
  });
  const admin = () => as(world.admin.headers);
  const login = (name: string, password: string) => ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: name, password } });

  it('shows /me with role, organisation scope and linked collaborator', async () => {
    const sec = (await as(world.secretaryA.headers).get('/api/v1/me')).json();
    expect(sec).toMatchObject({ role: 'secretary', user: { id: world.secretaryA.id }, organisation: { id: world.unitA.id, name: 'Đảng bộ Sở Y tế' }, collaborator: null });
    expect(sec.permissions).toContain('collaborators.write');
    expect(sec.permissions).not.toContain('users.manage');
    const col = (await as(world.collaboratorA.headers).get('/api/v1/me')).json();
    expect(col).toMatchObject({ role: 'collaborator', organisation: { id: world.unitA.id }, collaborator: { id: world.personA.id, fullName: 'Nguyễn Văn An', code: world.personA.code } });
    const adm = (await admin().get('/api/v1/me')).json();
    expect(adm).toMatchObject({ role: 'admin', organisation: null, collaborator: null });
    expect(JSON.stringify([sec, col, adm])).not.toMatch(/passwordHash|password_hash|argon2/);
  });

  it('creates a secretary who can then log in; the password hash is never shown', async () => {
    const res = await admin().post('/api/v1/users', { login: 'bt.soyte', password: 'Mat-khau-dai-12', role: 'secretary', organisationId: world.unitA.id, displayName: 'Bí thư Sở Y tế' });
    expect(res.statusCode).toBe(201);
    const user = res.json();
    expect(user).toMatchObject({ login: 'bt.soyte', role: 'secretary', organisationId: world.unitA.id, displayName: 'Bí thư Sở Y tế', disabled: false, version: 1 });
    expect(Object.keys(user)).not.toContain('passwordHash');
    expect((await login('BT.SOYTE', 'Mat-khau-dai-12')).statusCode).toBe(200);
    const got = await admin().get(`/api/v1/users/${user.id}`);
    expect(got.statusCode).toBe(200);
    expect(JSON.stringify(got.json())).not.toContain('argon2');
  });

  it('refuses bad accounts with clear 4xx problems', async () => {
    const cases: Array<[object, number, string]> = [
      [{ login: 'a1', password: 'long-enough-pw', role: 'admin' }, 400, 'VALIDATION_FAILED'],
      [{ login: 'short.pw', password: 'short', role: 'admin' }, 400, 'VALIDATION_FAILED'],
      [{ login: 'no.org', password: 'long-enough-pw', role: 'secretary' }, 400, 'VALIDATION_FAILED'],
      [{ login: 'no.person', password: 'long-enough-pw', role: 'collaborator' }, 400, 'VALIDATION_FAILED'],
      [{ login: 'admin.scoped', password: 'long-enough-pw', role: 'admin', organisationId: world.unitA.id }, 400, 'VALIDATION_FAILED'],
      [{ login: 'bad.role', password: 'long-enough-pw', role: 'root' }, 400, 'VALIDATION_FAILED'],
      [{ login: 'extra', password: 'long-enough-pw', role: 'admin', passwordHash: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ login: 'ghost.org', password: 'long-enough-pw', role: 'secretary', organisationId: '00000000-0000-4000-8000-000000000000' }, 422, 'ORGANISATION_NOT_FOUND'],
      [{ login: 'ghost.person', password: 'long-enough-pw', role: 'collaborator', collaboratorId: '00000000-0000-4000-8000-000000000000' }, 422, 'COLLABORATOR_NOT_FOUND'],
      [{ login: world.secretaryB.login.toUpperCase(), password: 'long-enough-pw', role: 'admin' }, 409, 'LOGIN_TAKEN'],
      [{ login: 'second.account', password: 'long-enough-pw', role: 'collaborator', collaboratorId: world.personA.id }, 409, 'COLLABORATOR_HAS_ACCOUNT'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await admin().post('/api/v1/users', payload);
      expect({ payload, status: res.statusCode, code: res.json().code }).toEqual({ payload, status, code });
    }
    const shortPw = await admin().post('/api/v1/users', { login: 'short.pw', password: 'short', role: 'admin' });
    expect(shortPw.json().errors).toEqual([expect.objectContaining({ field: 'password', code: 'minLength' })]);
  });

  it('answers one 409 when two admins create the same login at once', async () => {
    const answers = await Promise.all([0, 1, 2].map(() => admin().post('/api/v1/users', { login: 'race.login', password: 'long-enough-pw', role: 'admin' })));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
  });

  it('creates a collaborator account linked to its person', async () => {
    const person = await createCollaborator(ctx.dataSource, { organisationId: world.cellA.id });
    const res = await admin().post('/api/v1/users', { login: 'ctv.binh', password: 'long-enough-pw', role: 'collaborator', collaboratorId: person.id });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ role: 'collaborator', collaboratorId: person.id, organisationId: null });
  });

  it('lists with filters and cursor pagination', async () => {
    for (let i = 0; i < 5; i++) await createUser(ctx, { role: 'secretary', organisationId: world.unitB.id, login: `page.sec.${i}` });
    const first = await admin().get(`/api/v1/users?organisationId=${world.unitB.id}&role=secretary&limit=4`);
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items).toHaveLength(4);
    expect(page1.nextCursor).toBeTruthy();
    const page2 = (await admin().get(`/api/v1/users?organisationId=${world.unitB.id}&role=secretary&limit=4&cursor=${page1.nextCursor}`)).json();
    const logins = [...page1.items, ...page2.items].map((u: { login: string }) => u.login);
    expect(logins).toHaveLength(6); // five page.sec.* and secretaryB
    expect(new Set(logins).size).toBe(6);
    expect(page2.nextCursor).toBeNull();
    const q = (await admin().get('/api/v1/users?q=PAGE.SEC.3')).json();
    expect(q.items.map((u: { login: string }) => u.login)).toEqual(['page.sec.3']);
    const byPerson = (await admin().get(`/api/v1/users?organisationId=${world.unitA.id}&role=collaborator`)).json();
    expect(byPerson.items.map((u: { id: string }) => u.id)).toEqual([world.collaboratorA.id]);
    expect((await admin().get('/api/v1/users?limit=0')).statusCode).toBe(400);
    expect((await admin().get('/api/v1/users?cursor=garbage')).statusCode).toBe(400);
    expect((await admin().get('/api/v1/users?disabled=maybe')).statusCode).toBe(400);
  });

  it('patches role, scope and display name with optimistic versions', async () => {
    const user = await createUser(ctx, { role: 'secretary', organisationId: world.unitA.id });
    const moved = await admin().patch(`/api/v1/users/${user.id}`, { organisationId: world.unitB.id, displayName: 'Chuyển đơn vị', version: 1 });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ organisationId: world.unitB.id, displayName: 'Chuyển đơn vị', version: 2 });
    const stale = await admin().patch(`/api/v1/users/${user.id}`, { displayName: 'x', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    // The scope change is effective on the next request: role and scope are read from the database.
    expect((await as(user.headers).get('/api/v1/me')).json().organisation.id).toBe(world.unitB.id);
    const promoted = await admin().patch(`/api/v1/users/${user.id}`, { role: 'admin', version: 2 });
    expect(promoted.json()).toMatchObject({ role: 'admin', organisationId: null, version: 3 });
    expect((await admin().patch(`/api/v1/users/${user.id}`, { role: 'secretary', version: 3 })).statusCode).toBe(400);
    expect((await admin().patch(`/api/v1/users/${world.admin.id}`, { role: 'secretary', organisationId: world.unitA.id, version: 1 })).json().code).toBe('CANNOT_DEMOTE_SELF');
    expect((await admin().patch(`/api/v1/users/${user.id}`, { displayName: 'x' })).statusCode).toBe(400);
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    expect((await admin().get('/api/v1/users/not-a-uuid')).statusCode).toBe(400);
    const missing = await admin().get('/api/v1/users/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect((await admin().post('/api/v1/users/00000000-0000-4000-8000-000000000000/disable')).statusCode).toBe(404);
  });

  it('resets a password: the old one stops working and the sessions end', async () => {
    const user = await createUser(ctx, { role: 'secretary', organisationId: world.unitB.id });
    const session = (await login(user.login, TEST_PASSWORD)).json();
    expect((await admin().post(`/api/v1/users/${user.id}/reset-password`, { password: 'short' })).statusCode).toBe(400);
    expect((await admin().post(`/api/v1/users/${user.id}/reset-password`, { password: 'Brand-new-password-1' })).statusCode).toBe(204);
    expect((await login(user.login, TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login(user.login, 'Brand-new-password-1')).statusCode).toBe(200);
    expect((await as({ authorization: `Bearer ${session.accessToken}` }).get('/api/v1/me')).statusCode).toBe(401);
  });

  it('disables an account: its tokens and refresh tokens stop at once; enabling lets it log in again', async () => {
    const user = await createUser(ctx, { role: 'collaborator', collaboratorId: world.personCellA.id });
    const session = (await login(user.login, TEST_PASSWORD)).json();
    const disabled = await admin().post(`/api/v1/users/${user.id}/disable`);
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ disabled: true });
    expect((await as(user.headers).get('/api/v1/me')).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken: session.refreshToken } })).statusCode).toBe(401);
    const [{ live }] = await ctx.dataSource.query(`SELECT count(*)::int AS live FROM refresh_token WHERE user_id = $1 AND revoked_at IS NULL`, [user.id]);
    expect(live).toBe(0);
    expect((await login(user.login, TEST_PASSWORD)).json().code).toBe('INVALID_CREDENTIALS');
    const listed = (await admin().get('/api/v1/users?disabled=true')).json();
    expect(listed.items.map((u: { id: string }) => u.id)).toContain(user.id);
    expect((await admin().post(`/api/v1/users/${user.id}/enable`)).json()).toMatchObject({ disabled: false, disabledAt: null });
    expect((await login(user.login, TEST_PASSWORD)).statusCode).toBe(200);
    expect((await admin().post(`/api/v1/users/${world.admin.id}/disable`)).json().code).toBe('CANNOT_DISABLE_SELF');
  });

  it('refuses every account route to secretaries and collaborators (403) and to anonymous callers (401)', async () => {
    for (const who of [world.secretaryA, world.secretaryB, world.collaboratorA]) {
      expect((await as(who.headers).get('/api/v1/users')).statusCode).toBe(403);
      expect((await as(who.headers).post('/api/v1/users', { login: 'x.y.z', password: 'long-enough-pw', role: 'admin' })).statusCode).toBe(403);
      expect((await as(who.headers).post(`/api/v1/users/${who.id}/enable`)).statusCode).toBe(403);
    }
    expect((await as({}).get('/api/v1/users')).statusCode).toBe(401);
  });
});
