import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { organisationInScope, type Scope, SqlParams } from '../common/auth/scope.js';
import { parseSort, type SortColumn } from '../common/database/keyset.js';
import { foldedSearch, hasSearch, isTrigramSearch, listSql, type SearchPage, toListPage } from '../common/database/search.js';
import { returnedRows, setClause } from '../common/database/sql-write.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/list-query.dto.js';
import type { ChannelDto, ChannelListQueryDto, CreateChannelDto, UpdateChannelDto } from './dto/channel.dto.js';

const COLUMNS = `ch.id, ch.code, ch.organisation_id AS "organisationId",
  json_build_object('id', o.id, 'code', o.code, 'name', o.name) AS organisation,
  ch.platform, ch.name, ch.url, ch.audience_size AS "audienceSize", ch.audience_counted_at AS "audienceCountedAt",
  ch.active, ch.is_demo AS "isDemo",
  coalesce((SELECT json_agg(json_build_object('id', a.id, 'code', a.code, 'fullName', a.full_name) ORDER BY a.full_name, a.id)
              FROM channel_admin ca JOIN collaborator a ON a.id = ca.collaborator_id WHERE ca.channel_id = ch.id), '[]'::json) AS admins,
  ch.version, ch.created_at AS "createdAt", ch.updated_at AS "updatedAt"`;
const FROM = `channel ch JOIN organisation o ON o.id = ch.organisation_id`;

export const CHANNEL_SORTS: Record<string, SortColumn> = {
  name: { sql: 'ch.name', type: 'text' },
  platform: { sql: 'ch.platform', type: 'text' },
  createdAt: { sql: 'ch.created_at', type: 'timestamptz' },
  updatedAt: { sql: 'ch.updated_at', type: 'timestamptz' },
};

const WRITABLE: Record<string, string> = {
  code: 'code',
  organisationId: 'organisation_id',
  platform: 'platform',
  name: 'name',
  url: 'url',
  audienceSize: 'audience_size',
  audienceCountedAt: 'audience_counted_at',
  active: 'active',
};

export type ChannelChanges = Omit<UpdateChannelDto, 'version'>;

/** A secretary's channels are its subtree's; a collaborator's are those it administers. */
function channelInScope(scope: Scope, params: SqlParams): string {
  if (scope.kind === 'self') {
    return `EXISTS (SELECT 1 FROM channel_admin sa WHERE sa.channel_id = ch.id AND sa.collaborator_id = ${params.add(scope.collaboratorId)})`;
  }
  return organisationInScope(scope, 'ch.organisation_id', params);
}

@Injectable()
export class ChannelRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A search (`q`) lists at most SEARCH_CAP matches unless `exhaustive` (exports). */
  async list(scope: Scope, query: ChannelListQueryDto, options: { exhaustive?: boolean } = {}): Promise<SearchPage<ChannelDto>> {
    const params = new SqlParams();
    const sort = parseSort(query.sort, CHANNEL_SORTS, 'name');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const byOrganisation = !query.organisationId
      ? 'TRUE'
      : query.includeSubtree === false
        ? `ch.organisation_id = ${params.add(query.organisationId)}`
        : `o.ancestors @> ARRAY[${params.add(query.organisationId)}]::uuid[]`;
    const where = [
      channelInScope(scope, params),
      foldedSearch('ch.search', query.q, params),
      byOrganisation,
      query.platform ? `ch.platform = ${params.add(query.platform)}` : 'TRUE',
      query.adminId ? `EXISTS (SELECT 1 FROM channel_admin fa WHERE fa.channel_id = ch.id AND fa.collaborator_id = ${params.add(query.adminId)})` : 'TRUE',
      query.active === undefined ? 'TRUE' : `ch.active = ${params.add(query.active)}`,
    ];
    const capped = hasSearch(query.q) && !options.exhaustive;
    const sql = listSql({ columns: COLUMNS, from: FROM, idColumn: 'ch.id', where, sort, cursor: query.cursor, limit, params, capped, selectiveFilter: isTrigramSearch(query.q) });
    return toListPage(await this.dataSource.query(sql, params.values), limit, sort, capped);
  }

  async findInScope(scope: Scope, id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<ChannelDto | null> {
    const params = new SqlParams();
    const rows: ChannelDto[] = await manager.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ch.id = ${params.add(id)} AND ${channelInScope(scope, params)} ${lock ? 'FOR UPDATE OF ch' : ''}`,
      params.values,
    );
    return rows[0] ?? null;
  }

  /**
   * The channel already holding a URL (or code). Named in the 409 whatever the caller's scope:
   * two offices registering the same page need to know who has it. No personal data is in it.
   */
  async findHolder(column: 'url' | 'code', value: string): Promise<{ id: string; name: string; organisation: { id: string; code: string; name: string } } | null> {
    const rows = await this.dataSource.query(
      `SELECT ch.id, ch.name, json_build_object('id', o.id, 'code', o.code, 'name', o.name) AS organisation
         FROM ${FROM} WHERE ch.${column} = $1`,
      [value],
    );
    return rows[0] ?? null;
  }

  async organisationInScope(scope: Scope, organisationId: string, manager: EntityManager): Promise<boolean> {
    const params = new SqlParams();
    const rows = await manager.query(
      `SELECT 1 FROM organisation o WHERE o.id = ${params.add(organisationId)} AND ${organisationInScope(scope, 'o.id', params)}`,
      params.values,
    );
    return rows.length > 0;
  }

  async insert(manager: EntityManager, input: CreateChannelDto & { url: string }): Promise<string> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO channel (code, organisation_id, platform, name, url, audience_size, audience_counted_at, active)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [input.code ?? null, input.organisationId, input.platform, input.name, input.url, input.audienceSize ?? null, input.audienceCountedAt ?? null, input.active ?? true],
    );
    return rows[0]!.id;
  }

  async update(manager: EntityManager, id: string, changes: ChannelChanges): Promise<void> {
    const params = new SqlParams();
    const set = setClause(changes, WRITABLE, params);
    const result: unknown = await manager.query(`UPDATE channel SET ${set} WHERE id = ${params.add(id)} RETURNING id`, params.values);
    if (returnedRows(result).length !== 1) throw new Error(`channel ${id} vanished during update`);
  }

  /**
   * Of `collaboratorIds`, those that may not administer a channel of `organisationId`: unknown,
   * deactivated, or outside that organisation's subtree.
   */
  async adminsOutside(manager: EntityManager, organisationId: string, collaboratorIds: string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT w.id FROM unnest($1::uuid[]) AS w(id)
        WHERE NOT EXISTS (
          SELECT 1 FROM collaborator c JOIN organisation o ON o.id = c.organisation_id
           WHERE c.id = w.id AND c.active AND o.ancestors @> ARRAY[$2::uuid])`,
      [collaboratorIds, organisationId],
    );
    return rows.map((r) => r.id);
  }

  /** Replaces the administrator set in two set-based statements. */
  async replaceAdmins(manager: EntityManager, channelId: string, collaboratorIds: string[]): Promise<void> {
    await manager.query(`DELETE FROM channel_admin WHERE channel_id = $1 AND NOT (collaborator_id = ANY($2::uuid[]))`, [channelId, collaboratorIds]);
    await manager.query(
      `INSERT INTO channel_admin (channel_id, collaborator_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`,
      [channelId, collaboratorIds],
    );
  }

  async bumpVersion(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE channel SET version = version + 1, updated_at = now() WHERE id = $1`, [id]);
  }
}
