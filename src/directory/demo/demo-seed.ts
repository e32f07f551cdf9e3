/**
 * Loads the demo directory into the database: organisations, collaborators, channels and their
 * admins, organisation secretaries, and demo logins. Idempotent: everything is upserted by code
 * or login and only rows that differ are written, so a second run changes nothing.
 */
import argon2 from 'argon2';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource } from 'typeorm';
import {
  type SqlRunner,
  setChannelAdmins,
  upsertChannels,
  upsertCollaborators,
  upsertOrganisations,
  type OrganisationUpsert,
} from '../../imports/directory-bulk.repository.js';
import { type DemoDirectory, type DemoDirectoryOptions, generateDemoDirectory, parseDemoOrganisations } from './demo-data.js';

const CHUNK = 2_000;

export interface SeedDemoOptions {
  password: string;
  log?: (line: string) => void;
  /** Refuses to run when 'production' (defaults to process.env.NODE_ENV). */
  nodeEnv?: string;
  generator?: DemoDirectoryOptions;
}

export interface SeedDemoSummary {
  organisations: { total: number; changed: number };
  collaborators: { total: number; changed: number };
  channels: { total: number; changed: number };
  channelAdminsChanged: number;
  secretariesChanged: number;
  users: { total: number; changed: number };
  /** Rows created or changed in all; 0 on a second run. */
  changed: number;
}

/** The project root: the nearest directory above this file holding package.json (works from src/ and dist/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const DEMO_ORGANISATIONS_FILE = 'data/demo-organisations.csv';

export function loadDemoDirectory(options: DemoDirectoryOptions = {}): DemoDirectory {
  const csv = readFileSync(join(projectRoot(), DEMO_ORGANISATIONS_FILE), 'utf8');
  return generateDemoDirectory(parseDemoOrganisations(csv), options);
}

export const demoSecretaryLogin = (organisationCode: string) => `sec-${organisationCode.toLowerCase()}`;
export const demoCollaboratorLogin = (collaboratorCode: string) => `ctv-${collaboratorCode.toLowerCase()}`;

export async function seedDemo(dataSource: DataSource, options: SeedDemoOptions): Promise<SeedDemoSummary> {
  const log = options.log ?? (() => undefined);
  if ((options.nodeEnv ?? process.env.NODE_ENV) === 'production') {
    throw new Error('seed:demo refuses to run with NODE_ENV=production: demo logins share one known password');
  }
  const started = Date.now();
  const demo = loadDemoDirectory(options.generator);
  const passwordHash = await demoPasswordHash(dataSource, options.password);

  return dataSource.transaction(async (manager) => {
    const db: SqlRunner = manager;
    // Bulk statements over thousands of array elements: JIT compiling them costs more than it saves.
    await db.query('SET LOCAL jit = off');
    const organisations = await seedOrganisations(db, demo);
    const orgId = new Map(
      ((await db.query(`SELECT id, code FROM organisation WHERE code = ANY($1::text[])`, [demo.organisations.map((o) => o.code)])) as Array<{ id: string; code: string }>).map(
        (o) => [o.code, o.id],
      ),
    );

    let collaboratorsChanged = 0;
    for (let i = 0; i < demo.collaborators.length; i += CHUNK) {
      const chunk = demo.collaborators.slice(i, i + CHUNK).map((c) => ({
        code: c.code,
        organisationId: orgId.get(c.organisationCode)!,
        fullName: c.fullName,
        phone: c.phone,
        email: c.email,
        position: c.position,
        tags: [...c.tags].sort(),
        joinedOn: c.joinedOn,
      }));
      collaboratorsChanged += (await upsertCollaborators(db, chunk, { actor: null, isDemo: true })).changed.length;
    }
    const personId = new Map(
      ((await db.query(`SELECT id, code FROM collaborator WHERE code = ANY($1::text[])`, [demo.collaborators.map((c) => c.code)])) as Array<{ id: string; code: string }>).map(
        (c) => [c.code, c.id],
      ),
    );

    const secretaries = demo.collaborators.filter((c) => c.isSecretary);
    const [secretaryResult] = (await db.query(
      `WITH s AS (SELECT * FROM unnest($1::text[], $2::uuid[]) AS t(organisation_code, collaborator_id)),
       changed AS (
         UPDATE organisation o SET secretary_collaborator_id = s.collaborator_id, version = o.version + 1, updated_at = now()
           FROM s WHERE o.code = s.organisation_code AND o.secretary_collaborator_id IS DISTINCT FROM s.collaborator_id
         RETURNING o.id
       )
       SELECT count(*)::int AS n FROM changed`,
      [secretaries.map((s) => s.organisationCode), secretaries.map((s) => personId.get(s.code)!)],
    )) as Array<{ n: number }>;

    const channelsChanged = (
      await upsertChannels(
        db,
        demo.channels.map((ch) => ({ code: ch.code, organisationId: orgId.get(ch.organisationCode)!, platform: ch.platform, name: ch.name, url: ch.url, audienceSize: ch.audienceSize })),
        { actor: null, isDemo: true },
      )
    ).changed.length;
    const channelId = new Map(
      ((await db.query(`SELECT id, code FROM channel WHERE code = ANY($1::text[])`, [demo.channels.map((c) => c.code)])) as Array<{ id: string; code: string }>).map((c) => [
        c.code,
        c.id,
      ]),
    );
    const adminsChanged = (
      await setChannelAdmins(
        db,
        demo.channels.map((ch) => ({ channelId: channelId.get(ch.code)!, collaboratorIds: ch.adminCollaboratorCodes.map((code) => personId.get(code)!) })),
        { actor: null },
      )
    ).length;

    const users = [
      { login: 'admin', role: 'admin', organisationId: null as string | null, collaboratorId: null as string | null, displayName: 'Quản trị (demo)' },
      ...secretaries.map((s) => ({ login: demoSecretaryLogin(s.organisationCode), role: 'secretary', organisationId: orgId.get(s.organisationCode)!, collaboratorId: null, displayName: s.fullName })),
      ...demo.collaborators.map((c) => ({ login: demoCollaboratorLogin(c.code), role: 'collaborator', organisationId: null, collaboratorId: personId.get(c.code)!, displayName: c.fullName })),
    ];
    const [userResult] = (await db.query(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::uuid[], $5::text[]) AS t(login, role, organisation_id, collaborator_id, display_name)
       ),
       up AS (
         INSERT INTO app_user AS u (login, password_hash, role, organisation_id, collaborator_id, display_name, is_demo)
         SELECT login, $6, role, organisation_id, collaborator_id, display_name, true FROM input
         ON CONFLICT ((lower(login))) DO UPDATE SET
           password_hash = EXCLUDED.password_hash, role = EXCLUDED.role, organisation_id = EXCLUDED.organisation_id,
           collaborator_id = EXCLUDED.collaborator_id, display_name = EXCLUDED.display_name, disabled_at = NULL,
           version = u.version + 1, updated_at = now()
         -- A real account that happens to be called "admin" is never touched.
         WHERE u.is_demo AND (u.password_hash, u.role, u.organisation_id, u.collaborator_id, u.display_name, u.disabled_at)
               IS DISTINCT FROM (EXCLUDED.password_hash, EXCLUDED.role, EXCLUDED.organisation_id, EXCLUDED.collaborator_id, EXCLUDED.display_name, NULL::timestamptz)
         RETURNING u.id
       )
       SELECT count(*)::int AS n FROM up`,
      [users.map((u) => u.login), users.map((u) => u.role), users.map((u) => u.organisationId), users.map((u) => u.collaboratorId), users.map((u) => u.displayName), passwordHash],
    )) as Array<{ n: number }>;

    const summary: SeedDemoSummary = {
      organisations: { total: demo.organisations.length, changed: organisations },
      collaborators: { total: demo.collaborators.length, changed: collaboratorsChanged },
      channels: { total: demo.channels.length, changed: channelsChanged },
      channelAdminsChanged: adminsChanged,
      secretariesChanged: secretaryResult!.n,
      users: { total: users.length, changed: userResult!.n },
      changed: 0,
    };
    summary.changed = organisations + collaboratorsChanged + channelsChanged + adminsChanged + summary.secretariesChanged + summary.users.changed;
    if (summary.changed > 0) {
      // One audit row for the whole seed: per-row entries for generated demo data would only bury real history.
      await db.query(
        `INSERT INTO audit_log (actor_user_id, actor_login, actor_role, action, entity, entity_id, before, after)
         VALUES (NULL, 'system:seed-demo', 'admin', 'demo.seed', 'directory', NULL, NULL, $1)`,
        [JSON.stringify(summary)],
      );
    }
    log(
      `Demo directory: ${summary.organisations.total} organisations, ${summary.collaborators.total} collaborators, ${summary.channels.total} channels, ` +
        `${summary.users.total} logins; ${summary.changed} rows created or changed in ${Date.now() - started} ms`,
    );
    return summary;
  });
}

/**
 * One argon2id hash shared by every demo login: hashing 4,300 times would take minutes, and the
 * demo accounts share one password anyway. A stored demo hash that still verifies is reused, so a
 * second run does not rewrite every account with a fresh salt.
 */
