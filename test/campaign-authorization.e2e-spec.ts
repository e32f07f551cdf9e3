import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entries } from './authz/entries/campaigns.entries.js';
import { ACTORS, type MatrixWorld } from './authz/route-matrix.types.js';
import { createTwoUnitWorld } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

/** The campaign and task rows of the authorization matrix, checked on their own. */
describe('who can reach the campaign and task routes', () => {
  let ctx: TestContext;
  let world: MatrixWorld;
  beforeAll(async () => {
    ctx = await createTestContext();
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  for (const entry of entries) {
    it(entry.route, async () => {
      const method = entry.route.split(' ')[0] as 'GET' | 'POST' | 'PATCH' | 'DELETE';
      for (const actor of ACTORS) {
        const req = await entry.request(world, ctx);
        const auth = actor === 'anonymous' ? {} : world[actor].headers;
        const res = await ctx.app.inject({ method, url: req.url, headers: { ...auth, ...req.headers }, ...(req.payload === undefined ? {} : { payload: req.payload as object }) });
        const expected = ([] as number[]).concat(entry.expect[actor]);
        expect(expected, `${actor}: ${res.statusCode} ${res.body.slice(0, 200)}`).toContain(res.statusCode);
      }
    });
  }
});
