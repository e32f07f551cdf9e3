import { csv, multipart } from '../../import-support.js';
import type { RouteEntry } from '../route-matrix.types.js';

export const entries: RouteEntry[] = [
  {
    route: 'POST /api/v1/imports',
    // Accepted for any secretary: rows outside the uploader's tree are rejected per row by the worker.
    request: (world) => {
      const body = multipart(
        { kind: 'collaborators', dryRun: 'true' },
        { name: 'ctv.csv', content: csv([['Mã CTV', 'Họ và tên', 'Mã đơn vị'], ['AUTHZ-1', 'Nguyễn Văn Thử', world.unitA.code]]) },
      );
      return { url: '/api/v1/imports', payload: body.payload, headers: body.headers };
    },
    expect: { anonymous: 401, collaboratorA: 403, secretaryA: 202, secretaryB: 202, admin: 202 },
  },
  {
    route: 'GET /api/v1/imports/:id',
    // An import uploaded by unit A's secretary: unit B's secretary gets 404, not 403.
    request: async (world, ctx) => {
      const [row] = (await ctx.dataSource.query(
        `INSERT INTO import_job (kind, dry_run, file_name, file_format, file_size, file, actor_user_id, actor_login, actor_role, organisation_id)
         VALUES ('collaborators', true, 'a.csv', 'csv', 1, '\\x61', $1, $2, 'secretary', $3) RETURNING id`,
        [world.secretaryA.id, world.secretaryA.login, world.unitA.id],
      )) as Array<{ id: string }>;
      return { url: `/api/v1/imports/${row!.id}` };
    },
    expect: { anonymous: 401, collaboratorA: 403, secretaryA: 200, secretaryB: 404, admin: 200 },
  },
  {
    route: 'GET /api/v1/imports/templates/:kind',
    request: () => ({ url: '/api/v1/imports/templates/collaborators?format=csv' }),
    expect: { anonymous: 401, collaboratorA: 403, secretaryA: 200, secretaryB: 200, admin: 200 },
  },
];
