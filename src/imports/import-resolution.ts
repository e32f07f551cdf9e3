import { randomUUID } from 'node:crypto';
import type { Scope } from '../common/auth/scope.js';
import type { ChannelUpsert, CollaboratorUpsert, OrganisationUpsert, SqlRunner } from './directory-bulk.repository.js';
import type { Rejection } from './import.types.js';
import type { ChannelImportRow, CollaboratorImportRow, OrganisationImportRow } from './row-validation.js';

/**
 * Second pass over valid rows: references to the database (organisations, collaborators,
 * parents), the uploader's scope and conflicts are checked here. Each row either becomes an
 * upsert or is rejected with a reason; nothing is written.
 */
export interface Resolved<T> {
  ready: Array<{ row: number; upsert: T }>;
  rejections: Rejection[];
}

interface OrgRef {
  id: string;
  code: string;
  ancestors: string[];
}

function inScope(scope: Scope, ancestors: readonly string[]): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'subtree') return ancestors.includes(scope.organisationId);
  return false;
}

/** Finds units by code first, then by exact name (ambiguous names are refused). */
async function lookupOrganisations(db: SqlRunner, refs: string[]): Promise<(ref: string) => OrgRef | 'ambiguous' | null> {
  const rows = (await db.query(`SELECT id, code, name, ancestors FROM organisation WHERE code = ANY($1::text[]) OR name = ANY($1::text[])`, [refs])) as Array<
    OrgRef & { name: string }
  >;
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const byName = new Map<string, OrgRef[]>();
  for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
  return (ref) => {
    const hit = byCode.get(ref);
    if (hit) return hit;
    const named = byName.get(ref) ?? [];
    return named.length === 1 ? named[0]! : named.length > 1 ? 'ambiguous' : null;
  };
}

function organisationProblem(found: OrgRef | 'ambiguous' | null, scope: Scope, ref: string): string | null {
  if (found === 'ambiguous') return `several organisations are named "${ref}"; use the unit code`;
  if (found === null || !inScope(scope, found.ancestors)) {
    return scope.kind === 'all' ? `no organisation with code or name "${ref}"` : `no organisation "${ref}" in your organisation's tree`;
  }
  return null;
}

export async function resolveCollaborators(
  db: SqlRunner,
  scope: Scope,
  rows: readonly CollaboratorImportRow[],
  column: (field: string) => string,
): Promise<Resolved<CollaboratorUpsert>> {
  const findOrg = await lookupOrganisations(db, [...new Set(rows.map((r) => r.organisationRef))]);
  const existing = (await db.query(
    `SELECT c.code, o.ancestors FROM collaborator c JOIN organisation o ON o.id = c.organisation_id WHERE c.code = ANY($1::text[])`,
    [rows.map((r) => r.code)],
  )) as Array<{ code: string; ancestors: string[] }>;
  const existingByCode = new Map(existing.map((e) => [e.code, e]));
  const out: Resolved<CollaboratorUpsert> = { ready: [], rejections: [] };
  for (const r of rows) {
    const org = findOrg(r.organisationRef);
    const problem = organisationProblem(org, scope, r.organisationRef);
    if (problem) {
      out.rejections.push({ row: r.row, column: column('organisationCode'), value: r.organisationRef, reason: problem });
      continue;
    }
    const current = existingByCode.get(r.code);
    if (current && !inScope(scope, current.ancestors)) {
      out.rejections.push({ row: r.row, column: column('code'), value: r.code, reason: 'this code belongs to a collaborator of another organisation' });
      continue;
    }
    const { id: organisationId } = org as OrgRef;
    out.ready.push({
      row: r.row,
      upsert: { code: r.code, organisationId, fullName: r.fullName, phone: r.phone, email: r.email, position: r.position, tags: r.tags, joinedOn: r.joinedOn },
    });
  }
  return out;
}

export interface ChannelReady {
  channel: ChannelUpsert;
  /** null = leave admins as they are. */
  adminIds: string[] | null;
}