async function demoPasswordHash(dataSource: DataSource, password: string): Promise<string> {
  const [existing] = (await dataSource.query(`SELECT password_hash FROM app_user WHERE is_demo AND lower(login) = 'admin'`)) as Array<{ password_hash: string }>;
  if (existing && (await argon2.verify(existing.password_hash, password).catch(() => false))) return existing.password_hash;
  return argon2.hash(password, { type: argon2.argon2id });
}

async function seedOrganisations(db: SqlRunner, demo: DemoDirectory): Promise<number> {
  const existing = (await db.query(`SELECT id, code FROM organisation WHERE code = ANY($1::text[])`, [demo.organisations.map((o) => o.code)])) as Array<{ id: string; code: string }>;
  const idOf = new Map(existing.map((o) => [o.code, o.id]));
  for (const o of demo.organisations) if (!idOf.has(o.code)) idOf.set(o.code, randomUUID());
  const byCode = new Map(demo.organisations.map((o) => [o.code, o]));
  const pathOf = (code: string): string[] => {
    const parent = byCode.get(code)!.parentCode;
    return [...(parent === null ? [] : pathOf(parent)), idOf.get(code)!];
  };
  const rows: OrganisationUpsert[] = demo.organisations
    .map((o) => {
      const ancestors = pathOf(o.code);
      return { id: idOf.get(o.code)!, code: o.code, name: o.name, shortName: o.shortName, kind: o.kind, parentId: o.parentCode === null ? null : idOf.get(o.parentCode)!, ancestors, depth: ancestors.length - 1 };
    })
    .sort((a, b) => a.depth - b.depth);
  return (await upsertOrganisations(db, rows, { actor: null, isDemo: true })).changed.length;
}
