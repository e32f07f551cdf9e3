/**
 * Set-based upserts of directory rows, shared by imports and the demo seed: one statement per
 * chunk (`unnest` arrays → `INSERT … SELECT … ON CONFLICT (code) DO UPDATE … WHERE` the row
 * really differs), so writing the same data twice changes nothing and costs one round trip.
 * When an actor is given, the same statement appends one audit row per created or changed row.
 */

/** Anything that runs SQL: a QueryRunner, an EntityManager or a DataSource. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface AuditActor {
  /** null for system work (CLI). */
  userId: string | null;
  login: string;
  role: string | null;
  requestId: string | null;
}

export interface UpsertResult {
  /** Codes of rows created or changed, with whether each was created. */
  changed: Array<{ code: string; id: string; inserted: boolean }>;
}

export interface OrganisationUpsert {
  id: string;
  code: string;
  name: string;
  shortName: string | null;
  kind: string;
  parentId: string | null;
  ancestors: string[];
  depth: number;
}

export interface CollaboratorUpsert {
  code: string;
  organisationId: string;
  fullName: string;
  /** null = keep the stored value (a blank cell never erases data). */
  phone: string | null;
  email: string | null;
  position: string | null;
  tags: string[] | null;
  joinedOn: string | null;
}

export interface ChannelUpsert {
  code: string;
  organisationId: string;
  platform: string;
  name: string;
  url: string;
  audienceSize: number | null;
}

interface Field {
  /** camelCase key in the audit JSON. */
  key: string;
  column: string;
}

function auditJson(alias: string, fields: readonly Field[]): string {
  return `jsonb_build_object(${fields.map((f) => `'${f.key}', ${alias}.${f.column}`).join(', ')})`;
}

/**
 * Audit rows from an `up` CTE (`id`, `inserted`, the table's columns) joined to `prior` (the
 * rows before the statement): creations carry `after`; updates carry only the fields that changed.
 */
function auditCte(entity: string, fields: readonly Field[], actorParams: { userId: string; login: string; role: string; requestId: string }): string {
  return `audit AS (
    INSERT INTO audit_log (actor_user_id, actor_login, actor_role, action, entity, entity_id, before, after, request_id)
    SELECT ${actorParams.userId}::uuid, ${actorParams.login}, ${actorParams.role}, '${entity}.' || CASE WHEN up.inserted THEN 'create' ELSE 'update' END,
           '${entity}', up.id::text,
           CASE WHEN up.inserted THEN NULL ELSE (SELECT jsonb_object_agg(b.key, b.value) FROM jsonb_each(${auditJson('p', fields)}) b WHERE ${auditJson('up', fields)} -> b.key IS DISTINCT FROM b.value) END,
           CASE WHEN up.inserted THEN ${auditJson('up', fields)} ELSE (SELECT jsonb_object_agg(a.key, a.value) FROM jsonb_each(${auditJson('up', fields)}) a WHERE ${auditJson('p', fields)} -> a.key IS DISTINCT FROM a.value) END,
           ${actorParams.requestId}
      FROM up LEFT JOIN prior p ON p.id = up.id
  )`;
}

function withAudit(entity: string, fields: readonly Field[], actor: AuditActor | null, params: unknown[]): string {
  if (!actor) return '';
  const add = (v: unknown) => `$${params.push(v)}`;
  return `, ${auditCte(entity, fields, { userId: add(actor.userId), login: add(actor.login), role: add(actor.role), requestId: add(actor.requestId) })}`;
}

const ORGANISATION_FIELDS: readonly Field[] = [
  { key: 'code', column: 'code' },
  { key: 'name', column: 'name' },
  { key: 'shortName', column: 'short_name' },
  { key: 'kind', column: 'kind' },
  { key: 'parentId', column: 'parent_id' },
];

