import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './support/test-app.js';

/** Who may reach each directory route is in the shared authorization matrix; this is what clients read. */
describe('the directory in the OpenAPI document', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('documents the export with the list filters and without pagination', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/docs-json' })).json() as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>>;
    };
    const exportParams = doc.paths['/api/v1/collaborators/export']!.get!.parameters!.map((p) => p.name);
    expect(exportParams).toEqual(expect.arrayContaining(['format', 'q', 'organisationId', 'tag', 'active', 'sort']));
    expect(exportParams).not.toContain('cursor');
  });
});
