/**
 * Bench data generator, loading by COPY (pg-copy-streams) into the bench's own database.
 *
 * - province: the deterministic demo directory (src/directory/demo): 73 units, ~4,300 people,
 *   ~250 channels.
 * - national: 60,000 organisations (a tree: root → 63 provincial blocs → committees → cells, each
 *   row carrying its `ancestors` path), 5,000,000 collaborators with generated Vietnamese names
 *   (diacritics included, so search is realistic), 300,000 channels with 1–2 admins each. A lower
 *   `collaborators` count scales organisations and channels in proportion (mid-scale runs).
 *
 * Idempotent per database: when the tables already hold the requested sizes nothing is done;
 * when they hold something else they are emptied and regenerated. Ids are derived from row
 * numbers, so a rerun produces the same ids and related rows need no lookups.
 *
 * Share tasks (10M in mixed states) are not generated here: the fan-out scenario
 * (bench/scenarios/fanout.ts) creates them through the campaigns engine it measures, and the
 * scenarios that need tasks at scale (reports, me/tasks) take them from there.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { generateDemoDirectory, parseDemoOrganisations } from '../../src/directory/demo/demo-data.js';
import { generateVietnameseName } from '../../src/directory/demo/demo-names.js';
import { deriveRng, pick, randomInt, type Rng } from '../../src/directory/demo/prng.js';

export const NATIONAL = { organisations: 60_000, collaborators: 5_000_000, channels: 300_000 } as const;
const SEED = 20_261_126;

export interface DatasetSpec {
  scale: 'province' | 'national';
  /** National only: collaborators to generate (default 5,000,000); organisations and channels follow in proportion. */
  collaborators?: number;
}

export interface DatasetSizes {
  organisations: number;
  collaborators: number;
  channels: number;
  channelAdmins: number;
}

export interface GenerateReport {
  sizes: DatasetSizes;
  skipped: boolean;
  seconds: number;
  /** Seconds per phase (copy of each table, index rebuild). */
  phases: Record<string, number>;
}

export function nationalSizes(collaborators: number = NATIONAL.collaborators): Omit<DatasetSizes, 'channelAdmins'> {
  const ratio = collaborators / NATIONAL.collaborators;
  return {
    organisations: Math.max(100, Math.round(NATIONAL.organisations * ratio)),
    collaborators,
    channels: Math.max(10, Math.round(NATIONAL.channels * ratio)),
  };
}

/** A uuid-shaped id from a row number, per entity (`kind` is one hex digit). Same input, same id. */
export function rowId(kind: 'a' | 'b' | 'c', n: number): string {
  return `${kind}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** One field of COPY's text format. */
export function copyField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value !== 'string') return String(value);
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** A Postgres array literal for COPY text format (elements here hold no quotes or commas). */
export function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((i) => `"${i}"`).join(',')}}`;
}

type Row = ReadonlyArray<string | number | boolean | null | undefined>;

/** COPY `rows` into `table (columns)`, streaming with back-pressure in chunks of 2,000 rows. */
export async function copyRows(client: pg.Client | pg.PoolClient, table: string, columns: readonly string[], rows: Iterable<Row>): Promise<number> {
  let count = 0;
  function* chunks(): Generator<string> {
    let buffer: string[] = [];
    for (const row of rows) {
      buffer.push(row.map(copyField).join('\t'));
      count++;
      if (buffer.length === 2000) {
        yield `${buffer.join('\n')}\n`;
        buffer = [];
      }
    }
    if (buffer.length) yield `${buffer.join('\n')}\n`;
  }
  const sink = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks()), sink);
  return count;
}

async function currentSizes(client: pg.Client): Promise<DatasetSizes> {
  const { rows } = await client.query<{ o: string; c: string; ch: string; a: string }>(
    `SELECT (SELECT count(*) FROM organisation) o, (SELECT count(*) FROM collaborator) c,
            (SELECT count(*) FROM channel) ch, (SELECT count(*) FROM channel_admin) a`,
  );
  const r = rows[0]!;
  return { organisations: Number(r.o), collaborators: Number(r.c), channels: Number(r.ch), channelAdmins: Number(r.a) };
}

function projectRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return join(here, '..', '..', ...(import.meta.url.includes('/dist/') ? ['..'] : []));
}

/**
 * Drops the secondary indexes of `table`, runs `load`, and recreates them from their saved
 * definitions: building a GIN trigram index once is far cheaper than maintaining it per row.
 */
export async function withIndexesRebuilt(client: pg.Client, table: string, load: () => Promise<void>, phases: Record<string, number>): Promise<void> {
  const { rows } = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.schemaname = 'public' AND i.tablename = $1
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [table],
  );
  for (const r of rows) await client.query(`DROP INDEX ${r.indexname}`);
  await load();
  const started = performance.now();
  await client.query(`SET maintenance_work_mem = '512MB'`);
  for (const r of rows) await client.query(r.indexdef);
  phases[`${table}:indexes`] = seconds(started);
}

function seconds(since: number): number {
  return Math.round((performance.now() - since) / 10) / 100;
}

export async function generateDataset(databaseUrl: string, spec: DatasetSpec, log: (line: string) => void = () => undefined): Promise<GenerateReport> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'outreach-bench-generate' });
  await client.connect();
  const started = performance.now();
  const phases: Record<string, number> = {};
  try {
    await client.query('SET statement_timeout = 0');
    const before = await currentSizes(client);
    if (spec.scale === 'province') {
      const csv = readFileSync(join(projectRoot(), 'data/demo-organisations.csv'), 'utf8');
      const demo = generateDemoDirectory(parseDemoOrganisations(csv));
      const admins = demo.channels.reduce((n, c) => n + c.adminCollaboratorCodes.length, 0);
      const want = { organisations: demo.organisations.length, collaborators: demo.collaborators.length, channels: demo.channels.length, channelAdmins: admins };
      if (sameSizes(before, want)) return { sizes: before, skipped: true, seconds: seconds(started), phases };
      await emptyDirectory(client);
      await loadProvince(client, demo, phases);
    } else {
      const want = nationalSizes(spec.collaborators);
      if (before.organisations === want.organisations && before.collaborators === want.collaborators && before.channels === want.channels && before.channelAdmins > 0) {
        return { sizes: before, skipped: true, seconds: seconds(started), phases };
      }
      await emptyDirectory(client);
      await loadNational(client, want, phases, log);
    }
    await client.query('ANALYZE organisation, collaborator, channel, channel_admin');
    return { sizes: await currentSizes(client), skipped: false, seconds: seconds(started), phases };
  } finally {
    await client.end();
  }
}

function sameSizes(a: DatasetSizes, b: DatasetSizes): boolean {
  return a.organisations === b.organisations && a.collaborators === b.collaborators && a.channels === b.channels && a.channelAdmins === b.channelAdmins;
}

async function emptyDirectory(client: pg.Client): Promise<void> {
  // The bench database is the bench's own: tasks, users and audit rows referring to the old
  // directory go with it.
  await client.query('TRUNCATE organisation, collaborator, channel, channel_admin CASCADE');
}