/** Rows must come parents first (parents in the same statement are fine: foreign keys are checked at its end). */
export async function upsertOrganisations(db: SqlRunner, rows: readonly OrganisationUpsert[], opts: { actor: AuditActor | null; isDemo?: boolean }): Promise<UpsertResult> {
  if (rows.length === 0) return { changed: [] };
  const params: unknown[] = [
    rows.map((r) => r.id),
    rows.map((r) => r.code),
    rows.map((r) => r.name),
    rows.map((r) => r.shortName),
    rows.map((r) => r.kind),
    rows.map((r) => r.parentId),
    rows.map((r) => r.ancestors.join(',')),
    rows.map((r) => r.depth),
    opts.isDemo ?? false,
  ];
  const audit = withAudit('organisation', ORGANISATION_FIELDS, opts.actor, params);
  const changed = (await db.query(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::int[])
         AS t(id, code, name, short_name, kind, parent_id, ancestors, depth)
     ),
     prior AS (SELECT o.* FROM organisation o WHERE o.code = ANY($2::text[])),
     up AS (
       INSERT INTO organisation AS o (id, code, name, short_name, kind, parent_id, ancestors, depth, is_demo)
       SELECT i.id, i.code, i.name, i.short_name, i.kind, i.parent_id, string_to_array(i.ancestors, ',')::uuid[], i.depth, $9
         FROM input i
       ON CONFLICT (code) DO UPDATE SET
         name = EXCLUDED.name, short_name = EXCLUDED.short_name, kind = EXCLUDED.kind, parent_id = EXCLUDED.parent_id,
         ancestors = EXCLUDED.ancestors, depth = EXCLUDED.depth, version = o.version + 1, updated_at = now()
       WHERE (o.name, o.short_name, o.kind, o.parent_id, o.ancestors, o.depth)
             IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.short_name, EXCLUDED.kind, EXCLUDED.parent_id, EXCLUDED.ancestors, EXCLUDED.depth)
       RETURNING o.*, (o.xmax = 0) AS inserted
     )${audit}
     SELECT code, id, inserted FROM up`,
    params,
  )) as UpsertResult['changed'];
  return { changed };
}

/** Rewrites ancestors/depth of rows whose position in the tree moved (derived data: not audited). */
export async function updateOrganisationPaths(db: SqlRunner, rows: ReadonlyArray<{ id: string; ancestors: string[]; depth: number }>): Promise<number> {
  if (rows.length === 0) return 0;
  const [result] = (await db.query(
    `WITH moved AS (
       UPDATE organisation o SET ancestors = string_to_array(t.ancestors, ',')::uuid[], depth = t.depth, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::int[]) AS t(id, ancestors, depth)
        WHERE o.id = t.id AND (o.ancestors, o.depth) IS DISTINCT FROM (string_to_array(t.ancestors, ',')::uuid[], t.depth)
        RETURNING o.id
     )
     SELECT count(*)::int AS n FROM moved`,
    [rows.map((r) => r.id), rows.map((r) => r.ancestors.join(',')), rows.map((r) => r.depth)],
  )) as Array<{ n: number }>;
  return result?.n ?? 0;
}

const COLLABORATOR_FIELDS: readonly Field[] = [
  { key: 'code', column: 'code' },
  { key: 'organisationId', column: 'organisation_id' },
  { key: 'fullName', column: 'full_name' },
  { key: 'phone', column: 'phone' },
  { key: 'email', column: 'email' },
  { key: 'position', column: 'position' },
  { key: 'tags', column: 'tags' },
  { key: 'joinedOn', column: 'joined_on' },
];

export async function upsertCollaborators(db: SqlRunner, rows: readonly CollaboratorUpsert[], opts: { actor: AuditActor | null; isDemo?: boolean }): Promise<UpsertResult> {
  if (rows.length === 0) return { changed: [] };
  const params: unknown[] = [
    rows.map((r) => r.code),
    rows.map((r) => r.organisationId),
    rows.map((r) => r.fullName),
    rows.map((r) => r.phone),
    rows.map((r) => r.email),
    rows.map((r) => r.position),
    // Tags travel as one comma-joined text per row: unnest cannot take ragged 2-D arrays. Codes hold no commas.
    rows.map((r) => (r.tags === null ? null : r.tags.join(','))),
    rows.map((r) => r.joinedOn),
    opts.isDemo ?? false,
  ];
  const audit = withAudit('collaborator', COLLABORATOR_FIELDS, opts.actor, params);
  const changed = (await db.query(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[])
         AS t(code, organisation_id, full_name, phone, email, position, tags, joined_on)
     ),
     prior AS (SELECT c.* FROM collaborator c WHERE c.code = ANY($1::text[])),
     up AS (
       INSERT INTO collaborator AS c (code, organisation_id, full_name, phone, email, position, tags, joined_on, is_demo)
       SELECT i.code, i.organisation_id, i.full_name, coalesce(i.phone, p.phone), coalesce(i.email, p.email), coalesce(i.position, p.position),
              coalesce(CASE WHEN i.tags IS NULL THEN NULL ELSE array_remove(string_to_array(i.tags, ','), '') END, p.tags, '{}'),
              coalesce(i.joined_on, p.joined_on), $9
         FROM input i LEFT JOIN prior p ON p.code = i.code
       ON CONFLICT (code) DO UPDATE SET
         organisation_id = EXCLUDED.organisation_id, full_name = EXCLUDED.full_name, phone = EXCLUDED.phone, email = EXCLUDED.email,
         position = EXCLUDED.position, tags = EXCLUDED.tags, joined_on = EXCLUDED.joined_on, version = c.version + 1, updated_at = now()
       WHERE (c.organisation_id, c.full_name, c.phone, c.email, c.position, c.tags, c.joined_on)
             IS DISTINCT FROM (EXCLUDED.organisation_id, EXCLUDED.full_name, EXCLUDED.phone, EXCLUDED.email, EXCLUDED.position, EXCLUDED.tags, EXCLUDED.joined_on)
       RETURNING c.*, (c.xmax = 0) AS inserted
     )${audit}
     SELECT code, id, inserted FROM up`,
    params,
  )) as UpsertResult['changed'];
  return { changed };
}

