import { randomBytes } from 'node:crypto';
import { createChannel, createCollaborator, createOrganisation } from '../../support/fixtures.js';
import type { RouteEntry } from '../route-matrix.types.js';

const fresh = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const everyone200 = { anonymous: 401, collaboratorA: 200, secretaryA: 200, secretaryB: 200, admin: 200 };
/** Reading one row of unit A. */
const readUnitA = { anonymous: 401, collaboratorA: 200, secretaryA: 200, secretaryB: 404, admin: 200 };
/** Admin-only writes (organisations). */
const adminWrites = (ok: number) => ({ anonymous: 401, collaboratorA: 403, secretaryA: 403, secretaryB: 403, admin: ok });
/** Writes on a row of unit A: its secretary and admins; another unit's secretary does not see it. */
const unitAWrites = (ok: number, foreign = 404) => ({ anonymous: 401, collaboratorA: 403, secretaryA: ok, secretaryB: foreign, admin: ok });

export const entries: RouteEntry[] = [
  // organisations
  { route: 'GET /api/v1/organisations', request: () => ({ url: '/api/v1/organisations?q=so%20y%20te' }), expect: everyone200 },
  { route: 'GET /api/v1/organisations/export', request: () => ({ url: '/api/v1/organisations/export?format=csv' }), expect: everyone200 },
  {
    route: 'POST /api/v1/organisations',
    request: (w) => ({ url: '/api/v1/organisations', payload: { code: fresh('ORG'), name: 'Chi bộ mới', kind: 'affiliated_cell', parentId: w.unitA.id } }),
    expect: adminWrites(201),
  },
  { route: 'GET /api/v1/organisations/:id', request: (w) => ({ url: `/api/v1/organisations/${w.unitA.id}` }), expect: readUnitA },
  {
    route: 'PATCH /api/v1/organisations/:id',
    request: async (w, ctx) => {
      const org = await createOrganisation(ctx.dataSource, { parentId: w.unitA.id, kind: 'affiliated_cell' });
      return { url: `/api/v1/organisations/${org.id}`, payload: { name: 'Tên mới', version: 1 } };
    },
    expect: adminWrites(200),
  },
  {
    route: 'DELETE /api/v1/organisations/:id',
    request: async (w, ctx) => {
      const org = await createOrganisation(ctx.dataSource, { parentId: w.unitA.id, kind: 'affiliated_cell' });
      return { url: `/api/v1/organisations/${org.id}` };
    },
    expect: adminWrites(200),
  },

  // collaborators
  { route: 'GET /api/v1/collaborators', request: () => ({ url: '/api/v1/collaborators?q=nguyen' }), expect: everyone200 },
  { route: 'GET /api/v1/collaborators/export', request: () => ({ url: '/api/v1/collaborators/export?format=xlsx' }), expect: everyone200 },
  {
    route: 'POST /api/v1/collaborators',
    request: (w) => ({ url: '/api/v1/collaborators', payload: { code: fresh('CTV'), organisationId: w.cellA.id, fullName: 'Võ Thị Hoa', phone: '0905 000 111' } }),
    expect: unitAWrites(201, 422),
  },
  // collaboratorA sees only itself, not a colleague of its unit's sub-cell
  {
    route: 'GET /api/v1/collaborators/:id',
    request: (w) => ({ url: `/api/v1/collaborators/${w.personCellA.id}` }),
    expect: { anonymous: 401, collaboratorA: 404, secretaryA: 200, secretaryB: 404, admin: 200 },
  },
  {
    route: 'PATCH /api/v1/collaborators/:id',
    request: async (w, ctx) => {
      const person = await createCollaborator(ctx.dataSource, { organisationId: w.cellA.id });
      return { url: `/api/v1/collaborators/${person.id}`, payload: { position: 'Phó bí thư', version: 1 } };
    },
    expect: unitAWrites(200),
  },
  {
    route: 'DELETE /api/v1/collaborators/:id',
    request: async (w, ctx) => {
      const person = await createCollaborator(ctx.dataSource, { organisationId: w.cellA.id });
      return { url: `/api/v1/collaborators/${person.id}` };
    },
    expect: unitAWrites(200),
  },

  // channels
  { route: 'GET /api/v1/channels', request: () => ({ url: '/api/v1/channels?platform=facebook_page' }), expect: everyone200 },
  { route: 'GET /api/v1/channels/export', request: () => ({ url: '/api/v1/channels/export?format=csv' }), expect: everyone200 },
  {
    route: 'POST /api/v1/channels',
    request: (w) => ({ url: '/api/v1/channels', payload: { organisationId: w.unitA.id, platform: 'website', name: 'Cổng tin', url: `https://${fresh('site')}.example.org` } }),
    expect: unitAWrites(201, 422),
  },
  // collaboratorA administers this channel, so it may read it
  {
    route: 'GET /api/v1/channels/:id',
    request: async (w, ctx) => {
      const channel = await createChannel(ctx.dataSource, { organisationId: w.unitA.id, adminIds: [w.personA.id] });
      return { url: `/api/v1/channels/${channel.id}` };
    },
    expect: readUnitA,
  },
  {
    route: 'PATCH /api/v1/channels/:id',
    request: async (w, ctx) => {
      const channel = await createChannel(ctx.dataSource, { organisationId: w.unitA.id });
      return { url: `/api/v1/channels/${channel.id}`, payload: { audienceSize: 4200, version: 1 } };
    },
    expect: unitAWrites(200),
  },
  {
    route: 'PUT /api/v1/channels/:id/admins',
    request: async (w, ctx) => {
      const channel = await createChannel(ctx.dataSource, { organisationId: w.unitA.id });
      return { url: `/api/v1/channels/${channel.id}/admins`, payload: { collaboratorIds: [w.personA.id, w.personCellA.id] } };
    },
    expect: unitAWrites(200),
  },
  {
    route: 'DELETE /api/v1/channels/:id',
    request: async (w, ctx) => {
      const channel = await createChannel(ctx.dataSource, { organisationId: w.unitA.id });
      return { url: `/api/v1/channels/${channel.id}` };
    },
    expect: unitAWrites(200),
  },
];
