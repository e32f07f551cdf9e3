/**
 * Directory search at the generated scale, timed from a pg client with the app's own list SQL
 * (`collaboratorListSql` of src/collaborators/collaborator.repository.ts: an administrator's
 * search, sorted by name, 50 a page), for realistic queries with and without diacritics.
 *
 * Same run, same table: **before** = the exhaustive query (every match fetched and sorted; what
 * the list did before the search cap, and what exports still do) and **after** = the capped query
 * the list runs now (the first SEARCH_CAP matches in index order, those sorted). Baseline: the
 * capped query on a copy of 1/100 of the table (same columns, same indexes); a 1/10 copy makes the
 * cost curve. EXPLAIN (ANALYZE, BUFFERS) of every capped query and of the slowest exhaustive ones
 * on the full table are kept in the result.
 */
import pg from 'pg';
import type { Scope } from '../../src/common/auth/scope.js';
import { SEARCH_CAP } from '../../src/common/database/search.js';
import { collaboratorListSql } from '../../src/collaborators/collaborator.repository.js';
import { SESSION_OPTIONS } from '../../src/common/database/data-source.js';
import { costCurve, type CostPoint } from '../lib/cost-curve.js';
import type { BenchContext, ScenarioResult } from '../types.js';

/** Realistic queries: whole names, given names, family + middle, with and without diacritics, a code, a miss. */
export const SEARCH_QUERIES = [
  'Nguyễn Văn Hùng',
  'nguyen van hung',
  'Trần Thị Mai',
  'tran thi mai',
  'Hương',
  'huong',
  'Phạm Ngọc',
  'pham ngoc',
  'Huỳnh Thị Thu',
  'Đặng Quốc',
  'dang quoc',
  'Vũ Khánh Linh',
  'Lý Bích Ngân',
  'thi',
  'không có ai tên này',
] as const;

const TARGET_COLLABORATORS = 5_000_000;
const TARGET_P50_MS = 50;

const ADMIN: Scope = { kind: 'all' };

export type SearchMode = 'exhaustive' | 'capped';

