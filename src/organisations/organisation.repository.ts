import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { organisationInScope, type Scope, SqlParams } from '../common/auth/scope.js';
import { parseSort, type SortColumn } from '../common/database/keyset.js';
import { foldedSearch, hasSearch, isTrigramSearch, listSql, type SearchPage, toListPage } from '../common/database/search.js';
import { returnedRows, setClause } from '../common/database/sql-write.js';
import { DEFAULT_PAGE_SIZE } from '../common/http/list-query.dto.js';
import type { OrganisationDto, OrganisationListQueryDto } from './dto/organisation.dto.js';

const COLUMNS = `o.id, o.code, o.name, o.short_name AS "shortName", o.kind, o.parent_id AS "parentId", o.ancestors::text[] AS ancestors,
  o.depth, o.secretary_collaborator_id AS "secretaryCollaboratorId", o.active, o.is_demo AS "isDemo", o.version,
  o.created_at AS "createdAt", o.updated_at AS "updatedAt"`;

export const ORGANISATION_SORTS: Record<string, SortColumn> = {
  name: { sql: 'o.name', type: 'text' },
  code: { sql: 'o.code', type: 'text' },
  createdAt: { sql: 'o.created_at', type: 'timestamptz' },
  updatedAt: { sql: 'o.updated_at', type: 'timestamptz' },
  depth: { sql: 'o.depth', type: 'int' },
};

const WRITABLE: Record<string, string> = {
  code: 'code',
  name: 'name',
  shortName: 'short_name',
  kind: 'kind',
  parentId: 'parent_id',
  secretaryCollaboratorId: 'secretary_collaborator_id',
  active: 'active',
};

export type OrganisationChanges = Partial<Pick<OrganisationDto, 'code' | 'name' | 'shortName' | 'kind' | 'parentId' | 'secretaryCollaboratorId' | 'active'>>;

/** SQL over organisations; every read takes the caller's scope first. */
@Injectable()
export class OrganisationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A search (`q`) lists at most SEARCH_CAP matches unless `exhaustive` (exports). */
  async list(scope: Scope, query: OrganisationListQueryDto, options: { exhaustive?: boolean } = {}): Promise<SearchPage<OrganisationDto>> {
    const params = new SqlParams();
    const sort = parseSort(query.sort, ORGANISATION_SORTS, 'name');
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const where = [
      organisationInScope(scope, 'o.id', params),
      foldedSearch('o.search', query.q, params),
      query.kind ? `o.kind = ${params.add(query.kind)}` : 'TRUE',
      query.parentId ? `o.parent_id = ${params.add(query.parentId)}` : 'TRUE',
      query.subtreeOf ? `o.ancestors @> ARRAY[${params.add(query.subtreeOf)}]::uuid[]` : 'TRUE',
      query.active === undefined ? 'TRUE' : `o.active = ${params.add(query.active)}`,
    ];
    const capped = hasSearch(query.q) && !options.exhaustive;
    const sql = listSql({ columns: COLUMNS, from: 'organisation o', idColumn: 'o.id', where, sort, cursor: query.cursor, limit, params, capped, selectiveFilter: isTrigramSearch(query.q) });
    return toListPage(await this.dataSource.query(sql, params.values), limit, sort, capped);
  }

  async findInScope(scope: Scope, id: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<OrganisationDto | null> {
    const params = new SqlParams();
    const rows: OrganisationDto[] = await manager.query(
      `SELECT ${COLUMNS} FROM organisation o WHERE o.id = ${params.add(id)} AND ${organisationInScope(scope, 'o.id', params)}${lock ? ' FOR UPDATE' : ''}`,
      params.values,
    );
    return rows[0] ?? null;
  }

  /** Codes of the given organisations (labels in exports; ids only, no scope needed for a code). */
  async codesOf(ids: string[]): Promise<Map<string, string>> {
    const rows: Array<{ id: string; code: string }> = await this.dataSource.query(`SELECT id, code FROM organisation WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r.code]));
  }

  async findByCode(code: string): Promise<Pick<OrganisationDto, 'id' | 'code' | 'name'> | null> {
    const rows = await this.dataSource.query(`SELECT id, code, name FROM organisation WHERE code = $1`, [code]);
    return rows[0] ?? null;
  }

  async insert(manager: EntityManager, row: OrganisationChanges & { id: string; ancestors: string[]; depth: number }): Promise<OrganisationDto> {
    const rows: OrganisationDto[] = await manager.query(
      `INSERT INTO organisation AS o (id, code, name, short_name, kind, parent_id, ancestors, depth, secretary_collaborator_id, active)
       VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[], $8, $9, $10) RETURNING ${COLUMNS}`,
      [row.id, row.code, row.name, row.shortName ?? null, row.kind, row.parentId ?? null, row.ancestors, row.depth, row.secretaryCollaboratorId ?? null, row.active ?? true],
    );
    return rows[0]!;
  }

  async update(manager: EntityManager, id: string, changes: OrganisationChanges): Promise<OrganisationDto> {
    const params = new SqlParams();
    const set = setClause(changes, WRITABLE, params);
    const result: unknown = await manager.query(`UPDATE organisation o SET ${set} WHERE o.id = ${params.add(id)} RETURNING ${COLUMNS}`, params.values);
    return returnedRows<OrganisationDto>(result)[0]!;
  }

  /**
   * Re-roots a whole subtree in one statement: every row under `id` (itself included) gets
   * `newPrefix` followed by its path from `id` down.
   */
  async moveSubtree(manager: EntityManager, id: string, newPrefix: string[]): Promise<void> {
    await manager.query(
      `UPDATE organisation d
          SET ancestors = $2::uuid[] || d.ancestors[array_position(d.ancestors, $1::uuid):],
              depth = cardinality($2::uuid[]) + cardinality(d.ancestors) - array_position(d.ancestors, $1::uuid)
        WHERE d.ancestors @> ARRAY[$1::uuid]`,
      [id, newPrefix],
    );
  }

  /** Serialises tree moves so two concurrent moves cannot build a cycle between them. */
  async lockTree(manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('organisation-tree'))`);
  }

  /** Whether the collaborator belongs to the organisation or anything under it. */
  async collaboratorInSubtree(manager: EntityManager, organisationId: string, collaboratorId: string): Promise<boolean> {
    const rows = await manager.query(
      `SELECT 1 FROM collaborator c JOIN organisation o ON o.id = c.organisation_id
        WHERE c.id = $1 AND o.ancestors @> ARRAY[$2::uuid]`,
      [collaboratorId, organisationId],
    );
    return rows.length > 0;
  }
}
