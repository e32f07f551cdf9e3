/// <reference types="vite/client" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveRoutes } from './authz/live-routes.js';
import { ACTORS, type ActorKey, type MatrixWorld, type RouteEntry } from './authz/route-matrix.types.js';
import { createTwoUnitWorld } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

/**
 * Every route of the live app × every kind of caller → the expected status. Entries come from
 * `authz/entries/*.entries.ts` (one file per feature); a route without an entry fails the suite.
 */
const files = import.meta.glob<{ entries: RouteEntry[] }>('./authz/entries/*.entries.ts', { eager: true });
const entries = Object.entries(files).flatMap(([file, module]) => module.entries.map((entry) => ({ ...entry, file })));

describe('authorization matrix', () => {
  let ctx: TestContext;
  let world: MatrixWorld;
  beforeAll(async () => {
    ctx = await createTestContext();
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  it('has exactly one entry per live route, and no entry for a route that does not exist', () => {
    const live = liveRoutes(ctx.app);
    expect(live.length).toBeGreaterThan(0);
    const declared = entries.map((e) => e.route);
    const duplicates = declared.filter((route, i) => declared.indexOf(route) !== i);
    const missing = live.filter((route) => !declared.includes(route));
    const unknown = entries.filter((e) => !live.includes(e.route)).map((e) => `${e.route} (${e.file})`);
    expect({ missing, unknown, duplicates }).toEqual({ missing: [], unknown: [], duplicates: [] });
  });

  it('documents every /api/v1 route in the OpenAPI document, with bearer security unless it is public', async () => {
    type Operation = { security?: unknown };
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs-json' })).json() as { paths: Record<string, Record<string, Operation>> };
    const problems: string[] = [];
    for (const entry of entries) {
      const [method, path] = entry.route.split(' ') as [string, string];
      if (!path.startsWith('/api/v1/')) continue;
      const operation = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      if (!operation) problems.push(`${entry.route}: not documented`);
      else if (entry.expect.anonymous === 401 && !operation.security) problems.push(`${entry.route}: no security declared`);
    }
    expect(problems).toEqual([]);
  });

  for (const entry of entries) {
    it(`${entry.route}`, async () => {
      const [method, path] = entry.route.split(' ') as [string, string];
      const mismatches: string[] = [];
      for (const actor of ACTORS) {
        const request = await entry.request(world, ctx);
        const auth = actor === 'anonymous' ? {} : world[actor as Exclude<ActorKey, 'anonymous'>].headers;
        const res = await ctx.app.inject({
          method: method as 'GET',
          url: request.url,
          headers: { ...auth, ...request.headers },
          ...(request.payload !== undefined ? { payload: request.payload as object } : {}),
        });
        const expected = [entry.expect[actor]].flat();
        if (!expected.includes(res.statusCode)) {
          mismatches.push(`${actor}: expected ${expected.join(' or ')}, got ${res.statusCode} ${res.body.slice(0, 200)}`);
        }
      }
      expect(mismatches, `${entry.route} (${path})`).toEqual([]);
    });
  }
});
