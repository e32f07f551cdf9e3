import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTwoUnitWorld, createUser, TEST_PASSWORD } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

type World = Awaited<ReturnType<typeof createTwoUnitWorld>>;
type LightResponse = Awaited<ReturnType<TestContext['app']['inject']>>;

interface AuditRow {
  actor_user_id: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
  ip: string | null;
}

describe('the audit log', () => {
  let ctx: TestContext;
  let world: World;
  beforeAll(async () => {
    ctx = await createTestContext();
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  /** Runs a write and returns the audit rows it added (by id, so earlier rows do not count). */
  async function auditOf(write: () => Promise<LightResponse>, expectedStatus: number) {
    const [{ max }] = await ctx.dataSource.query(`SELECT coalesce(max(id), 0)::bigint AS max FROM audit_log`);
    const res = await write();
    expect(res.statusCode).toBe(expectedStatus);
    const rows: AuditRow[] = await ctx.dataSource.query(`SELECT * FROM audit_log WHERE id > $1 ORDER BY id`, [max]);
    return { res, rows };
  }

  describe('every write route leaves exactly one audit row with the right actor and diff', () => {
    const inject = (method: 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload: object = {}) =>
      ctx.app.inject({ method, url, headers, payload, remoteAddress: '10.7.7.7' });

    it('POST /users', async () => {
      const { res, rows } = await auditOf(
        () => inject('POST', '/api/v1/users', world.admin.headers, { login: 'audited.user', password: 'Secret-password-9', role: 'secretary', organisationId: world.unitA.id }),
        201,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actor_user_id: world.admin.id, action: 'user.create', entity: 'user', entity_id: res.json().id, before: null, ip: '10.7.7.7' });
      expect(rows[0]!.after).toMatchObject({ login: 'audited.user', role: 'secretary', organisationId: world.unitA.id });
      expect(rows[0]!.request_id).toBe(res.headers['x-request-id']);
      expect(JSON.stringify(rows[0])).not.toMatch(/Secret-password-9|argon2|passwordHash/);
    });

    it('PATCH /users/:id records only what changed', async () => {
      const user = await createUser(ctx, { role: 'secretary', organisationId: world.unitA.id });
      const { rows } = await auditOf(() => inject('PATCH', `/api/v1/users/${user.id}`, world.admin.headers, { organisationId: world.unitB.id, version: 1 }), 200);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        actor_user_id: world.admin.id,
        action: 'user.update',
        entity_id: user.id,
        before: { organisationId: world.unitA.id },
        after: { organisationId: world.unitB.id },
      });
    });

    it('POST /users/:id/reset-password, without the password', async () => {
      const user = await createUser(ctx, { role: 'admin' });
      const { rows } = await auditOf(() => inject('POST', `/api/v1/users/${user.id}/reset-password`, world.admin.headers, { password: 'Another-secret-77' }), 204);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ actor_user_id: world.admin.id, action: 'user.reset_password', entity_id: user.id, after: { passwordChanged: true } });
      expect(JSON.stringify(rows[0])).not.toContain('Another-secret-77');
    });

    it('POST /users/:id/disable and /enable', async () => {
      const user = await createUser(ctx, { role: 'admin' });
      const disabled = await auditOf(() => inject('POST', `/api/v1/users/${user.id}/disable`, world.admin.headers), 200);
      expect(disabled.rows).toHaveLength(1);
      expect(disabled.rows[0]).toMatchObject({ actor_user_id: world.admin.id, action: 'user.disable', entity_id: user.id, before: { disabled: false }, after: { disabled: true } });
      const enabled = await auditOf(() => inject('POST', `/api/v1/users/${user.id}/enable`, world.admin.headers), 200);
      expect(enabled.rows).toHaveLength(1);
      expect(enabled.rows[0]).toMatchObject({ action: 'user.enable', before: { disabled: true }, after: { disabled: false } });
    });

    it('POST /auth/login, /auth/refresh and /auth/logout (the user is the actor; no tokens recorded)', async () => {
      const loggedIn = await auditOf(
        () => ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: world.secretaryB.login, password: TEST_PASSWORD }, remoteAddress: '10.7.7.8' }),
        200,
      );
      const { accessToken, refreshToken } = loggedIn.res.json() as { accessToken: string; refreshToken: string };
      expect(loggedIn.rows).toHaveLength(1);
      expect(loggedIn.rows[0]).toMatchObject({ actor_user_id: world.secretaryB.id, action: 'auth.login', entity: 'session', ip: '10.7.7.8' });
      const refreshed = await auditOf(() => ctx.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refreshToken } }), 200);
      expect(refreshed.rows).toHaveLength(1);
      expect(refreshed.rows[0]).toMatchObject({ actor_user_id: world.secretaryB.id, action: 'auth.refresh', entity_id: loggedIn.rows[0]!.entity_id });
      const out = await auditOf(
        () => ctx.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${accessToken}` }, payload: {} }),
        204,
      );
      expect(out.rows).toHaveLength(1);
      expect(out.rows[0]).toMatchObject({ actor_user_id: world.secretaryB.id, action: 'auth.logout', entity_id: loggedIn.rows[0]!.entity_id, after: { tokensRevoked: 2 } }); // the used token and its successor
      const all = JSON.stringify([loggedIn.rows, refreshed.rows, out.rows]);
      expect(all).not.toContain(refreshToken);
      expect(all).not.toContain(accessToken);
      expect(all).not.toContain(TEST_PASSWORD);
    });

    it('a refused write leaves no row', async () => {
      const { rows } = await auditOf(() => inject('POST', '/api/v1/users', world.admin.headers, { login: 'x', password: 'short', role: 'admin' }), 400);
      expect(rows).toHaveLength(0);
      const denied = await auditOf(() => inject('POST', `/api/v1/users/${world.secretaryB.id}/disable`, world.secretaryA.headers), 403);
      expect(denied.rows).toHaveLength(0);
    });
  });

  it('is append-only', async () => {
    await expect(ctx.dataSource.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(ctx.dataSource.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });

  describe('reading it', () => {
    const get = (url: string, headers = world.admin.headers) => ctx.app.inject({ method: 'GET', url, headers });
    let target: string;
    beforeAll(async () => {
      const user = await createUser(ctx, { role: 'admin' });
      target = user.id;
      for (let i = 0; i < 3; i++) {
        const [{ version }] = await ctx.dataSource.query(`SELECT version FROM app_user WHERE id = $1`, [target]);
        const res = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/users/${target}`, headers: world.admin.headers, payload: { displayName: `Tên ${i}`, version } });
        expect(res.statusCode).toBe(200);
      }
    });

    it('lists newest first with filters and cursor pagination', async () => {
      const page1 = (await get(`/api/v1/audit?entity=user&entityId=${target}&limit=2`)).json();
      expect(page1.items.map((r: { after: { displayName: string } }) => r.after.displayName)).toEqual(['Tên 2', 'Tên 1']);
      const page2 = (await get(`/api/v1/audit?entity=user&entityId=${target}&limit=2&cursor=${page1.nextCursor}`)).json();
      expect(page2.items.map((r: { after: { displayName: string } }) => r.after.displayName)).toEqual(['Tên 0']);
      expect(page2.nextCursor).toBeNull();
      const byActor = (await get(`/api/v1/audit?actorUserId=${world.admin.id}&action=user.update&entityId=${target}`)).json();
      expect(byActor.items).toHaveLength(3);
      expect(byActor.items[0]).toMatchObject({ actorLogin: world.admin.login, actorRole: 'admin', entity: 'user' });
      const future = (await get(`/api/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).json();
      expect(future.items).toEqual([]);
      const past = (await get(`/api/v1/audit?entityId=${target}&to=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).json();
      expect(past.items).toHaveLength(3);
    });

    it('refuses bad filters with 400', async () => {
      for (const q of ['from=yesterday', 'actorUserId=nope', 'limit=1000', 'cursor=%%%', 'format=pdf']) {
        expect((await get(`/api/v1/audit?${q}`)).statusCode, q).toBe(400);
      }
      expect((await get('/api/v1/audit/export?format=pdf')).statusCode).toBe(400);
    });

    it('is for admins only', async () => {
      for (const who of [world.secretaryA, world.collaboratorA]) {
        expect((await get('/api/v1/audit', who.headers)).statusCode).toBe(403);
        expect((await get('/api/v1/audit/export?format=csv', who.headers)).statusCode).toBe(403);
      }
      expect((await get('/api/v1/audit', {})).statusCode).toBe(401);
    });

    it('exports CSV and XLSX with the same filters', async () => {
      const csv = await get(`/api/v1/audit/export?format=csv&entityId=${target}`);
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toContain('text/csv');
      expect(csv.headers['content-disposition']).toMatch(/attachment; filename="audit-.*\.csv"/);
      const lines = csv.body.replace(/^\uFEFF/, '').trim().split('\n');
      expect(lines[0]).toBe('id,at,actorLogin,actorRole,actorUserId,action,entity,entityId,before,after,requestId,ip');
      expect(lines).toHaveLength(4);
      expect(lines[1]).toContain('Tên 2');

      const xlsx = await get(`/api/v1/audit/export?format=xlsx&entityId=${target}`);
      expect(xlsx.statusCode).toBe(200);
      expect(xlsx.headers['content-type']).toContain('spreadsheetml');
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('audit')!;
      expect(sheet.rowCount).toBe(4);
      expect(String(sheet.getRow(2).getCell(6).value)).toBe('user.update');
    });
  });
});
