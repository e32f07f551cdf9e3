import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { collaboratorInScope, organisationInScope, type Scope, SqlParams } from '../common/auth/scope.js';
import { parseSort, type Sort, type SortColumn } from '../common/database/keyset.js';
import { foldedSearch, hasSearch, isTrigramSearch, listSql, type SearchPage, toListPage } from '../common/database/search.js';
import { returnedRows, setClause } from '../common/database/sql-write.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/list-query.dto.js';
import type { CollaboratorDto, CollaboratorListQueryDto, CreateCollaboratorDto, UpdateCollaboratorDto } from './dto/collaborator.dto.js';

/**
 * Phone and e-mail are personal data. Every query here is limited to the caller's scope, so a
 * row returned is always a person the caller's scope covers.
 */
const COLUMNS = `c.id, c.code, c.organisation_id AS "organisationId",
  json_build_object('id', o.id, 'code', o.code, 'name', o.name) AS organisation,
  c.full_name AS "fullName", c.phone, c.email, c.position, c.tags, c.active, c.joined_on::text AS "joinedOn",
  c.board_opt_out AS "boardOptOut", c.is_demo AS "isDemo", c.version, c.created_at AS "createdAt", c.updated_at AS "updatedAt"`;
const FROM = `collaborator c JOIN organisation o ON o.id = c.organisation_id`;

export const COLLABORATOR_SORTS: Record<string, SortColumn> = {
  fullName: { sql: 'c.full_name', type: 'text' },
  code: { sql: 'c.code', type: 'text' },
  createdAt: { sql: 'c.created_at', type: 'timestamptz' },
  updatedAt: { sql: 'c.updated_at', type: 'timestamptz' },
};

const WRITABLE: Record<string, string> = {
  code: 'code',
  organisationId: 'organisation_id',
  fullName: 'full_name',
  phone: 'phone',
  email: 'email',
  position: 'position',
  tags: 'tags',
  active: 'active',
  joinedOn: 'joined_on',
  boardOptOut: 'board_opt_out',
};

/** The list query (also timed as is by the search bench, bench/scenarios/search.ts). */
export function collaboratorListSql(
  scope: Scope,
  query: CollaboratorListQueryDto,
  options: { exhaustive?: boolean } = {},
): { sql: string; params: unknown[]; sort: Sort; limit: number; capped: boolean } {
  const params = new SqlParams();
  const sort = parseSort(query.sort, COLLABORATOR_SORTS, 'fullName');
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const byOrganisation = !query.organisationId
    ? 'TRUE'
    : query.includeSubtree === false
      ? `c.organisation_id = ${params.add(query.organisationId)}`
      : `c.organisation_id IN (SELECT s.id FROM organisation s WHERE s.ancestors @> ARRAY[${params.add(query.organisationId)}]::uuid[])`;
  const where = [
    collaboratorInScope(scope, 'c.id', 'c.organisation_id', params),
    foldedSearch('c.search', query.q, params, { terms: true }),
    byOrganisation,
    query.tag ? `c.tags @> ARRAY[${params.add(query.tag)}]::text[]` : 'TRUE',
    query.active === undefined ? 'TRUE' : `c.active = ${params.add(query.active)}`,
  ];
  const capped = hasSearch(query.q) && !options.exhaustive;
  const sql = listSql({ columns: COLUMNS, from: FROM, filterFrom: 'collaborator c', idColumn: 'c.id', where, sort, cursor: query.cursor, limit, params, capped, selectiveFilter: isTrigramSearch(query.q) });
  return { sql, params: params.values, sort, limit, capped };
}

export type CollaboratorChanges = Omit<UpdateCollaboratorDto, 'version'>;

@Injectable()
export class CollaboratorRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A page of people. A search (`q`) lists at most SEARCH_CAP matches (`truncated` says when it
   * cut) unless `exhaustive` (exports: every match, in order).
   */
  async list(scope: Scope, query: CollaboratorListQueryDto, options: { exhaustive?: boolean } = {}): Promise<SearchPage<CollaboratorDto>> {
    const { sql, params, sort, limit, capped } = collaboratorListSql(scope, query, options);
    return toListPage(await this.dataSource.query(sql, params), limit, sort, capped);
  }

  async findInScope(scope: Scope, id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<CollaboratorDto | null> {
    const params = new SqlParams();
    const rows: CollaboratorDto[] = await manager.query(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE c.id = ${params.add(id)} AND ${collaboratorInScope(scope, 'c.id', 'c.organisation_id', params)}
       ${lock ? 'FOR UPDATE OF c' : ''}`,
      params.values,
    );
    return rows[0] ?? null;
  }

  /** Whether the organisation exists and lies in the scope (where a person may be put). */
  async organisationInScope(scope: Scope, organisationId: string, manager: EntityManager): Promise<boolean> {
    const params = new SqlParams();
    const rows = await manager.query(
      `SELECT 1 FROM organisation o WHERE o.id = ${params.add(organisationId)} AND ${organisationInScope(scope, 'o.id', params)}`,
      params.values,
    );
    return rows.length > 0;
  }

  /** The id holding a code, whoever's it is (to refuse a duplicate; never returned to the caller). */
  async codeHolder(code: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM collaborator WHERE code = $1`, [code]);
    return rows[0]?.id ?? null;
  }

  async findByCode(scope: Scope, code: string): Promise<{ id: string; code: string; fullName: string } | null> {
    const params = new SqlParams();
    const rows = await this.dataSource.query(
      `SELECT c.id, c.code, c.full_name AS "fullName" FROM collaborator c
        WHERE c.code = ${params.add(code)} AND ${collaboratorInScope(scope, 'c.id', 'c.organisation_id', params)}`,
      params.values,
    );
    return rows[0] ?? null;
  }

  async insert(manager: EntityManager, input: CreateCollaboratorDto): Promise<string> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO collaborator (code, organisation_id, full_name, phone, email, position, tags, active, joined_on, board_opt_out)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, $10) RETURNING id`,
      [
        input.code,
        input.organisationId,
        input.fullName,
        input.phone ?? null,
        input.email ?? null,
        input.position ?? null,
        input.tags ?? [],
        input.active ?? true,
        input.joinedOn ?? null,
        input.boardOptOut ?? false,
      ],
    );
    return rows[0]!.id;
  }

  async update(manager: EntityManager, id: string, changes: CollaboratorChanges): Promise<void> {
    const params = new SqlParams();
    const set = setClause(changes, WRITABLE, params);
    const result: unknown = await manager.query(`UPDATE collaborator SET ${set} WHERE id = ${params.add(id)} RETURNING id`, params.values);
    if (returnedRows(result).length !== 1) throw new Error(`collaborator ${id} vanished during update`);
  }
}
