/**
 * Text helpers for Vietnamese input: search keys, storage normalisation and LIKE escaping.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const WHITESPACE_RUN = /\s+/g;

/**
 * Folds text to a diacritic-free, lowercase search key: "Nguyễn Văn An" → "nguyen van an".
 * NFC first so precomposed and decomposed input fold identically; đ is a distinct letter (not
 * a base + mark), so NFD leaves it intact and it must be mapped explicitly.
 */
export function foldVietnamese(s: string): string {
  return s
    .normalize('NFC')
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(/đ/g, 'd')
    .replace(WHITESPACE_RUN, ' ')
    .trim();
}

/**
 * NFC-normalises text before it is stored, so the same word typed on different keyboards
 * (Telex/VNI IMEs often emit decomposed marks) compares and indexes equal.
 */
export function toNfc(s: string): string {
  return s.normalize('NFC');
}

/**
 * Escapes LIKE metacharacters so user input matches literally; the query must declare
 * `ESCAPE '\'` (PostgreSQL's default escape character is also backslash).
 */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}
