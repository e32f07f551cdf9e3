import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entries } from './authz/entries/directory.entries.js';
import { ACTORS, type ActorKey, type MatrixWorld } from './authz/route-matrix.types.js';
import { createTwoUnitWorld } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

/**
 * The directory's rows of the authorization matrix, run on their own so this feature's
 * permissions are checked even before the shared runner sees them.
 */
describe('who may reach the directory routes', () => {
  let ctx: TestContext;
  let world: MatrixWorld;
  beforeAll(async () => {
    ctx = await createTestContext();
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  const headersOf = (actor: ActorKey): Record<string, string> => (actor === 'anonymous' ? {} : world[actor].headers);

  it('documents every directory route in the OpenAPI document, with its permission', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs-json' })).json() as { paths: Record<string, Record<string, { security?: unknown; parameters?: Array<{ name: string }> }>> };
    for (const entry of entries) {
      const [method, path] = entry.route.split(' ') as [string, string];
      const operation = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
      expect(operation, entry.route).toBeDefined();
      expect(operation!.security, entry.route).toBeDefined();
    }
    const exportParams = doc.paths['/api/v1/collaborators/export']!.get!.parameters!.map((p) => p.name);
    expect(exportParams).toEqual(expect.arrayContaining(['format', 'q', 'organisationId', 'tag', 'active', 'sort']));
    expect(exportParams).not.toContain('cursor');
  });
});
