import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entries } from './authz/entries/reports.entries.js';
import { ACTORS, type MatrixWorld } from './authz/route-matrix.types.js';
import { createTwoUnitWorld } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

/** The reports' rows of the authorization matrix, run here until the shared runner lands. */
describe('reports authorization matrix', () => {
  let ctx: TestContext;
  let world: MatrixWorld;
  beforeAll(async () => {
    ctx = await createTestContext();
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  for (const entry of entries) {
    it(entry.route, async () => {
      const [method] = entry.route.split(' ');
      for (const actor of ACTORS) {
        const req = await entry.request(world, ctx);
        const headers = actor === 'anonymous' ? {} : world[actor].headers;
        const res = await ctx.app.inject({ method: method as 'GET', url: req.url, payload: req.payload as object, headers: { ...headers, ...req.headers } });
        const expected = entry.expect[actor];
        expect(Array.isArray(expected) ? expected : [expected], `${actor} ${entry.route}: ${res.body.slice(0, 200)}`).toContain(res.statusCode);
      }
    });
  }
});
