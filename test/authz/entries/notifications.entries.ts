import type { RouteEntry } from '../route-matrix.types.js';

/** Admin-only routes (`notifications.manage`): everyone else is refused. */
const adminOnly = (ok: number) => ({ anonymous: 401, collaboratorA: 403, secretaryA: 403, secretaryB: 403, admin: ok });
/** Any signed-in person, on their own data (`notifications.read`). */
const signedIn = (ok: number) => ({ anonymous: 401, collaboratorA: ok, secretaryA: ok, secretaryB: ok, admin: ok });

async function insertWebhook(ctx: Parameters<RouteEntry['request']>[1]): Promise<string> {
  const [row] = await ctx.dataSource.query(
    `INSERT INTO webhook (url, events, secret) VALUES ('https://hooks.example.org/x', '{tasks.assigned}', 'whsec_matrix') RETURNING id`,
  );
  return row.id as string;
}

export const entries: RouteEntry[] = [
  { route: 'GET /api/v1/me/notifications', request: () => ({ url: '/api/v1/me/notifications' }), expect: signedIn(200) },
  { route: 'POST /api/v1/me/notifications/read-all', request: () => ({ url: '/api/v1/me/notifications/read-all' }), expect: signedIn(200) },
  {
    route: 'POST /api/v1/me/notifications/:id/read',
    // a notification addressed to collaborator A's person: only that person may mark it; others get 404
    request: async (world, ctx) => {
      const [row] = await ctx.dataSource.query(
        `INSERT INTO notification (dedupe_key, event, channel, collaborator_id, title, body, state)
         VALUES (gen_random_uuid()::text, 'tasks.assigned', 'in_app', $1, 't', 'b', 'delivered') RETURNING id`,
        [world.personA.id],
      );
      return { url: `/api/v1/me/notifications/${row.id}/read` };
    },
    expect: { anonymous: 401, collaboratorA: 204, secretaryA: 404, secretaryB: 404, admin: 404 },
  },
  { route: 'GET /api/v1/me/notification-preferences', request: () => ({ url: '/api/v1/me/notification-preferences' }), expect: signedIn(200) },
  {
    route: 'PUT /api/v1/me/notification-preferences',
    request: () => ({ url: '/api/v1/me/notification-preferences', payload: { email: true, zalo: false, quietHours: '22:00-06:00', reportPeriods: [] } }),
    expect: signedIn(200),
  },
  { route: 'GET /api/v1/notifications/deliveries', request: () => ({ url: '/api/v1/notifications/deliveries' }), expect: adminOnly(200) },
  { route: 'GET /api/v1/webhooks', request: () => ({ url: '/api/v1/webhooks' }), expect: adminOnly(200) },
  {
    route: 'POST /api/v1/webhooks',
    request: () => ({ url: '/api/v1/webhooks', payload: { url: 'https://hooks.example.org/new', events: ['campaign.closed'] } }),
    expect: adminOnly(201),
  },
  { route: 'GET /api/v1/webhooks/:id', request: async (_w, ctx) => ({ url: `/api/v1/webhooks/${await insertWebhook(ctx)}` }), expect: adminOnly(200) },
  {
    route: 'PATCH /api/v1/webhooks/:id',
    request: async (_w, ctx) => ({ url: `/api/v1/webhooks/${await insertWebhook(ctx)}`, payload: { description: 'Đổi mô tả' } }),
    expect: adminOnly(200),
  },
  { route: 'DELETE /api/v1/webhooks/:id', request: async (_w, ctx) => ({ url: `/api/v1/webhooks/${await insertWebhook(ctx)}` }), expect: adminOnly(204) },
];
