import type { SqlParams } from '../auth/scope.js';
import { escapeLike, toNfc } from '../text/vietnamese.util.js';

/**
 * Diacritic- and case-insensitive substring search on a stored generated `search` column
 * (`f_fold(...)`, trigram GIN-indexed). The query is folded by the same SQL function, so the
 * two sides always agree; LIKE metacharacters in the input match literally.
 */
export function foldedSearch(searchColumn: string, q: string | undefined, params: SqlParams): string {
  const text = searchText(q);
  if (!text) return 'TRUE';
  return `${searchColumn} LIKE '%' || f_fold(${params.add(escapeLike(text))}) || '%' ESCAPE '\\'`;
}

function searchText(q: string | undefined): string {
  return q === undefined ? '' : toNfc(q).replace(/\s+/g, ' ').trim();
}

/** A query long enough for trigrams (3+ characters) is selective enough to lead the plan. */
export function isTrigramSearch(q: string | undefined): boolean {
  return searchText(q).length >= 3;
}