export async function resolveChannels(
  db: SqlRunner,
  scope: Scope,
  rows: readonly ChannelImportRow[],
  column: (field: string) => string,
): Promise<Resolved<ChannelReady>> {
  const findOrg = await lookupOrganisations(db, [...new Set(rows.map((r) => r.organisationRef))]);
  const existing = (await db.query(
    `SELECT ch.code, o.ancestors FROM channel ch JOIN organisation o ON o.id = ch.organisation_id WHERE ch.code = ANY($1::text[])`,
    [rows.map((r) => r.code)],
  )) as Array<{ code: string; ancestors: string[] }>;
  const existingByCode = new Map(existing.map((e) => [e.code, e]));
  const urlOwners = (await db.query(`SELECT url, code, name FROM channel WHERE url = ANY($1::text[])`, [rows.map((r) => r.url)])) as Array<{
    url: string;
    code: string | null;
    name: string;
  }>;
  const urlOwner = new Map(urlOwners.map((u) => [u.url, u]));
  const adminCodes = [...new Set(rows.flatMap((r) => r.adminCodes ?? []))];
  const admins = (await db.query(
    `SELECT c.id, c.code, o.ancestors FROM collaborator c JOIN organisation o ON o.id = c.organisation_id WHERE c.code = ANY($1::text[])`,
    [adminCodes],
  )) as Array<{ id: string; code: string; ancestors: string[] }>;
  const adminByCode = new Map(admins.filter((a) => inScope(scope, a.ancestors)).map((a) => [a.code, a.id]));

  const out: Resolved<ChannelReady> = { ready: [], rejections: [] };
  const urlsInFile = new Map<string, number>();
  for (const r of rows) {
    const reject = (field: string, reason: string, value?: string) => out.rejections.push({ row: r.row, column: column(field), ...(value ? { value } : {}), reason });
    const org = findOrg(r.organisationRef);
    const problem = organisationProblem(org, scope, r.organisationRef);
    if (problem) {
      reject('organisationCode', problem, r.organisationRef);
      continue;
    }
    const current = existingByCode.get(r.code);
    if (current && !inScope(scope, current.ancestors)) {
      reject('code', 'this code belongs to a channel of another organisation', r.code);
      continue;
    }
    const owner = urlOwner.get(r.url);
    if (owner && owner.code !== r.code) {
      reject('url', `this URL is already channel ${owner.code ?? owner.name}`, r.url);
      continue;
    }
    const earlier = urlsInFile.get(r.url);
    if (earlier !== undefined) {
      reject('url', `the same URL is on row ${earlier}`, r.url);
      continue;
    }
    urlsInFile.set(r.url, r.row);
    const unknownAdmins = (r.adminCodes ?? []).filter((c) => !adminByCode.has(c));
    if (unknownAdmins.length > 0) {
      reject('adminCodes', `no collaborator with code ${unknownAdmins.join(', ')} in ${scope.kind === 'all' ? 'the directory' : "your organisation's tree"}`, unknownAdmins.join(', '));
      continue;
    }
    out.ready.push({
      row: r.row,
      upsert: {
        channel: { code: r.code, organisationId: (org as OrgRef).id, platform: r.platform, name: r.name, url: r.url, audienceSize: r.audienceSize },
        adminIds: r.adminCodes === null ? null : r.adminCodes.map((c) => adminByCode.get(c)!),
      },
    });
  }
  return out;
}

export interface OrganisationsResolved extends Resolved<OrganisationUpsert> {
  /** Existing organisations outside the file whose ancestors change because a parent moved. */
  pathUpdates: Array<{ id: string; ancestors: string[]; depth: number }>;
}

/**
 * Places the file's organisations in the tree: parents may be in the file (any order) or in the
 * database; moves that would make a cycle are refused; ancestors and depth are computed for every
 * row and for the descendants of moved units. Rows come back parents first.
 */
