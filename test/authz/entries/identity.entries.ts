import { randomBytes } from 'node:crypto';
import { SessionService } from '../../../src/identity/session.service.js';
import { createUser, TEST_PASSWORD } from '../../support/fixtures.js';
import type { TestContext } from '../../support/test-app.js';
import type { RouteEntry } from '../route-matrix.types.js';

const adminOnly = { anonymous: 401, collaboratorA: 403, secretaryA: 403, secretaryB: 403, admin: 200 };
const signedIn = (status: number) => ({ anonymous: 401, collaboratorA: status, secretaryA: status, secretaryB: status, admin: status });
const everyone = (status: number) => ({ anonymous: status, collaboratorA: status, secretaryA: status, secretaryB: status, admin: status });

/** An account of unit A made for one request, so a write never changes the actors' own accounts. */
const freshUser = (ctx: TestContext, organisationId: string) => createUser(ctx, { role: 'secretary', organisationId });

export const entries: RouteEntry[] = [
  {
    route: 'POST /api/v1/auth/login',
    request: (w) => ({ url: '/api/v1/auth/login', payload: { login: w.secretaryA.login, password: TEST_PASSWORD } }),
    expect: everyone(200),
  },
  {
    route: 'POST /api/v1/auth/refresh',
    request: async (w, ctx) => {
      const issued = await ctx.app.get(SessionService).issue(ctx.dataSource.manager, w.secretaryA.id, {});
      return { url: '/api/v1/auth/refresh', payload: { refreshToken: issued.refreshToken } };
    },
    expect: everyone(200),
  },
  { route: 'POST /api/v1/auth/logout', request: () => ({ url: '/api/v1/auth/logout', payload: {} }), expect: signedIn(204) },
  { route: 'GET /api/v1/me', request: () => ({ url: '/api/v1/me' }), expect: signedIn(200) },
  { route: 'GET /api/v1/users', request: () => ({ url: '/api/v1/users' }), expect: adminOnly },
  {
    route: 'POST /api/v1/users',
    request: (w) => ({
      url: '/api/v1/users',
      payload: { login: `matrix.${randomBytes(4).toString('hex')}`, password: 'long-enough-pw', role: 'secretary', organisationId: w.unitA.id },
    }),
    expect: { ...adminOnly, admin: 201 },
  },
  { route: 'GET /api/v1/users/:id', request: (w) => ({ url: `/api/v1/users/${w.secretaryA.id}` }), expect: adminOnly },
  {
    route: 'PATCH /api/v1/users/:id',
    request: async (w, ctx) => ({ url: `/api/v1/users/${(await freshUser(ctx, w.unitA.id)).id}`, payload: { displayName: 'Đổi tên', version: 1 } }),
    expect: adminOnly,
  },
  {
    route: 'POST /api/v1/users/:id/reset-password',
    request: async (w, ctx) => ({ url: `/api/v1/users/${(await freshUser(ctx, w.unitA.id)).id}/reset-password`, payload: { password: 'Another-password-1' } }),
    expect: { ...adminOnly, admin: 204 },
  },
  {
    route: 'POST /api/v1/users/:id/disable',
    request: async (w, ctx) => ({ url: `/api/v1/users/${(await freshUser(ctx, w.unitA.id)).id}/disable` }),
    expect: adminOnly,
  },
  {
    route: 'POST /api/v1/users/:id/enable',
    request: async (w, ctx) => ({ url: `/api/v1/users/${(await freshUser(ctx, w.unitA.id)).id}/enable` }),
    expect: adminOnly,
  },
  { route: 'GET /api/v1/audit', request: () => ({ url: '/api/v1/audit' }), expect: adminOnly },
  { route: 'GET /api/v1/audit/export', request: () => ({ url: '/api/v1/audit/export?format=csv' }), expect: adminOnly },
];
