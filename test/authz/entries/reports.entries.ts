import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MatrixWorld, RouteEntry } from '../route-matrix.types.js';
import type { TestContext } from '../../support/test-app.js';
import { createCampaign, createItem, createTask } from '../../support/report-fixtures.js';

const readers = { anonymous: 401, collaboratorA: 403, secretaryA: 200, secretaryB: 200, admin: 200 };
/** A unit-A row: secretaryB is "another unit" and gets 404. */
const unitA = { anonymous: 401, collaboratorA: 403, secretaryA: 200, secretaryB: 404, admin: 200 };
const adminOnly = { anonymous: 401, collaboratorA: 403, secretaryA: 403, secretaryB: 403, admin: 200 };
/** Exports belong to their requester (secretaryA) only. */
const requesterOnly = { anonymous: 401, collaboratorA: 403, secretaryA: 200, secretaryB: 404, admin: 404 };

/** A campaign with one personal task in unit A. */
async function campaignInUnitA(world: MatrixWorld, ctx: TestContext): Promise<string> {
  const ds = ctx.dataSource;
  const campaign = await createCampaign(ds, { deadline: '2026-12-01T00:00:00Z' });
  const item = await createItem(ds, campaign.id);
  await createTask(ds, { campaignId: campaign.id, itemId: item.id, organisationId: world.unitA.id, platform: 'facebook_group', collaboratorId: world.personA.id, deadline: '2026-12-01T00:00:00Z' });
  return campaign.id;
}

/** A ready export requested by secretaryA, with a file on disk. */
async function exportOfSecretaryA(world: MatrixWorld, ctx: TestContext): Promise<string> {
  const path = join(tmpdir(), `matrix-export-${process.pid}-${Date.now()}.csv`);
  writeFileSync(path, '\uFEFFĐơn vị\n');
  const [row] = await ctx.dataSource.query(
    `INSERT INTO report_export (requested_by, report, format, status, storage_path, file_name, byte_size, finished_at, expires_at)
     VALUES ($1, 'organisations', 'csv', 'ready', $2, 'bao-cao.csv', 12, now(), now() + interval '1 hour') RETURNING id`,
    [world.secretaryA.id, path],
  );
  return row.id;
}

export const entries: RouteEntry[] = [
  { route: 'GET /api/v1/reports/organisations', request: () => ({ url: '/api/v1/reports/organisations?period=month' }), expect: readers },
  { route: 'GET /api/v1/reports/organisations/:id', request: (w) => ({ url: `/api/v1/reports/organisations/${w.unitA.id}` }), expect: unitA },
  { route: 'GET /api/v1/reports/campaigns/:id', request: async (w, ctx) => ({ url: `/api/v1/reports/campaigns/${await campaignInUnitA(w, ctx)}` }), expect: unitA },
  { route: 'GET /api/v1/reports/collaborators', request: () => ({ url: '/api/v1/reports/collaborators' }), expect: readers },
  { route: 'GET /api/v1/reports/board', request: () => ({ url: '/api/v1/reports/board?period=year' }), expect: readers },
  { route: 'GET /api/v1/reports/consistency', request: () => ({ url: '/api/v1/reports/consistency' }), expect: adminOnly },
  { route: 'POST /api/v1/reports/consistency/repair', request: () => ({ url: '/api/v1/reports/consistency/repair' }), expect: adminOnly },
  {
    route: 'POST /api/v1/reports/exports',
    request: () => ({ url: '/api/v1/reports/exports', payload: { report: 'organisations', format: 'csv' } }),
    expect: { anonymous: 401, collaboratorA: 403, secretaryA: 202, secretaryB: 202, admin: 202 },
  },
  { route: 'GET /api/v1/reports/exports/:id', request: async (w, ctx) => ({ url: `/api/v1/reports/exports/${await exportOfSecretaryA(w, ctx)}` }), expect: requesterOnly },
  { route: 'GET /api/v1/reports/exports/:id/download', request: async (w, ctx) => ({ url: `/api/v1/reports/exports/${await exportOfSecretaryA(w, ctx)}/download` }), expect: requesterOnly },
];
