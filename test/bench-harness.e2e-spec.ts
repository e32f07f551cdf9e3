/**
 * The bench harness's own parts against real Postgres: the COPY data generator (province shape,
 * ancestors, idempotency), the separate-process baseline servers with RSS sampling, and the pure
 * helpers (cost curves, SVG charts, README block).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyGrowth, costCurve, curveChart, growthExponent, runCostCurve } from '../bench/lib/cost-curve.js';
import { arrayLiteral, copyField, generateDataset, nationalSizes, nationalTree, rowId } from '../bench/lib/generate.js';
import { runLoad } from '../bench/lib/http-load.js';
import { END_MARKER, readRuns, renderLatestBlock, replaceBlock, START_MARKER, writeLatest, type RunFile } from '../bench/lib/readme.js';
import { measureServerRss } from '../bench/lib/rss.js';
import { startBaselineServer } from '../bench/lib/servers.js';
import { niceTicks, renderChart } from '../bench/lib/svg-chart.js';
import { percentile, search } from '../bench/scenarios/search.js';
import { deriveRng } from '../src/directory/demo/prng.js';
import { databaseUrl, dropDatabase } from './support/postgres.js';
import { createTestDatabase } from './support/test-app.js';

describe('bench data generator (COPY)', () => {
  let dbName: string;
  let url: string;
  let client: pg.Client;

  beforeAll(async () => {
    dbName = await createTestDatabase();
    url = databaseUrl(dbName);
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await dropDatabase(dbName);
  });

  it('loads the province directory, with consistent ancestors, and skips a second time', async () => {
    const first = await generateDataset(url, { scale: 'province' });
    expect(first.skipped).toBe(false);
    expect(first.sizes.collaborators).toBe(4300);
    expect(first.sizes.channels).toBeGreaterThan(200);
    expect(first.sizes.channelAdmins).toBeGreaterThan(0);
    const bad = await client.query(`
      SELECT count(*)::int n FROM organisation o
       WHERE o.ancestors[array_length(o.ancestors, 1)] <> o.id
          OR array_length(o.ancestors, 1) <> o.depth + 1
          OR (o.parent_id IS NOT NULL AND o.ancestors[1:array_length(o.ancestors, 1) - 1] <> (SELECT p.ancestors FROM organisation p WHERE p.id = o.parent_id))`);
    expect(bad.rows[0].n).toBe(0);
    // Search text is folded: a name with diacritics is found without them.
    const found = await client.query(`SELECT count(*)::int n FROM collaborator WHERE search LIKE '%' || f_fold('nguyen') || '%'`);
    expect(found.rows[0].n).toBeGreaterThan(100);

    const second = await generateDataset(url, { scale: 'province' });
    expect(second.skipped).toBe(true);
    expect(second.sizes).toEqual(first.sizes);
  });

  it('replaces a different dataset with a national one of the requested size', async () => {
    const report = await generateDataset(url, { scale: 'national', collaborators: 5000 });
    expect(report.skipped).toBe(false);
    expect(report.sizes).toMatchObject(nationalSizes(5000));
    const orphans = await client.query(`SELECT count(*)::int n FROM collaborator c LEFT JOIN organisation o ON o.id = c.organisation_id WHERE o.id IS NULL`);
    expect(orphans.rows[0].n).toBe(0);
    const badAdmins = await client.query(`SELECT count(*)::int n FROM channel_admin a LEFT JOIN collaborator c ON c.id = a.collaborator_id WHERE c.id IS NULL`);
    expect(badAdmins.rows[0].n).toBe(0);
    const indexes = await client.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'collaborator' ORDER BY 1`);
    expect(indexes.rows.map((r) => r.indexname)).toContain('collaborator_search_idx');
    const diacritics = await client.query(`SELECT count(*)::int n FROM collaborator WHERE full_name <> f_fold(full_name)`);
    expect(diacritics.rows[0].n).toBe(5000);
    expect((await generateDataset(url, { scale: 'national', collaborators: 5000 })).skipped).toBe(true);
  });

  it('measures the app\'s search SQL before and after the cap with EXPLAIN and a 100× smaller baseline, leaving the schema as migrated', async () => {
    const tablesBefore = await client.query(`SELECT count(*)::int n FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'collaborator'`);
    const result = await search({ scale: 'national', seconds: 1, env: { DATABASE_URL: url }, databaseUrl: url });
    const figures = result.figures as { before: { p50Ms: number }; after: { p50Ms: number; perQuery: Record<string, { rows: number }> }; baseline: { rows: number }; plans: Record<string, string> };
    expect(figures.baseline.rows).toBe(50);
    expect(figures.before.p50Ms).toBeGreaterThan(0);
    expect(figures.after.p50Ms).toBeGreaterThan(0);
    // the capped query finds what the exhaustive one finds on a small table (first page of 50)
    expect(Object.values(figures.after.perQuery).some((q) => q.rows > 0)).toBe(true);
    expect(Object.values(figures.plans)[0]).toMatch(/Execution Time/);
    expect(Object.keys(figures.plans).some((k) => k.startsWith('exhaustive: '))).toBe(true);
    expect(result.targets?.[0]).toMatchObject({ id: 'search-p50', atTargetScale: false });
    expect(result.curves?.[0]?.points).toHaveLength(3);
    expect(result.curves?.[0]?.baseline?.points).toHaveLength(3);
    const tablesAfter = await client.query(`SELECT count(*)::int n FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'collaborator'`);
    expect(tablesAfter.rows[0].n).toBe(tablesBefore.rows[0].n);
  });
});

describe('bench baseline servers (child processes)', () => {
  let dbName: string;
  beforeAll(async () => {
    dbName = await createTestDatabase();
  });
  afterAll(async () => {
    await dropDatabase(dbName);
  });

  it('serves the noop route from another process and samples its RSS', async () => {
    const server = await startBaselineServer('noop');
    try {
      expect(server.pid).not.toBe(process.pid);
      const { result, rss } = await measureServerRss(server.pid, () => runLoad(`${server.url}/noop`, { seconds: 1, connections: 4 }));
      expect(result.total).toBeGreaterThan(0);
      expect(result.non2xx).toBe(0);
      expect(rss.peakRssMb).toBeGreaterThan(10);
      expect(rss.hwmMb).toBeGreaterThanOrEqual(rss.peakRssMb);
    } finally {
      await server.stop();
    }
    expect(server.child.exitCode !== null || server.child.signalCode !== null).toBe(true);
  });

  it('updates one row per POST on the update baseline', async () => {
    const url = databaseUrl(dbName);
    const server = await startBaselineServer('update', { env: { DATABASE_URL: url }, poolSize: 2 });
    let total: number;
    try {
      const result = await runLoad(`${server.url}/update`, { method: 'POST', body: { any: 'thing' }, seconds: 1, connections: 4 });
      expect(result.non2xx).toBe(0);
      total = result.total;
    } finally {
      await server.stop();
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const hits = await client.query(`SELECT sum(hits)::int n FROM bench_counter`);
    await client.end();
    expect(hits.rows[0].n).toBeGreaterThanOrEqual(total);
  });
});

describe('bench helpers', () => {
  it('escapes COPY text fields and array literals', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField('a\tb\\c\nd')).toBe('a\\tb\\\\c\\nd');
    expect(copyField(3)).toBe('3');
    expect(arrayLiteral(['x', 'y'])).toBe('{"x","y"}');
    expect(rowId('c', 255)).toBe('c0000000-0000-4000-8000-0000000000ff');
  });

  it('builds a national tree whose parents come before their children', () => {
    const tree = nationalTree(1000, deriveRng(1, 'tree'));
    expect(tree).toHaveLength(1000);
    tree.forEach((node, i) => {
      if (i === 0) expect(node.parent).toBe(0);
      else {
        expect(node.parent).toBeGreaterThanOrEqual(1);
        expect(node.parent).toBeLessThanOrEqual(i);
        expect(node.depth).toBe(tree[node.parent - 1]!.depth + 1);
      }
    });
    expect(nationalSizes()).toEqual({ organisations: 60_000, collaborators: 5_000_000, channels: 300_000 });
  });

  it('classifies cost growth from the log-log slope', async () => {
    expect(growthExponent([{ size: 10, value: 1 }, { size: 100, value: 10 }, { size: 1000, value: 100 }])).toBeCloseTo(1);
    expect(classifyGrowth(0.05)).toBe('flat');
    expect(classifyGrowth(0.5)).toBe('sub-linear');
    expect(classifyGrowth(1)).toBe('linear');
    expect(classifyGrowth(2)).toBe('worse than linear');
    const curve = await runCostCurve('t', { size: 'rows', value: 'ms', baseline: 'copy' }, [1000, 10, 100], async (n) => ({ value: n * n, baseline: n }));
    expect(curve.points.map((p) => p.size)).toEqual([10, 100, 1000]);
    expect(curve.growth).toBe('worse than linear');
    expect(curve.baseline?.points).toHaveLength(3);
    await expect(runCostCurve('t', { size: 'rows', value: 'ms' }, [1, 2], async () => 1)).rejects.toThrow(/3\+ sizes/);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
  });

  it('renders SVG line and bar charts with escaped text', () => {
    const svg = renderChart(curveChart(costCurve('a < b', 'rows', 'ms', [{ size: 10, value: 1 }, { size: 100, value: 3 }, { size: 1000, value: 9 }])));
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('a &lt; b');
    expect(svg.match(/<circle /g)).toHaveLength(3);
    const bars = renderChart({ kind: 'bar', title: 'rps', yLabel: 'req/s', bars: [{ label: 'noop', value: 3000 }, { label: 'app', value: 1000 }] });
    expect(bars.match(/<rect /g)!.length).toBeGreaterThanOrEqual(4);
    expect(niceTicks(0, 97)).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it('rebuilds the README block from the newest result per scenario and marks targets', () => {
    const runs: RunFile[] = [
      { scale: 'national', at: '2026-01-01T00:00:00Z', results: [{ name: 'search', figures: {}, summary: 'old', targets: [{ id: 'search-p50', met: false, measured: 'p50 90 ms' }] }] },
      { scale: 'national', at: '2026-01-02T00:00:00Z', results: [{ name: 'search', figures: {}, summary: 'new', targets: [{ id: 'search-p50', met: true, measured: 'p50 20 ms' }] }] },
    ];
    const block = renderLatestBlock(runs, ['charts/x.svg']);
    expect(block).toContain('**PASS** | p50 20 ms');
    expect(block).not.toContain('| old |');
    expect(block).toContain('not measured yet');
    const readme = `# B\n\n${START_MARKER}\nstale\n${END_MARKER}\n\ntail\n`;
    const next = replaceBlock(readme, block);
    expect(next).not.toContain('stale');
    expect(next).toContain('tail');
    expect(replaceBlock('# B\n', block)).toContain(START_MARKER);
  });

  it('keeps the newest good result per scale and scenario under latest/, so runs from several branches fold into one block', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-latest-'));
    try {
      const search = (at: string, summary: string): RunFile => ({ scale: 'national', label: 'national', at, results: [{ name: 'search', figures: {}, summary }] });
      writeLatest(dir, search('2026-01-02T00:00:00Z', 'second'));
      writeLatest(dir, search('2026-01-01T00:00:00Z', 'first (older, ignored)'));
      writeLatest(dir, { scale: 'national', label: 'national', at: '2026-01-03T00:00:00Z', results: [{ name: 'search', figures: {}, summary: 'FAILED: boom' }] });
      // another engineer's scenario, and a timestamped run file that is not committed
      writeLatest(dir, { scale: 'province', label: 'province', at: '2026-01-01T00:00:00Z', results: [{ name: 'reports', figures: {}, summary: 'reports ok' }] });
      writeFileSync(join(dir, '2026-01-04-province.json'), JSON.stringify({ scale: 'province', label: 'province', at: '2026-01-04T00:00:00Z', results: [{ name: 'me-tasks', figures: {}, summary: 'inbox ok' }] }));
      expect(readdirSync(join(dir, 'latest')).sort()).toEqual(['national--search.json', 'province--reports.json']);
      const block = renderLatestBlock(readRuns(dir), []);
      expect(block).toContain('| second |');
      expect(block).not.toContain('first (older');
      expect(block).not.toContain('FAILED');
      expect(block).toContain('| reports ok |');
      expect(block).toContain('| inbox ok |');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
