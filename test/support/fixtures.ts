import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Role } from '../../src/common/auth/actor.js';
import { TokenService } from '../../src/identity/token.service.js';
import type { TestContext } from './test-app.js';

/**
 * Builders that write rows straight into the test database, so a test states only what matters
 * to it. They bypass the services on purpose: they set the scene, the test exercises the API.
 */
const unique = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export interface OrganisationRow {
  id: string;
  code: string;
  name: string;
  ancestors: string[];
}

export async function createOrganisation(
  ds: DataSource,
  input: { code?: string; name?: string; shortName?: string; kind?: string; parentId?: string | null; active?: boolean } = {},
): Promise<OrganisationRow> {
  const code = input.code ?? unique('ORG');
  const [row] = await ds.query(
    `WITH parent AS (SELECT ancestors, depth FROM organisation WHERE id = $5)
     INSERT INTO organisation (id, code, name, short_name, kind, parent_id, ancestors, depth, active)
     SELECT g.id, $1, $2, $3, $4, $5,
            coalesce((SELECT ancestors FROM parent), '{}') || g.id,
            coalesce((SELECT depth + 1 FROM parent), 0), $6
       FROM (SELECT gen_random_uuid() AS id) g
     RETURNING id, code, name, ancestors`,
    [code, input.name ?? `Tổ chức ${code}`, input.shortName ?? null, input.kind ?? (input.parentId ? 'grassroots_committee' : 'bloc_committee'), input.parentId ?? null, input.active ?? true],
  );
  return row as OrganisationRow;
}

export interface CollaboratorRow {
  id: string;
  code: string;
  organisation_id: string;
  full_name: string;
}

export async function createCollaborator(
  ds: DataSource,
  input: { organisationId: string; code?: string; fullName?: string; phone?: string | null; email?: string | null; tags?: string[]; active?: boolean },
): Promise<CollaboratorRow> {
  const code = input.code ?? unique('CTV');
  const [row] = await ds.query(
    `INSERT INTO collaborator (code, organisation_id, full_name, phone, email, tags, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, code, organisation_id, full_name`,
    [code, input.organisationId, input.fullName ?? `Nguyễn Văn ${code}`, input.phone ?? null, input.email ?? null, input.tags ?? ['party_member'], input.active ?? true],
  );
  return row as CollaboratorRow;
}

export interface ChannelRow {
  id: string;
  organisation_id: string;
  platform: string;
  url: string;
}

export async function createChannel(
  ds: DataSource,
  input: { organisationId: string; platform?: string; name?: string; url?: string; audienceSize?: number; adminIds?: string[]; active?: boolean },
): Promise<ChannelRow> {
  const platform = input.platform ?? 'facebook_page';
  const slug = randomBytes(5).toString('hex');
  const url =
    input.url ??
    {
      facebook_page: `https://facebook.com/page${slug}`,
      facebook_group: `https://facebook.com/groups/group${slug}`,
      zalo_group: `https://zalo.me/g/${slug}`,
      zalo_oa: `https://oa.zalo.me/${slug}`,
      mocha_group: `https://mocha.com.vn/group/${slug}`,
      website: `https://site${slug}.example.org`,
    }[platform]!;
  const [row] = await ds.query(
    `INSERT INTO channel (organisation_id, platform, name, url, audience_size, active)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, organisation_id, platform, url`,
    [input.organisationId, platform, input.name ?? `Kênh ${slug}`, url, input.audienceSize ?? 100, input.active ?? true],
  );
  for (const adminId of input.adminIds ?? []) {
    await ds.query(`INSERT INTO channel_admin (channel_id, collaborator_id) VALUES ($1, $2)`, [row.id, adminId]);
  }
  return row as ChannelRow;
}

export const TEST_PASSWORD = 'Correct-Horse-42';
let passwordHash: Promise<string> | undefined;

export interface TestUser {
  id: string;
  login: string;
  role: Role;
  token: string;
  /** `{ authorization: 'Bearer …' }` for `app.inject`. */
  headers: Record<string, string>;
}

/** A user with a valid access token. Its password is TEST_PASSWORD. */
export async function createUser(
  ctx: TestContext,
  input: { role: Role; organisationId?: string | null; collaboratorId?: string | null; login?: string; disabled?: boolean },
): Promise<TestUser> {
  passwordHash ??= argon2.hash(TEST_PASSWORD, { type: argon2.argon2id });
  const login = input.login ?? unique(input.role);
  const [row] = await ctx.dataSource.query(
    `INSERT INTO app_user (login, password_hash, role, organisation_id, collaborator_id, disabled_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [login, await passwordHash, input.role, input.organisationId ?? null, input.collaboratorId ?? null, input.disabled ? new Date() : null],
  );
  const token = ctx.app.get(TokenService).signAccessToken(row.id);
  return { id: row.id, login, role: input.role, token, headers: { authorization: `Bearer ${token}` } };
}

/**
 * The usual cast: a bloc root with two units (A with a sub-cell, and B), a collaborator in each,
 * and an admin, a secretary and a collaborator account for A and for B.
 */
export async function createTwoUnitWorld(ctx: TestContext) {
  const ds = ctx.dataSource;
  const root = await createOrganisation(ds, { kind: 'bloc_committee', name: 'Đảng bộ Khối' });
  const unitA = await createOrganisation(ds, { parentId: root.id, kind: 'grassroots_committee', name: 'Đảng bộ Sở Y tế' });
  const cellA = await createOrganisation(ds, { parentId: unitA.id, kind: 'affiliated_cell', name: 'Chi bộ Phòng Kế hoạch' });
  const unitB = await createOrganisation(ds, { parentId: root.id, kind: 'grassroots_cell', name: 'Chi bộ Sở Tư pháp' });
  const personA = await createCollaborator(ds, { organisationId: unitA.id, fullName: 'Nguyễn Văn An', phone: '+84905123456', email: 'an@example.org' });
  const personCellA = await createCollaborator(ds, { organisationId: cellA.id, fullName: 'Trần Thị Bình' });
  const personB = await createCollaborator(ds, { organisationId: unitB.id, fullName: 'Lê Văn Cường', phone: '+84912345678' });
  const admin = await createUser(ctx, { role: 'admin' });
  const secretaryA = await createUser(ctx, { role: 'secretary', organisationId: unitA.id });
  const secretaryB = await createUser(ctx, { role: 'secretary', organisationId: unitB.id });
  const collaboratorA = await createUser(ctx, { role: 'collaborator', collaboratorId: personA.id });
  const collaboratorB = await createUser(ctx, { role: 'collaborator', collaboratorId: personB.id });
  return { root, unitA, cellA, unitB, personA, personCellA, personB, admin, secretaryA, secretaryB, collaboratorA, collaboratorB };
}