export async function resolveOrganisations(
  db: SqlRunner,
  scope: Scope,
  rows: readonly OrganisationImportRow[],
  column: (field: string) => string,
): Promise<OrganisationsResolved> {
  const all = (await db.query(`SELECT id, code, parent_id, ancestors, short_name FROM organisation`)) as Array<{
    id: string;
    code: string;
    parent_id: string | null;
    ancestors: string[];
    short_name: string | null;
  }>;
  const byCode = new Map(all.map((o) => [o.code, o]));
  const codeOfId = new Map(all.map((o) => [o.id, o.code]));
  const rejections: Rejection[] = [];
  const reject = (r: OrganisationImportRow, field: string, reason: string, value?: string | null) =>
    rejections.push({ row: r.row, column: column(field), ...(value ? { value } : {}), reason });

  // Current tree, as code → parent code.
  const existingParent = new Map<string, string | null>(all.map((o) => [o.code, o.parent_id === null ? null : codeOfId.get(o.parent_id)!]));
  let live = new Map<string, OrganisationImportRow>();
  for (const r of rows) {
    const current = byCode.get(r.code);
    if (scope.kind !== 'all') {
      if (current && !inScope(scope, current.ancestors)) {
        reject(r, 'code', 'this organisation is outside your organisation', r.code);
        continue;
      }
    }
    if (r.parentCode === null && !current && r.kind !== 'bloc_committee') {
      reject(r, 'parentCode', 'required for a new organisation (every kind but the bloc committee sits under a parent)');
      continue;
    }
    live.set(r.code, r);
  }

  // Reject until stable: a rejected row can orphan a child that referred to it.
  for (;;) {
    const parentOf = (code: string): string | null => {
      const r = live.get(code);
      if (r && r.parentCode !== null) return r.parentCode;
      return existingParent.get(code) ?? null;
    };
    const bad: Array<[OrganisationImportRow, string, string]> = [];
    for (const r of live.values()) {
      const parent = parentOf(r.code);
      if (parent !== null && !live.has(parent) && !byCode.has(parent)) {
        bad.push([r, 'parentCode', `no organisation with code "${parent}" in the file or the directory`]);
        continue;
      }
      const seen = new Set([r.code]);
      let cursor = parent;
      let cycle = false;
      while (cursor !== null) {
        if (seen.has(cursor)) {
          cycle = true;
          break;
        }
        seen.add(cursor);
        cursor = parentOf(cursor);
      }
      if (cycle) {
        bad.push([r, 'parentCode', 'this parent would put the organisation under itself (a cycle)']);
        continue;
      }
      if (scope.kind === 'subtree') {
        const self = byCode.get(r.code);
        const isScopeRoot = self?.id === scope.organisationId;
        const chain = [...seen].map((c) => byCode.get(c)?.id);
        if (isScopeRoot ? parent !== existingParent.get(r.code) : !chain.includes(scope.organisationId)) {
          bad.push([r, 'parentCode', isScopeRoot ? 'you cannot move your own organisation' : 'the parent is outside your organisation']);
        }
      }
    }
    if (bad.length === 0) break;
    for (const [r, field, reason] of bad) {
      reject(r, field, reason, field === 'parentCode' ? r.parentCode : r.code);
      live.delete(r.code);
    }
    live = new Map(live);
  }

  // Final tree: ids for new units now, so ancestors can be written in the same statement.
  const idOf = new Map<string, string>(all.map((o) => [o.code, o.id]));
  for (const code of live.keys()) if (!idOf.has(code)) idOf.set(code, randomUUID());
  const finalParent = (code: string): string | null => {
    const r = live.get(code);
    if (r && r.parentCode !== null) return r.parentCode;
    return existingParent.get(code) ?? null;
  };
  const pathCache = new Map<string, string[]>();
  const pathOf = (code: string): string[] => {
    const cached = pathCache.get(code);
    if (cached) return cached;
    const parent = finalParent(code);
    const path = [...(parent === null ? [] : pathOf(parent)), idOf.get(code)!];
    pathCache.set(code, path);
    return path;
  };

  const ready = [...live.values()]
    .map((r) => {
      const ancestors = pathOf(r.code);
      const parent = finalParent(r.code);
      return {
        row: r.row,
        upsert: {
          id: idOf.get(r.code)!,
          code: r.code,
          name: r.name,
          // A blank cell keeps what is stored, as for every other kind.
          shortName: r.shortName ?? byCode.get(r.code)?.short_name ?? null,
          kind: r.kind,
          parentId: parent === null ? null : idOf.get(parent)!,
          ancestors,
          depth: ancestors.length - 1,
        },
      };
    })
    .sort((a, b) => a.upsert.depth - b.upsert.depth || a.row - b.row);

  const pathUpdates: OrganisationsResolved['pathUpdates'] = [];
  for (const o of all) {
    if (live.has(o.code)) continue;
    const ancestors = pathOf(o.code);
    if (ancestors.join() !== o.ancestors.join()) pathUpdates.push({ id: o.id, ancestors, depth: ancestors.length - 1 });
  }
  pathUpdates.sort((a, b) => a.depth - b.depth);
  return { ready, rejections, pathUpdates };
}
