import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganisation, createUser } from './support/fixtures.js';
import { createTestContext, type TestContext } from './support/test-app.js';

describe('the queue dashboard', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());

  it('is closed to anonymous callers and to secretaries', async () => {
    const anonymous = await ctx.app.inject({ method: 'GET', url: '/admin/queues' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
    const org = await createOrganisation(ctx.dataSource);
    const secretary = await createUser(ctx, { role: 'secretary', organisationId: org.id });
    const denied = await ctx.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: secretary.headers });
    expect(denied.statusCode).toBe(403);
  });

  it('shows every queue to an admin, by header or by cookie', async () => {
    const admin = await createUser(ctx, { role: 'admin' });
    const page = await ctx.app.inject({ method: 'GET', url: '/admin/queues', cookies: { oc_access: admin.token } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const api = await ctx.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: admin.headers });
    expect(api.statusCode).toBe(200);
    expect(api.json().queues.map((q: { name: string }) => q.name)).toContain('maintenance');
  });
});
