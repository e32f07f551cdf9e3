import argon2 from 'argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo, type SeedDemoSummary } from '../src/directory/demo/demo-seed.js';
import { createTestContext, type TestContext } from './support/test-app.js';

const PASSWORD = 'Demo-Password-2026';
let ctx: TestContext;
let first: SeedDemoSummary;
let firstMs: number;

beforeAll(async () => {
  ctx = await createTestContext();
  const started = Date.now();
  first = await seedDemo(ctx.dataSource, { password: PASSWORD, nodeEnv: 'test' });
  firstMs = Date.now() - started;
});
afterAll(async () => ctx?.close());

async function one<T>(sql: string, params: unknown[] = []): Promise<T> {
  const [row] = (await ctx.dataSource.query(sql, params)) as T[];
  return row!;
}

describe('seedDemo', () => {
  it('creates the 73 grassroots organisations in a tree, about 4,300 collaborators, channels and logins, all marked demo', async () => {
    expect(first.changed).toBeGreaterThan(0);
    expect(firstMs).toBeLessThan(20_000);
    const grassroots = await one<{ n: number }>(`SELECT count(*)::int AS n FROM organisation WHERE kind IN ('grassroots_committee', 'grassroots_cell')`);
    expect(grassroots.n).toBe(73);
    const people = await one<{ n: number }>(`SELECT count(*)::int AS n FROM collaborator WHERE is_demo`);
    expect(people.n).toBeGreaterThanOrEqual(4_200);
    expect(people.n).toBeLessThanOrEqual(4_400);
    const notDemo = await one<{ n: number }>(
      `SELECT (SELECT count(*) FROM organisation WHERE NOT is_demo) + (SELECT count(*) FROM collaborator WHERE NOT is_demo)
            + (SELECT count(*) FROM channel WHERE NOT is_demo) + (SELECT count(*) FROM app_user WHERE NOT is_demo) AS n`,
    );
    expect(Number(notDemo.n)).toBe(0);
    const syt = await one<{ ancestors: string[]; depth: number; root: string; secretary: string | null }>(
      `SELECT o.ancestors, o.depth, r.id AS root, o.secretary_collaborator_id AS secretary FROM organisation o JOIN organisation r ON r.code = 'KHOI' WHERE o.code = 'SYT'`,
    );
    expect(syt.depth).toBe(1);
    expect(syt.ancestors[0]).toBe(syt.root);
    expect(syt.secretary).not.toBeNull();
    const channels = await one<{ n: number; admins: number }>(`SELECT count(*)::int AS n, (SELECT count(*)::int FROM channel_admin) AS admins FROM channel`);
    expect(channels.n).toBeGreaterThan(73);
    expect(channels.admins).toBeGreaterThan(0);
  });

  it("gives logins admin, sec-<unit> (scoped to the unit, not linked to the person's own login) and ctv-<code>", async () => {
    const sec = await one<{ role: string; organisation_id: string; code: string }>(
      `SELECT u.role, u.organisation_id, o.code FROM app_user u JOIN organisation o ON o.id = u.organisation_id WHERE u.login = 'sec-syt'`,
    );
    expect(sec).toMatchObject({ role: 'secretary', code: 'SYT' });
    const ctv = await one<{ role: string; code: string }>(`SELECT u.role, c.code FROM app_user u JOIN collaborator c ON c.id = u.collaborator_id WHERE u.login = 'ctv-ctv00001'`);
    expect(ctv).toEqual({ role: 'collaborator', code: 'CTV00001' });
    const users = await one<{ n: number; hashes: number }>(`SELECT count(*)::int AS n, count(DISTINCT password_hash)::int AS hashes FROM app_user`);
    expect(users.n).toBe(first.users.total);
    expect(users.hashes).toBe(1);
    const admin = await one<{ role: string; password_hash: string }>(`SELECT role, password_hash FROM app_user WHERE login = 'admin'`);
    expect(admin.role).toBe('admin');
    expect(admin.password_hash).toMatch(/^\$argon2id\$/);
    expect(await argon2.verify(admin.password_hash, PASSWORD)).toBe(true);
    expect(await argon2.verify(admin.password_hash, 'wrong-password')).toBe(false);
  });

  it('changes nothing when run a second time', async () => {
    const versions = await one<{ v: number }>(`SELECT sum(version)::int AS v FROM (SELECT version FROM organisation UNION ALL SELECT version FROM collaborator UNION ALL SELECT version FROM channel UNION ALL SELECT version FROM app_user) x`);
    const audits = await one<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log`);
    const second = await seedDemo(ctx.dataSource, { password: PASSWORD, nodeEnv: 'test' });
    expect(second.changed).toBe(0);
    expect(second).toMatchObject({ organisations: { changed: 0 }, collaborators: { changed: 0 }, channels: { changed: 0 }, users: { changed: 0 }, channelAdminsChanged: 0, secretariesChanged: 0 });
    expect(await one(`SELECT sum(version)::int AS v FROM (SELECT version FROM organisation UNION ALL SELECT version FROM collaborator UNION ALL SELECT version FROM channel UNION ALL SELECT version FROM app_user) x`)).toEqual(versions);
    expect(await one(`SELECT count(*)::int AS n FROM audit_log`)).toEqual(audits);
  });

  it('re-hashes once when DEMO_PASSWORD changes, and refuses production', async () => {
    const changed = await seedDemo(ctx.dataSource, { password: 'Another-Password-9', nodeEnv: 'test' });
    expect(changed.users.changed).toBe(changed.users.total);
    const admin = await one<{ password_hash: string }>(`SELECT password_hash FROM app_user WHERE login = 'admin'`);
    expect(await argon2.verify(admin.password_hash, 'Another-Password-9')).toBe(true);
    await expect(seedDemo(ctx.dataSource, { password: PASSWORD, nodeEnv: 'production' })).rejects.toThrow(/production/);
  });
});