async function loadProvince(client: pg.Client, demo: ReturnType<typeof generateDemoDirectory>, phases: Record<string, number>): Promise<void> {
  const orgIds = new Map<string, string>();
  demo.organisations.forEach((o, i) => orgIds.set(o.code, rowId('a', i + 1)));
  const byCode = new Map(demo.organisations.map((o) => [o.code, o]));
  const ancestorsOf = (code: string): string[] => {
    const path: string[] = [];
    for (let c: string | null = code; c !== null; c = byCode.get(c)!.parentCode) path.unshift(orgIds.get(c)!);
    return path;
  };
  // Parents before children: sort by depth.
  const orgs = demo.organisations.map((o) => ({ o, ancestors: ancestorsOf(o.code) })).sort((a, b) => a.ancestors.length - b.ancestors.length);
  let t = performance.now();
  await copyRows(
    client,
    'organisation',
    ['id', 'code', 'name', 'short_name', 'kind', 'parent_id', 'ancestors', 'depth', 'is_demo'],
    orgs.map(({ o, ancestors }) => [orgIds.get(o.code)!, o.code, o.name, o.shortName, o.kind, o.parentCode ? orgIds.get(o.parentCode)! : null, arrayLiteral(ancestors), ancestors.length - 1, true]),
  );
  phases.organisation = seconds(t);
  const personIds = new Map<string, string>();
  demo.collaborators.forEach((p, i) => personIds.set(p.code, rowId('c', i + 1)));
  t = performance.now();
  await copyRows(
    client,
    'collaborator',
    ['id', 'code', 'organisation_id', 'full_name', 'phone', 'email', 'position', 'tags', 'joined_on', 'is_demo'],
    demo.collaborators.map((p) => [personIds.get(p.code)!, p.code, orgIds.get(p.organisationCode)!, p.fullName, p.phone, p.email, p.position, arrayLiteral(p.tags), p.joinedOn, true]),
  );
  phases.collaborator = seconds(t);
  t = performance.now();
  await copyRows(
    client,
    'channel',
    ['id', 'code', 'organisation_id', 'platform', 'name', 'url', 'audience_size', 'is_demo'],
    demo.channels.map((c, i) => [rowId('b', i + 1), c.code, orgIds.get(c.organisationCode)!, c.platform, c.name, c.url, c.audienceSize, true]),
  );
  await copyRows(
    client,
    'channel_admin',
    ['channel_id', 'collaborator_id'],
    demo.channels.flatMap((c, i) => c.adminCollaboratorCodes.map((code) => [rowId('b', i + 1), personIds.get(code)!])),
  );
  phases.channel = seconds(t);
}

const BLOCS = 63;
const UNIT_WORDS = ['Sở Tài chính', 'Sở Y tế', 'Bệnh viện Đa khoa', 'Trường THPT', 'Ngân hàng', 'Công ty Điện lực', 'Báo', 'Sở Giáo dục', 'Kho bạc', 'Cục Thuế', 'Bưu điện', 'Công ty Cấp nước'];
const PLACES = ['Hà Nội', 'Huế', 'Đà Nẵng', 'Quảng Nam', 'Quảng Ngãi', 'Bình Định', 'Phú Yên', 'Khánh Hòa', 'Cần Thơ', 'Hải Phòng', 'Nghệ An', 'Thanh Hóa', 'Đắk Lắk', 'Lâm Đồng', 'Gia Lai'];
const PLATFORMS = ['facebook_page', 'facebook_group', 'zalo_group', 'zalo_oa', 'mocha_group', 'website'] as const;

interface OrgNode {
  parent: number; // 0 = none (row numbers start at 1)
  depth: number;
}

/** The national tree as parent row numbers: 1 root, 63 blocs, 15% committees, the rest cells. */
export function nationalTree(count: number, rng: Rng): OrgNode[] {
  const nodes: OrgNode[] = [{ parent: 0, depth: 0 }];
  const blocs = Math.min(BLOCS, Math.max(1, Math.floor((count - 1) / 10)));
  for (let i = 0; i < blocs; i++) nodes.push({ parent: 1, depth: 1 });
  const committees = Math.max(1, Math.round((count - 1 - blocs) * 0.15));
  const committeeStart = nodes.length + 1;
  for (let i = 0; i < committees && nodes.length < count; i++) nodes.push({ parent: randomInt(rng, 2, 1 + blocs), depth: 2 });
  const committeeEnd = nodes.length;
  while (nodes.length < count) nodes.push({ parent: randomInt(rng, committeeStart, committeeEnd), depth: 3 });
  return nodes;
}