/** The list SQL the API runs for `q`, on `table` (a sample copy) instead of collaborator. */
export function searchQuery(table: string, q: string, mode: SearchMode, scope: Scope = ADMIN): { sql: string; params: unknown[] } {
  const { sql, params } = collaboratorListSql(scope, { q, limit: 50 }, { exhaustive: mode === 'exhaustive' });
  const onTable = sql.replace(/\bcollaborator c\b/g, `${table} c`);
  if (table !== 'collaborator' && onTable === sql) throw new Error('search bench: the list SQL no longer reads "collaborator c"');
  return { sql: onTable, params };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The index definitions of a table without index and table names (a copy's must equal the original's). */
async function indexShapes(client: pg.Client, table: string): Promise<string> {
  const { rows } = await client.query<{ d: string }>(
    `SELECT regexp_replace(indexdef, '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+ ', '\\1') d FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 ORDER BY 1`,
    [table],
  );
  return rows.map((r) => r.d).join('\n');
}

/**
 * A copy of the first `rows` collaborators (by id) with the same columns and indexes; reused when
 * already there with the same row count and the same indexes (a migration that changes the
 * collaborator's indexes makes the copies again).
 */
async function sampleTable(client: pg.Client, rows: number): Promise<string> {
  const table = `bench_collaborator_${rows}`;
  const existing = await client.query<{ n: string }>(`SELECT count(*) n FROM pg_class WHERE relname = $1`, [table]);
  if (Number(existing.rows[0]!.n) > 0) {
    const { rows: r } = await client.query<{ n: string }>(`SELECT count(*) n FROM ${table}`);
    if (Number(r[0]!.n) === rows && (await indexShapes(client, table)) === (await indexShapes(client, 'collaborator'))) return table;
    await client.query(`DROP TABLE ${table}`);
  }
  await client.query(`CREATE TABLE ${table} (LIKE collaborator INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING INDEXES)`);
  await client.query(
    `INSERT INTO ${table} (id, code, organisation_id, full_name, phone, email, position, tags, active, joined_on, board_opt_out, is_demo, version, created_at, updated_at)
     SELECT id, code, organisation_id, full_name, phone, email, position, tags, active, joined_on, board_opt_out, is_demo, version, created_at, updated_at
       FROM collaborator ORDER BY id LIMIT $1`,
    [rows],
  );
  await client.query(`ANALYZE ${table}`);
  return table;
}

interface Timing {
  p50Ms: number;
  p99Ms: number;
  perQuery: Record<string, { p50Ms: number; rows: number; truncated?: boolean }>;
}

async function timeQueries(client: pg.Client, table: string, mode: SearchMode, repeats: number, scope: Scope = ADMIN): Promise<Timing> {
  const all: number[] = [];
  const perQuery: Timing['perQuery'] = {};
  for (const q of SEARCH_QUERIES) {
    const { sql, params } = searchQuery(table, q, mode, scope);
    const first = await client.query(sql, params); // warm-up (and the row count)
    const samples: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const started = performance.now();
      await client.query(sql, params);
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    const found = (first.rows[0] as { foundCount?: number } | undefined)?.foundCount;
    const rows = first.rows.filter((r: { id: string | null }) => r.id !== null).length;
    perQuery[q] = { p50Ms: round2(percentile(samples, 50)), rows, ...(mode === 'capped' ? { truncated: (found ?? 0) > SEARCH_CAP } : {}) };
    all.push(...samples);
  }
  all.sort((a, b) => a - b);
  return { p50Ms: round2(percentile(all, 50)), p99Ms: round2(percentile(all, 99)), perQuery };
}

async function explain(client: pg.Client, q: string, mode: SearchMode, scope: Scope = ADMIN): Promise<string> {
  const { sql, params } = searchQuery('collaborator', q, mode, scope);
  const plan = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
}

const slowestOf = (t: Timing, n: number) => Object.entries(t.perQuery).sort((a, b) => b[1].p50Ms - a[1].p50Ms).slice(0, n);

export async function search(ctx: BenchContext): Promise<ScenarioResult> {
  // The app's session settings (jit off, work_mem), so the SQL is timed as the app runs it.
  const client = new pg.Client({ connectionString: ctx.databaseUrl ?? ctx.env.DATABASE_URL, application_name: 'outreach-bench-search', options: SESSION_OPTIONS });
  await client.connect();
  try {
    await client.query('SET statement_timeout = 0');
    const { rows } = await client.query<{ n: string }>('SELECT count(*) n FROM collaborator');
    const total = Number(rows[0]!.n);
    if (total < 100) throw new Error(`search needs generated collaborators; found ${total}`);
    const { rows: settings } = await client.query<{ jit: string; shared_buffers: string; work_mem: string }>(
      `SELECT current_setting('jit') jit, current_setting('shared_buffers') shared_buffers, current_setting('work_mem') work_mem`,
    );
    const repeats = ctx.scale === 'province' ? 20 : 5;
    const smallRows = Math.max(1, Math.round(total / 100));
    const midRows = Math.max(1, Math.round(total / 10));
    const small = await sampleTable(client, smallRows);
    const mid = await sampleTable(client, midRows);

    // Same run, same table: the exhaustive sort (before) and the capped list (after), alternating
    // before/after/before would be fairer still, but the exhaustive run at 5M takes minutes.
    const before = await timeQueries(client, 'collaborator', 'exhaustive', Math.min(repeats, 3));
    const after = await timeQueries(client, 'collaborator', 'capped', repeats);
    const baseline = await timeQueries(client, small, 'capped', repeats);
    const middle = await timeQueries(client, mid, 'capped', repeats);
    const baselineBefore = await timeQueries(client, small, 'exhaustive', Math.min(repeats, 3));
    const middleBefore = await timeQueries(client, mid, 'exhaustive', Math.min(repeats, 3));
    // A secretary's search: scoped to one provincial bloc's subtree (about 1/63 of the people).
    const { rows: blocs } = await client.query<{ id: string }>(`SELECT id FROM organisation WHERE depth = 1 ORDER BY id LIMIT 1`);
    const secretary: Scope | undefined = blocs[0] ? { kind: 'subtree', organisationId: blocs[0].id } : undefined;
    const scoped = secretary ? await timeQueries(client, 'collaborator', 'capped', repeats, secretary) : undefined;

    const plans: Record<string, string> = {};
    for (const q of SEARCH_QUERIES) plans[`capped: ${q}`] = await explain(client, q, 'capped');
    for (const [q] of slowestOf(before, 3)) plans[`exhaustive: ${q}`] = await explain(client, q, 'exhaustive');
    const slowest = slowestOf(after, 1)[0]!;
    const slowestBefore = slowestOf(before, 1)[0]!;
    const truncated = Object.entries(after.perQuery).filter(([, v]) => v.truncated).map(([q]) => q);

    const curve = costCurve(
      'search p50 ms vs collaborators',
      'collaborators',
      'p50 ms',
      [
        { size: smallRows, value: baseline.p50Ms },
        { size: midRows, value: middle.p50Ms },
        { size: total, value: after.p50Ms },
      ],
      {
        name: 'before: every match sorted (p50 ms)',
        points: [
          { size: smallRows, value: baselineBefore.p50Ms },
          { size: midRows, value: middleBefore.p50Ms },
          { size: total, value: before.p50Ms },
        ] satisfies CostPoint[],
      },
    );
    const atScale = total >= TARGET_COLLABORATORS;
    const met = after.p50Ms < TARGET_P50_MS;
    const n = (x: number) => x.toLocaleString('en');
    return {
      name: 'search',
      figures: {
        collaborators: total,
        queries: SEARCH_QUERIES.length,
        repeats,
        cap: SEARCH_CAP,
        settings: settings[0],
        before,
        after,
        secretaryScope: scoped && { organisationId: secretary!.kind === 'subtree' ? secretary!.organisationId : null, ...scoped },
        baseline: { rows: smallRows, ...baseline },
        tenth: { rows: midRows, ...middle },
        baselineBefore: { rows: smallRows, ...baselineBefore },
        tenthBefore: { rows: midRows, ...middleBefore },
        truncated,
        slowest: { query: slowest[0], ...slowest[1] },
        plans,
      },
      // Latency: lower is better, so the ratio is how many times slower than the 100× smaller table.
      ratio: after.p50Ms / Math.max(baseline.p50Ms, 0.001),
      target: { description: `search p50 < ${TARGET_P50_MS} ms at 5M collaborators`, met: met && atScale },
      targets: [{ id: 'search-p50', met, measured: `p50 ${after.p50Ms} ms, p99 ${after.p99Ms} ms at ${n(total)} collaborators (before the cap, same run: p50 ${before.p50Ms} ms, p99 ${before.p99Ms} ms)`, atTargetScale: atScale }],
      curves: [curve],
      note:
        `Capped search (list the first ${n(SEARCH_CAP)} matches the index finds, sorted; \`truncated: true\` beyond) vs the exhaustive sort it replaced, same run: ` +
        `p50 ${after.p50Ms} ms / p99 ${after.p99Ms} ms vs ${before.p50Ms} ms / ${before.p99Ms} ms (slowest before: "${slowestBefore[0]}" ${slowestBefore[1].p50Ms} ms). ` +
        `${truncated.length} of ${SEARCH_QUERIES.length} queries hit the cap (${truncated.map((q) => `"${q}"`).join(', ')}). ` +
        `Slowest after: "${slowest[0]}" ${slowest[1].p50Ms} ms` +
        '. Queries of two words or more read the search-terms GIN (word pairs, words, prefixes, suffixes: migration 1764500000000-CollaboratorSearchTerms), one-word queries the trigram GIN or a scan that stops at the cap. ' +
        (scoped ? `A secretary's search in one provincial bloc: p50 ${scoped.p50Ms} ms / p99 ${scoped.p99Ms} ms. ` : '') +
        `Settings: jit ${settings[0]?.jit}, shared_buffers ${settings[0]?.shared_buffers}, work_mem ${settings[0]?.work_mem}. Plans in the results file.`,
      summary: `p50 ${after.p50Ms} ms / p99 ${after.p99Ms} ms at ${n(total)} (before the cap: p50 ${before.p50Ms} ms / p99 ${before.p99Ms} ms) vs p50 ${baseline.p50Ms} ms / p99 ${baseline.p99Ms} ms at ${n(smallRows)} (ratio = times slower); slowest "${slowest[0]}" ${slowest[1].p50Ms} ms`,
    };
  } finally {
    await client.end();
  }
}
