import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatrixWorld } from '../authz/route-matrix.types.js';
import { createChannel, createCollaborator, createTwoUnitWorld, createUser } from '../support/fixtures.js';
import { completeTask, createCampaign, createItem, createTask } from '../support/report-fixtures.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { badAnswer } from './support/problem-check.js';
import { fmt, profile, report } from './support/profile.js';
import { seeds, splitRoute } from './support/route-seeds.js';

/**
 * Random foreign actor × random route × random ids of unit A's private rows. Unit A's rows carry a
 * marker token in every text a person could read; no answer to unit B's secretary or collaborator
 * may contain the token or one of those rows' ids, and no write of theirs may change those rows.
 */
describe('abuse: authorization fuzzing (foreign actors never reach another unit’s data)', () => {
  let ctx: TestContext;
  let world: MatrixWorld;
  const token = `mat${randomBytes(5).toString('hex')}`;
  const privateIds: Record<string, string[]> = {};
  let snapshotBefore: unknown;

  async function snapshot(): Promise<unknown> {
    const q = (sql: string) => ctx.dataSource.query(sql, [token]);
    return {
      collaborators: await q(`SELECT id, full_name, phone, email, active, version FROM collaborator WHERE full_name LIKE '%' || $1 || '%' ORDER BY id`),
      channels: await q(`SELECT id, name, url, active FROM channel WHERE name LIKE '%' || $1 || '%' ORDER BY id`),
      users: await q(`SELECT id, login, disabled_at, password_hash FROM app_user WHERE login LIKE '%' || $1 || '%' ORDER BY id`),
      tasks: await q(`SELECT id, status, proof_url, review_status FROM share_task WHERE proof_url LIKE '%' || $1 || '%' ORDER BY id`),
    };
  }

  beforeAll(async () => {
    ctx = await createTestContext();
    world = await createTwoUnitWorld(ctx);
    const ds = ctx.dataSource;
    const people = [
      await createCollaborator(ds, { organisationId: world.unitA.id, fullName: `Nguyễn Mật ${token}`, phone: '+84905000111', email: `${token}@example.org` }),
      await createCollaborator(ds, { organisationId: world.cellA.id, fullName: `Trần Kín ${token}` }),
    ];
    const channels = [await createChannel(ds, { organisationId: world.unitA.id, name: `Kênh ${token}`, url: `https://facebook.com/groups/${token}`, adminIds: [people[0]!.id] })];
    const users = [
      await createUser(ctx, { role: 'secretary', organisationId: world.unitA.id, login: `sec-${token}` }),
      await createUser(ctx, { role: 'collaborator', collaboratorId: people[0]!.id, login: `ctv-${token}` }),
    ];
    const campaign = await createCampaign(ds, { deadline: '2027-01-01T00:00:00Z', reviewRequired: true });
    const item = await createItem(ds, campaign.id);
    const tasks: string[] = [];
    for (const person of people) {
      const id = await createTask(ds, { campaignId: campaign.id, itemId: item.id, organisationId: person.organisation_id, platform: 'personal', collaboratorId: person.id, deadline: '2027-01-01T00:00:00Z' });
      await completeTask(ds, id, new Date(), person.id);
      await ds.query(`UPDATE share_task SET proof_url = $2 WHERE id = $1`, [id, `https://facebook.com/${token}/posts/${id.slice(0, 8)}`]);
      tasks.push(id);
    }
    const [imp] = await ds.query(
      `INSERT INTO import_job (kind, dry_run, file_name, file_format, file_size, file, actor_user_id, actor_login, actor_role, organisation_id)
       VALUES ('collaborators', true, $4, 'csv', 1, '\\x61', $1, $2, 'secretary', $3) RETURNING id`,
      [world.secretaryA.id, world.secretaryA.login, world.unitA.id, `${token}.csv`],
    );
    const [exp] = await ds.query(
      `INSERT INTO report_export (requested_by, report, format, status, file_name) VALUES ($1, 'organisations', 'csv', 'queued', $2) RETURNING id`,
      [world.secretaryA.id, `${token}.csv`],
    );
    const [note] = await ds.query(
      `INSERT INTO notification (user_id, event, channel, title, body, data, dedupe_key, state)
       VALUES ($1, 'tasks.assigned', 'in_app', $2, $2, '{}', $3, 'delivered') RETURNING id`,
      [world.secretaryA.id, `Thông báo ${token}`, `authz-fuzz-${token}`],
    );
    Object.assign(privateIds, {
      collaborator: people.map((p) => p.id),
      channel: channels.map((c) => c.id),
      user: [...users.map((u) => u.id), world.secretaryA.id, world.collaboratorA.id],
      task: tasks,
      import: [imp.id],
      export: [exp.id],
      notification: [note.id],
    });
    snapshotBefore = await snapshot();
  });
  afterAll(async () => ctx?.close());

  it(`never answers unit B's secretary or collaborator with unit A's private data`, async () => {
    const ids = Object.values(privateIds).flat();
    // uuids are unique enough to search for in any answer; small numeric ids (imports, exports) are not.
    const markers = ids.filter((id) => id.length >= 32);
    const routes = seeds.map((s) => s.route).filter((r) => r.startsWith('GET') || r.includes(':'));
    const leaks: string[] = [];
    const statuses = new Map<number, number>();
    let runs = 0;
    const filterKeys = ['organisationId', 'collaboratorId', 'channelId', 'userId', 'campaignId', 'taskId', 'search', 'q'];
    const attempt = async (actor: 'secretaryB' | 'collaboratorB', route: string, picks: string[], filter: [string, string] | undefined): Promise<boolean> => {
          const { method, path } = splitRoute(route);
          let i = 0;
          // Path ids from unit A's private rows; non-id parameters (e.g. :kind) keep a valid value.
          let url = path.replace(/:(\w+)/g, (_, name: string) => (name === 'kind' ? 'collaborators' : picks[i++ % picks.length]!));
          if (filter) url += `?${filter[0]}=${encodeURIComponent(filter[1])}`;
          const body = method === 'GET' || method === 'DELETE' ? undefined : JSON.stringify({ reason: 'x', proofUrl: 'https://facebook.com/b/posts/1', active: false, fullName: 'Đổi tên', name: 'Đổi', ids: picks, taskIds: picks, collaboratorIds: [world.personB.id] });
          const res = await ctx.app.inject({
            method: method as 'GET',
            url,
            headers: { ...world[actor].headers, ...(body ? { 'content-type': 'application/json' } : {}) },
            ...(body ? { payload: body } : {}),
          });
          runs++;
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          const bad = badAnswer(res);
          if (bad) leaks.push(`${actor} ${method} ${url}: ${bad}`);
          // Problem documents echo the requested path and id (instance, detail): what the caller sent is no leak.
          let visible = res.body;
          if (res.statusCode >= 400 && String(res.headers['content-type']).includes('json')) {
            const { instance: _i, detail: _d, errors: _e, ...rest } = JSON.parse(res.body) as Record<string, unknown>;
            visible = JSON.stringify(rest);
          }
          const seen = [token, ...markers].filter((needle) => visible.includes(needle));
          if (seen.length) leaks.push(`${actor} ${method} ${url} → ${res.statusCode} shows ${seen.join(', ')}: ${visible.slice(0, 200)}`);
          return true;
    };
    // First every route with ids of the kind it names (its first path segment), by both foreign actors…
    const kindOf = (path: string): string[] => {
      const segment = path.replace('/api/v1/', '').replace(/^reports\/exports/, 'export').replace(/^me\/notifications/, 'notification').split('/')[0]!;
      const kind = { collaborators: 'collaborator', channels: 'channel', users: 'user', tasks: 'task', imports: 'import', export: 'export', notification: 'notification' }[segment];
      return kind ? privateIds[kind]! : [world.unitA.id, world.cellA.id];
    };
    for (const route of routes) {
      for (const id of kindOf(splitRoute(route).path)) {
        for (const actor of ['secretaryB', 'collaboratorB'] as const) await attempt(actor, route, [id], undefined);
      }
    }
    // …then random actors, routes, ids of any kind and filters naming unit A.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('secretaryB', 'collaboratorB') as fc.Arbitrary<'secretaryB' | 'collaboratorB'>,
        fc.constantFrom(...routes),
        fc.array(fc.constantFrom(...ids, world.unitA.id, world.cellA.id), { minLength: 3, maxLength: 3 }),
        fc.option(fc.tuple(fc.constantFrom(...filterKeys), fc.constantFrom(...ids, world.unitA.id, token)), { nil: undefined }),
        attempt,
      ),
      { numRuns: profile.authzRuns },
    );
    const after = await snapshot();
    report(
      `authz fuzz: ${fmt(runs)} requests by unit B's secretary/collaborator over ${routes.length} routes with unit A's ids (${ids.length} private rows); ` +
        `statuses ${[...statuses].sort().map(([s, n]) => `${s}×${n}`).join(', ')}; leaks ${leaks.length}; unit A rows changed: ${JSON.stringify(after) === JSON.stringify(snapshotBefore) ? 'none' : 'YES'}`,
    );
    expect(leaks).toEqual([]);
    expect(after).toEqual(snapshotBefore);
  });
});
