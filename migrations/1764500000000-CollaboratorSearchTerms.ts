import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Directory search at national scale (bench/README.md, "Directory search at 5M"): the trigram
 * index on `collaborator.search` answered multi-word queries of common syllables slowly, because
 * every trigram of "pham ngoc" (`pha`, `ngo`, ` ng`, …) has a posting list of 10–40 % of the table
 * and the bitmap had to be complete before the first row.
 *
 * The search is unchanged — a diacritic- and case-insensitive substring `LIKE` on the folded
 * `search` column stays the exact filter, and one-word queries keep the trigram index. What is new
 * is an index condition added beside the LIKE of a query of two words or more: a GIN on a tsvector
 * of *search terms* of each row, and a tsquery of terms that every row the LIKE accepts contains.
 * With the folded text split on single spaces into words w1 … wn and the query into tokens
 * t1 … tk (k ≥ 2), a match means: t1 ends a word that a space follows, t2 … tk-1 are whole words
 * that spaces surround, tk begins a word that a space precedes. Terms of a row:
 *
 * - single words: `<` + suffix of w1 … wn-1, `>` + prefix of w2 … wn (2–7 characters; a
 *   longer token uses its last / first 7), `=` + w2 … wn-1 (up to 64 characters);
 * - adjacent pairs (wi, wi+1), a left form, a space and a right form: left `<` + suffix of wi
 *   (2–4 characters) or `=` + wi when i > 1; right `>` + prefix of wi+1 (2–4) or `=` + wi+1 when
 *   i + 1 < n. "pham ngoc" is the single term `'<pham >ngoc'`, whose posting list holds just the
 *   people with that pair (0.5 % of the table) where `<pham` and `>ngoc` hold 7 % each;
 *   "nguyen van hung" is `'<uyen =van' & '=van >hung'`, the rarer pair bounding the intersection;
 * - `*`, which every row has: the tsquery when no term applies (tokens of one letter).
 *
 * A query uses a pair term for each adjacent pair of its tokens, and single terms for tokens no
 * pair covers. f_search_terms is declared COST 10 (plpgsql's default is 100) so that for a
 * frequent pair the planner prefers a scan that stops at the search cap, testing the cheap
 * substring first. The terms are an expression index (not stored in the row), so the heap does not
 * grow; inserts and updates keep it current like any index. Both functions are IMMUTABLE: they
 * depend only on their argument and the fixed f_fold(). test/collaborator-search-terms checks the
 * implication against the LIKE for every substring of awkward names.
 */
export class CollaboratorSearchTerms1764500000000 implements MigrationInterface {
  name = 'CollaboratorSearchTerms1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION f_search_terms(folded text) RETURNS tsvector
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT COST 10 AS $$
      DECLARE
        words text[] := string_to_array(folded, ' ');
        n int := coalesce(array_length(words, 1), 0);
        terms text[] := ARRAY['*'];
        lefts text[];
        rights text[];
        w text;
        len int;
      BEGIN
        FOR i IN 1 .. n LOOP
          w := words[i];
          len := length(w);
          CONTINUE WHEN len = 0;
          IF i < n THEN
            FOR j IN 2 .. least(len, 7) LOOP
              terms := terms || ('<' || right(w, j));
            END LOOP;
          END IF;
          IF i > 1 THEN
            FOR j IN 2 .. least(len, 7) LOOP
              terms := terms || ('>' || left(w, j));
            END LOOP;
            IF i < n AND len <= 64 THEN
              terms := terms || ('=' || w);
            END IF;
          END IF;
          -- the pair (words[i], words[i + 1])
          CONTINUE WHEN i = n OR words[i + 1] = '';
          lefts := '{}';
          FOR j IN 2 .. least(len, 4) LOOP
            lefts := lefts || ('<' || right(w, j));
          END LOOP;
          IF i > 1 AND len <= 64 THEN
            lefts := lefts || ('=' || w);
          END IF;
          rights := '{}';
          FOR j IN 2 .. least(length(words[i + 1]), 4) LOOP
            rights := rights || ('>' || left(words[i + 1], j));
          END LOOP;
          IF i + 1 < n AND length(words[i + 1]) <= 64 THEN
            rights := rights || ('=' || words[i + 1]);
          END IF;
          FOREACH w IN ARRAY lefts LOOP
            FOR j IN 1 .. coalesce(array_length(rights, 1), 0) LOOP
              terms := terms || (w || ' ' || rights[j]);
            END LOOP;
          END LOOP;
        END LOOP;
        RETURN array_to_tsvector(terms);
      END $$`);
    await q.query(`
      CREATE FUNCTION f_search_query(q text) RETURNS tsquery
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
      DECLARE
        words text[] := string_to_array(f_fold(q), ' ');
        n int := coalesce(array_length(words, 1), 0);
        single text[] := array_fill(NULL::text, ARRAY[n]);
        pair text[] := array_fill(NULL::text, ARRAY[n]);
        covered boolean[] := array_fill(false, ARRAY[n]);
        terms text[] := '{}';
        w text;
        len int;
      BEGIN
        IF n >= 2 THEN
          FOR i IN 1 .. n LOOP
            w := words[i];
            len := length(w);
            IF i = 1 AND len >= 2 THEN
              single[i] := '<' || right(w, 7);
              pair[i] := '<' || right(w, 4);
            ELSIF i = n AND len >= 2 THEN
              single[i] := '>' || left(w, 7);
              pair[i] := '>' || left(w, 4);
            ELSIF i > 1 AND i < n AND len BETWEEN 1 AND 64 THEN
              single[i] := '=' || w;
              pair[i] := single[i];
            END IF;
          END LOOP;
          FOR i IN 1 .. n - 1 LOOP
            IF pair[i] IS NOT NULL AND pair[i + 1] IS NOT NULL THEN
              terms := terms || (pair[i] || ' ' || pair[i + 1]);
              covered[i] := true;
              covered[i + 1] := true;
            END IF;
          END LOOP;
          FOR i IN 1 .. n LOOP
            IF single[i] IS NOT NULL AND NOT covered[i] THEN
              terms := terms || single[i];
            END IF;
          END LOOP;
        END IF;
        IF cardinality(terms) = 0 THEN
          terms := ARRAY['*'];
        END IF;
        RETURN (SELECT string_agg(DISTINCT '''' || replace(replace(t, '\\', '\\\\'), '''', '''''') || '''', ' & ') FROM unnest(terms) t)::tsquery;
      END $$`);
    await q.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    await q.query(`CREATE INDEX collaborator_search_terms_idx ON collaborator USING gin (f_search_terms(search))`);
    await q.query(`ANALYZE collaborator`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX collaborator_search_terms_idx`);
    await q.query(`DROP FUNCTION f_search_query(text)`);
    await q.query(`DROP FUNCTION f_search_terms(text)`);
  }
}