async function loadNational(client: pg.Client, want: Omit<DatasetSizes, 'channelAdmins'>, phases: Record<string, number>, log: (line: string) => void): Promise<void> {
  // Ids are consistent by construction; per-row foreign-key triggers would double the load time.
  // Superuser-only; the bench database is local and its own.
  await client.query(`SET session_replication_role = replica`);
  const tree = nationalTree(want.organisations, deriveRng(SEED, 'tree'));
  const kinds = ['bloc_committee', 'bloc_committee', 'grassroots_committee', 'grassroots_cell'];
  const ancestors: string[][] = [];
  const orgRows = function* (): Generator<Row> {
    const rng = deriveRng(SEED, 'org-names');
    for (let i = 0; i < tree.length; i++) {
      const node = tree[i]!;
      const id = rowId('a', i + 1);
      const path = node.parent === 0 ? [id] : [...ancestors[node.parent - 1]!, id];
      ancestors.push(path);
      const place = pick(rng, PLACES);
      const name =
        node.depth === 0 ? 'Đảng bộ Khối Trung ương' : node.depth === 1 ? `Đảng bộ Khối ${place} ${i + 1}` : node.depth === 2 ? `Đảng bộ ${pick(rng, UNIT_WORDS)} ${place} ${i + 1}` : `Chi bộ ${pick(rng, UNIT_WORDS)} ${i + 1}`;
      yield [id, `NB-${String(i + 1).padStart(6, '0')}`, name, null, kinds[node.depth]!, node.parent ? rowId('a', node.parent) : null, arrayLiteral(path), node.depth, false];
    }
  };
  let t = performance.now();
  await copyRows(client, 'organisation', ['id', 'code', 'name', 'short_name', 'kind', 'parent_id', 'ancestors', 'depth', 'is_demo'], orgRows());
  phases.organisation = seconds(t);
  log(`  organisations: ${want.organisations} in ${phases.organisation}s`);

  // People sit in committees and cells (depth ≥ 2) where there are any.
  const firstMember = tree.findIndex((n) => n.depth >= 2) + 1 || 1;
  const peopleRows = function* (): Generator<Row> {
    const rng = deriveRng(SEED, 'people');
    for (let i = 1; i <= want.collaborators; i++) {
      const { fullName } = generateVietnameseName(rng);
      const org = randomInt(rng, firstMember, tree.length);
      const phone = `+849${String(Math.floor(rng() * 1e8)).padStart(8, '0')}`;
      yield [rowId('c', i), `NC-${String(i).padStart(7, '0')}`, rowId('a', org), fullName, phone, '{}', false];
    }
  };
  await withIndexesRebuilt(
    client,
    'collaborator',
    async () => {
      t = performance.now();
      await copyRows(client, 'collaborator', ['id', 'code', 'organisation_id', 'full_name', 'phone', 'tags', 'is_demo'], peopleRows());
      phases.collaborator = seconds(t);
      log(`  collaborators: ${want.collaborators} copied in ${phases.collaborator}s; rebuilding indexes…`);
    },
    phases,
  );
  log(`  collaborator indexes rebuilt in ${phases['collaborator:indexes']}s`);

  const channelRows = function* (): Generator<Row> {
    const rng = deriveRng(SEED, 'channels');
    for (let i = 1; i <= want.channels; i++) {
      const platform = PLATFORMS[i % PLATFORMS.length]!;
      const org = randomInt(rng, 1, tree.length);
      const url = platform === 'website' ? `https://bench-${i}.example.vn` : platform.startsWith('zalo') ? `https://zalo.me/g/bench${i}` : `https://www.facebook.com/bench.${i}`;
      yield [rowId('b', i), `NK-${String(i).padStart(6, '0')}`, rowId('a', org), platform, `Kênh ${pick(rng, UNIT_WORDS)} ${i}`, url, randomInt(rng, 50, 50_000), false];
    }
  };
  const adminRows = function* (): Generator<Row> {
    const rng = deriveRng(SEED, 'admins');
    for (let i = 1; i <= want.channels; i++) {
      const first = randomInt(rng, 1, want.collaborators);
      yield [rowId('b', i), rowId('c', first)];
      if (want.collaborators > 1 && rng() < 0.5) yield [rowId('b', i), rowId('c', (first % want.collaborators) + 1)];
    }
  };
  t = performance.now();
  await copyRows(client, 'channel', ['id', 'code', 'organisation_id', 'platform', 'name', 'url', 'audience_size', 'is_demo'], channelRows());
  await copyRows(client, 'channel_admin', ['channel_id', 'collaborator_id'], adminRows());
  phases.channel = seconds(t);
  log(`  channels: ${want.channels} with admins in ${phases.channel}s`);
  await client.query(`SET session_replication_role = origin`);
}
