import { describe, expect, it } from 'vitest';
import { SqlParams } from '../auth/scope.js';
import { DomainError } from '../errors/domain.error.js';
import { decodeCursor, encodeCursor, keysetClauses, parseSort, toPage } from './keyset.js';

const SORTS = { name: { sql: 'o.name', type: 'text' as const }, createdAt: { sql: 'o.created_at', type: 'timestamptz' as const } };
const ID = '3f1d6f8e-2b7a-4c1e-9a55-0d8b3c2a1e00';

describe('keyset paging', () => {
  it('parses ascending and descending sorts and refuses unknown keys', () => {
    expect(parseSort(undefined, SORTS, 'name')).toMatchObject({ name: 'name', descending: false });
    expect(parseSort('-createdAt', SORTS, 'name')).toMatchObject({ name: 'createdAt', descending: true });
    expect(() => parseSort('password', SORTS, 'name')).toThrow(DomainError);
  });

  it('round-trips a cursor bound to its sort, refusing one issued for another sort or tampered with', () => {
    const sort = parseSort('-createdAt', SORTS, 'name');
    const cursor = encodeCursor(sort, '2026-11-26 06:28:55.937123+00', ID);
    expect(decodeCursor(sort, cursor)).toEqual({ value: '2026-11-26 06:28:55.937123+00', id: ID });
    expect(() => decodeCursor(parseSort('createdAt', SORTS, 'name'), cursor)).toThrow(DomainError);
    expect(() => decodeCursor(sort, 'not-base64-json')).toThrow(DomainError);
    expect(() => decodeCursor(sort, encodeCursor(sort, 'yesterday', ID))).toThrow(DomainError);
    expect(() => decodeCursor(sort, Buffer.from(JSON.stringify({ s: '-createdAt', v: 'x', id: "1'; DROP" })).toString('base64url'))).toThrow(DomainError);
  });

  it('builds a row comparison in the sort direction with the values as parameters', () => {
    const sort = parseSort('-createdAt', SORTS, 'name');
    const params = new SqlParams();
    const clauses = keysetClauses(sort, 'o.id', encodeCursor(sort, '2026-01-01 00:00:00+00', ID), params);
    expect(clauses.orderBy).toBe('ORDER BY o.created_at DESC, o.id DESC');
    expect(clauses.after).toBe('(o.created_at, o.id) < ($1::timestamptz, $2::uuid)');
    expect(params.values).toEqual(['2026-01-01 00:00:00+00', ID]);
  });

  it('sorts an unindexable expression of the same key when a trigram search leads the plan', () => {
    const sort = parseSort('name', SORTS, 'name');
    const params = new SqlParams();
    const clauses = keysetClauses(sort, 'o.id', encodeCursor(sort, 'Đặng', ID), params, true);
    expect(clauses.orderBy).toBe("ORDER BY (o.name || '') ASC, o.id ASC");
    expect(clauses.after).toBe("((o.name || ''), o.id) > ($1::text, $2::uuid)");
    expect(clauses.sortValue).toBe('(o.name)::text AS "sortValue"');
  });

  it('issues a next cursor only when a row beyond the page exists', () => {
    const sort = parseSort('name', SORTS, 'name');
    const rows = [1, 2, 3].map((n) => ({ id: `${ID.slice(0, -1)}${n}`, sortValue: `n${n}` }));
    const page = toPage(rows, 2, sort);
    expect(page.items).toEqual([{ id: rows[0]!.id }, { id: rows[1]!.id }]);
    expect(decodeCursor(sort, page.nextCursor!)).toEqual({ value: 'n2', id: rows[1]!.id });
    expect(toPage(rows, 3, sort).nextCursor).toBeNull();
  });
});