const CHANNEL_FIELDS: readonly Field[] = [
  { key: 'code', column: 'code' },
  { key: 'organisationId', column: 'organisation_id' },
  { key: 'platform', column: 'platform' },
  { key: 'name', column: 'name' },
  { key: 'url', column: 'url' },
  { key: 'audienceSize', column: 'audience_size' },
];

export async function upsertChannels(db: SqlRunner, rows: readonly ChannelUpsert[], opts: { actor: AuditActor | null; isDemo?: boolean }): Promise<UpsertResult> {
  if (rows.length === 0) return { changed: [] };
  const params: unknown[] = [
    rows.map((r) => r.code),
    rows.map((r) => r.organisationId),
    rows.map((r) => r.platform),
    rows.map((r) => r.name),
    rows.map((r) => r.url),
    rows.map((r) => r.audienceSize),
    opts.isDemo ?? false,
  ];
  const audit = withAudit('channel', CHANNEL_FIELDS, opts.actor, params);
  const changed = (await db.query(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[])
         AS t(code, organisation_id, platform, name, url, audience_size)
     ),
     prior AS (SELECT ch.* FROM channel ch WHERE ch.code = ANY($1::text[])),
     up AS (
       INSERT INTO channel AS ch (code, organisation_id, platform, name, url, audience_size, audience_counted_at, is_demo)
       SELECT i.code, i.organisation_id, i.platform, i.name, i.url, coalesce(i.audience_size, p.audience_size),
              CASE WHEN i.audience_size IS NOT NULL AND i.audience_size IS DISTINCT FROM p.audience_size THEN now() ELSE p.audience_counted_at END,
              $7
         FROM input i LEFT JOIN prior p ON p.code = i.code
       ON CONFLICT (code) DO UPDATE SET
         organisation_id = EXCLUDED.organisation_id, platform = EXCLUDED.platform, name = EXCLUDED.name, url = EXCLUDED.url,
         audience_size = EXCLUDED.audience_size, audience_counted_at = EXCLUDED.audience_counted_at, version = ch.version + 1, updated_at = now()
       WHERE (ch.organisation_id, ch.platform, ch.name, ch.url, ch.audience_size)
             IS DISTINCT FROM (EXCLUDED.organisation_id, EXCLUDED.platform, EXCLUDED.name, EXCLUDED.url, EXCLUDED.audience_size)
       RETURNING ch.*, (ch.xmax = 0) AS inserted
     )${audit}
     SELECT code, id, inserted FROM up`,
    params,
  )) as UpsertResult['changed'];
  return { changed };
}

/**
 * Makes each listed channel's admins exactly the given collaborators; returns the channels whose
 * admins changed, and audits each as one `channel.admins.set` row.
 */
export async function setChannelAdmins(
  db: SqlRunner,
  sets: ReadonlyArray<{ channelId: string; collaboratorIds: string[] }>,
  opts: { actor: AuditActor | null },
): Promise<string[]> {
  if (sets.length === 0) return [];
  const pairs = sets.flatMap((s) => s.collaboratorIds.map((c) => [s.channelId, c] as const));
  const params: unknown[] = [sets.map((s) => s.channelId), pairs.map((p) => p[0]), pairs.map((p) => p[1])];
  const audit = opts.actor
    ? `, audit AS (
        INSERT INTO audit_log (actor_user_id, actor_login, actor_role, action, entity, entity_id, before, after, request_id)
        SELECT $4::uuid, $5, $6, 'channel.admins.set', 'channel', t.channel_id::text, NULL,
               jsonb_build_object('adminIds', (SELECT coalesce(jsonb_agg(d.collaborator_id ORDER BY d.collaborator_id), '[]') FROM desired d WHERE d.channel_id = t.channel_id)), $7
          FROM touched t
      )`
    : '';
  if (opts.actor) params.push(opts.actor.userId, opts.actor.login, opts.actor.role, opts.actor.requestId);
  const rows = (await db.query(
    `WITH targets AS (SELECT unnest($1::uuid[]) AS channel_id),
     desired AS (SELECT * FROM unnest($2::uuid[], $3::uuid[]) AS d(channel_id, collaborator_id)),
     removed AS (
       DELETE FROM channel_admin a USING targets t
        WHERE a.channel_id = t.channel_id
          AND NOT EXISTS (SELECT 1 FROM desired d WHERE d.channel_id = a.channel_id AND d.collaborator_id = a.collaborator_id)
       RETURNING a.channel_id
     ),
     added AS (
       INSERT INTO channel_admin (channel_id, collaborator_id) SELECT channel_id, collaborator_id FROM desired
       ON CONFLICT DO NOTHING RETURNING channel_id
     ),
     touched AS (SELECT channel_id FROM removed UNION SELECT channel_id FROM added)${audit}
     SELECT channel_id FROM touched`,
    params,
  )) as Array<{ channel_id: string }>;
  return rows.map((r) => r.channel_id);
}
