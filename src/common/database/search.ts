import type { SqlParams } from '../auth/scope.js';
import { toNfc } from '../text/vietnamese.util.js';
import { keysetClauses, type Page, type Sort, toPage } from './keyset.js';

/**
 * Diacritic- and case-insensitive substring search on a stored generated `search` column
 * (`f_fold(...)`). The query is folded by the same SQL function, then its LIKE metacharacters are
 * escaped (so they match literally, also when folding produced them: `％` folds to `%`), so the two
 * sides always agree.
 *
 * `terms`: the table also has a GIN index on `f_search_terms(search)` (collaborators, migration
 * 1764500000000-CollaboratorSearchTerms). For a query of two words or more the LIKE stays the exact
 * filter and `f_search_terms(search) @@ f_search_query(q)` goes beside it: terms every row the LIKE
 * accepts contains (word pairs, whole words, word prefixes and suffixes), which the index answers
 * from short posting lists where the trigram index read lists of a third of the table. A one-word
 * query keeps the trigram index (a frequent one is a scan that stops at the cap).
 */
export function foldedSearch(searchColumn: string, q: string | undefined, params: SqlParams, options: { terms?: boolean } = {}): string {
  const text = searchText(q);
  if (!text) return 'TRUE';
  const p = params.add(text);
  if (options.terms && text.includes(' ')) {
    // strpos is the same substring test as the LIKE, but no trigram index can take it (a BitmapAnd
    // with the trigram scan would cost what the terms save) and the planner estimates it at a
    // fixed 1/3, so the terms' own statistics decide between the index and a scan stopping early.
    return `f_search_terms(${searchColumn}) @@ f_search_query(${p}) AND strpos(${searchColumn}, f_fold(${p})) > 0`;
  }
  return `${searchColumn} LIKE '%' || replace(replace(replace(f_fold(${p}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%' ESCAPE '\\'`;
}

function searchText(q: string | undefined): string {
  return q === undefined ? '' : toNfc(q).replace(/\s+/g, ' ').trim();
}

/** A query long enough for trigrams (3+ characters) is selective enough to lead the plan. */
export function isTrigramSearch(q: string | undefined): boolean {
  return searchText(q).length >= 3;
}

/** Whether `q` filters at all (blank is no search). */
export function hasSearch(q: string | undefined): boolean {
  return searchText(q).length > 0;
}

/**
 * How many matches an interactive search lists at most. A frequent term ("thi", "huong") matches
 * hundreds of thousands of people in a national directory; fetching and sorting all of them to
 * show the alphabetically first 50 took seconds (bench/README.md, "Directory search"). Instead the
 * list holds the first SEARCH_CAP matches the index finds, in the requested order, and says it was
 * cut (`truncated`) so the user refines the search. Below the cap the list is exact.
 */
export const SEARCH_CAP = 1000;

export interface ListSqlParts {
  /** Select list (without the sort value). */
  columns: string;
  /** FROM clause with its aliases, e.g. `collaborator c JOIN organisation o ON …`. */
  from: string;
  /** FROM clause the filters need (default `from`): the base table alone saves a join per candidate. */
  filterFrom?: string;
  /** The row's id column, e.g. `c.id`. */
  idColumn: string;
  /** Filters (scope, search, …), ANDed. */
  where: string[];
  sort: Sort;
  cursor: string | undefined;
  /** Page size (one more row is fetched to know whether there is a next page). */
  limit: number;
  params: SqlParams;
  /** Cap the matches (`SEARCH_CAP`): interactive searches. Exports (every match) pass false. */
  capped: boolean;
  /** A trigram search is among the filters (see `keysetClauses`). */
  selectiveFilter: boolean;
}

/**
 * The list query. Uncapped: filter, order, keyset, limit. Capped: the ids and sort keys of the
 * first SEARCH_CAP + 1 matches in index order (no sort, so the scan stops there); the first
 * SEARCH_CAP of those ordered and paged by the keyset; the full rows fetched for that page only.
 * Every page of one search starts from the same candidates while the rows do not change, so
 * paging lists each of them once. `foundCount` tells whether the cap cut the list.
 */
export function listSql(parts: ListSqlParts): string {
  const { columns, from, idColumn, where, sort, cursor, params, limit } = parts;
  if (!parts.capped) {
    const keyset = keysetClauses(sort, idColumn, cursor, params, parts.selectiveFilter);
    return `SELECT ${columns}, ${keyset.sortValue} FROM ${from}
      WHERE ${[...where, keyset.after].join(' AND ')} ${keyset.orderBy} LIMIT ${params.add(limit + 1)}`;
  }
  const onFound: Sort = { ...sort, column: { ...sort.column, sql: 'l.sort_key' } };
  const keyset = keysetClauses(onFound, 'l.id', cursor, params);
  const dir = sort.descending ? 'DESC' : 'ASC';
  return `WITH found AS MATERIALIZED (
        SELECT ${idColumn} AS id, ${sort.column.sql} AS sort_key FROM ${parts.filterFrom ?? from} WHERE ${where.join(' AND ')} LIMIT ${SEARCH_CAP + 1}),
      listed AS (SELECT id, sort_key FROM found LIMIT ${SEARCH_CAP}),
      page AS (SELECT l.id, l.sort_key FROM listed l WHERE ${keyset.after} ${keyset.orderBy} LIMIT ${params.add(limit + 1)})
    SELECT p.*, f.n AS "foundCount" FROM (SELECT count(*)::int AS n FROM found) f
    LEFT JOIN LATERAL (
      SELECT ${columns}, (${sort.column.sql})::text AS "sortValue" FROM ${from} JOIN page ON page.id = ${idColumn}
       ORDER BY page.sort_key ${dir}, page.id ${dir}
    ) p ON TRUE`;
}

export interface SearchPage<T> extends Page<T> {
  /** Present on searches: true when more than SEARCH_CAP rows matched and only SEARCH_CAP are listed. */
  truncated?: boolean;
}

/** The page from `listSql`'s rows (`capped` as passed to it). */
export function toListPage<T extends { id: string }>(rows: Array<T & { sortValue: string; foundCount?: number }>, limit: number, sort: Sort, capped: boolean): SearchPage<T> {
  if (!capped) return toPage(rows, limit, sort);
  const found = rows[0]?.foundCount ?? 0;
  const page = toPage(
    rows.filter((r) => r.id !== null).map(({ foundCount: _foundCount, ...rest }) => rest as T & { sortValue: string }),
    limit,
    sort,
  );
  return { ...page, truncated: found > SEARCH_CAP };
}
