/**
 * Deterministic demo directory: the organisation tree from data/demo-organisations.csv, plus generated
 * affiliated cells, collaborators and channels. Same seed → same data, so demos and screenshots
 * are reproducible and seeding is idempotent.
 */
import { foldVietnamese, toNfc } from '../../common/text/vietnamese.util.js';
import { generateDemoChannels } from './demo-channels.js';
import { generateVietnameseName } from './demo-names.js';
import type {
  DemoCollaborator,
  DemoCollaboratorTag,
  DemoDirectory,
  DemoDirectoryOptions,
  DemoOrganisation,
  DemoOrganisationKind,
  DemoSector,
} from './demo-types.js';
import { DEMO_COLLABORATOR_TAGS, DEMO_ORGANISATION_KINDS } from './demo-types.js';
import { chance, deriveRng, pick, randomInt, randomString, type Rng, sample, weightedPicker } from './prng.js';

export * from './demo-types.js';

export const DEFAULT_DEMO_SEED = 20_250_101;
export const DEFAULT_DEMO_COLLABORATORS = 4300;
export const DEFAULT_DEMO_AS_OF = '2026-11-01';

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/** RFC 4180-style rows: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let fieldStarted = false;
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;

  const endRow = () => {
    row.push(field);
    // Blank lines (a single empty, unquoted field) are not records.
    if (!(row.length === 1 && row[0] === '' && !fieldStarted)) rows.push(row);
    row = [];
    field = '';
    fieldStarted = false;
  };

  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (inQuotes) {
      if (ch !== '"') field += ch;
      else if (s[i + 1] === '"') {
        field += '"';
        i++;
      } else inQuotes = false;
    } else if (ch === '"') {
      if (field !== '') throw new Error(`CSV: unexpected quote inside an unquoted field near "${field}"`);
      inQuotes = true;
      fieldStarted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      fieldStarted = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      endRow();
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (inQuotes) throw new Error('CSV: unterminated quoted field');
  if (field !== '' || row.length > 0 || fieldStarted) endRow();
  return rows;
}

const REQUIRED_COLUMNS = ['code', 'name', 'short_name', 'kind', 'parent_code'] as const;

function isDemoOrganisationKind(value: string): value is DemoOrganisationKind {
  return (DEMO_ORGANISATION_KINDS as readonly string[]).includes(value);
}

/**
 * Parses demo-organisations.csv (columns code,name,short_name,kind,parent_code in any order).
 * Throws on malformed input: seeding from a half-read file would be worse than failing.
 */
export function parseDemoOrganisations(csvText: string): DemoOrganisation[] {
  const rows = parseCsvRows(csvText);
  const header = rows[0]?.map((h) => h.trim().toLowerCase());
  if (header === undefined) throw new Error('CSV: no header row');
  const index = Object.fromEntries(
    REQUIRED_COLUMNS.map((col) => {
      const i = header.indexOf(col);
      if (i === -1) throw new Error(`CSV: missing column "${col}"`);
      return [col, i];
    }),
  ) as Record<(typeof REQUIRED_COLUMNS)[number], number>;

  const orgs: DemoOrganisation[] = [];
  const codes = new Set<string>();
  rows.slice(1).forEach((row, i) => {
    const line = i + 2;
    if (row.length !== header.length) throw new Error(`CSV line ${line}: expected ${header.length} fields, got ${row.length}`);
    const get = (col: (typeof REQUIRED_COLUMNS)[number]) => toNfc(row[index[col]]!.trim());
    const code = get('code');
    const kind = get('kind');
    if (code === '') throw new Error(`CSV line ${line}: empty code`);
    if (codes.has(code)) throw new Error(`CSV line ${line}: duplicate code ${code}`);
    if (!isDemoOrganisationKind(kind)) throw new Error(`CSV line ${line}: unknown kind "${kind}"`);
    codes.add(code);
    orgs.push({ code, name: get('name'), shortName: get('short_name'), kind, parentCode: get('parent_code') || null });
  });
  for (const org of orgs) {
    if (org.parentCode !== null && !codes.has(org.parentCode)) throw new Error(`CSV: ${org.code} has unknown parent ${org.parentCode}`);
  }
  return orgs;
}

// ---------------------------------------------------------------------------------------------
// Organisation structure
// ---------------------------------------------------------------------------------------------

function sectorOf(name: string): DemoSector {
  if (/Báo |Đài Phát thanh/.test(name)) return 'press';
  // Hospitals and schools, not the departments that oversee them (Sở Y tế is an office).
  if (/Bệnh viện|Kiểm soát bệnh tật/.test(name)) return 'health';
  if (/Trường /.test(name)) return 'education';
  if (/Agribank|Vietcombank|BIDV|VietinBank/.test(name)) return 'bank';
  if (/Công ty|Viễn thông|Viettel|MobiFone|Bưu điện|Điện lực/.test(name)) return 'enterprise';
  return 'government';
}

// Sub-units named after how such organisations are really divided.
const AFFILIATED_CELL_UNITS: Record<DemoSector, readonly string[]> = {
  government: ['Văn phòng', 'Phòng Tổ chức - Hành chính', 'Phòng Kế hoạch - Tài chính', 'Phòng Nghiệp vụ', 'Thanh tra', 'Phòng Quản lý', 'Phòng Pháp chế'],
  health: ['Khối Nội', 'Khối Ngoại', 'Khoa Khám bệnh', 'Khối Cận lâm sàng', 'Phòng Điều dưỡng', 'Phòng Hành chính - Quản trị'],
  education: ['Khoa Sư phạm', 'Khoa Kinh tế', 'Khoa Kỹ thuật - Công nghệ', 'Phòng Đào tạo', 'Sinh viên', 'Phòng Hành chính - Tổng hợp'],
  press: ['Ban Thời sự', 'Ban Biên tập', 'Ban Kỹ thuật', 'Phòng Hành chính - Trị sự', 'Ban Điện tử'],
  bank: ['Phòng Khách hàng', 'Phòng Kế toán - Ngân quỹ', 'Phòng Quản lý rủi ro', 'Phòng Giao dịch Tuy Hòa', 'Phòng Tổng hợp'],
  enterprise: ['Phòng Kỹ thuật', 'Phòng Kinh doanh', 'Phòng Tổ chức - Hành chính', 'Phân xưởng Sản xuất', 'Phòng Tài chính - Kế toán'],
};

/** Relative headcount by kind; committees are several times larger than cells. */
const SIZE_RANGE: Record<DemoOrganisationKind, readonly [number, number]> = {
  bloc_committee: [0, 0], // the bloc's people sit in its staff offices
  staff_office: [8, 15],
  grassroots_committee: [40, 120],
  grassroots_cell: [12, 35],
  affiliated_cell: [10, 30],
};

const COMMITTEES_WITH_AFFILIATED_CELLS = 12;

function isRoot(org: DemoOrganisation): boolean {
  return org.parentCode === null;
}

/** Adds 2–4 affiliated cells under each of the largest grassroots committees; returns weights too. */
function buildStructure(orgs: readonly DemoOrganisation[], rng: Rng): { organisations: DemoOrganisation[]; weights: Map<string, number> } {
  const weights = new Map<string, number>();
  for (const org of orgs) {
    const [lo, hi] = SIZE_RANGE[org.kind];
    weights.set(org.code, isRoot(org) ? 0 : randomInt(rng, lo, hi));
  }
  const largest = new Set(
    orgs
      .filter((o) => o.kind === 'grassroots_committee')
      .sort((a, b) => weights.get(b.code)! - weights.get(a.code)! || (a.code < b.code ? -1 : 1))
      .slice(0, COMMITTEES_WITH_AFFILIATED_CELLS)
      .map((o) => o.code),
  );

  const taken = new Set(orgs.map((o) => o.code));
  const organisations: DemoOrganisation[] = [];
  for (const org of orgs) {
    organisations.push({ ...org });
    if (!largest.has(org.code)) continue;
    const units = sample(rng, AFFILIATED_CELL_UNITS[sectorOf(org.name)], randomInt(rng, 2, 4));
    let n = 0;
    for (const unit of units) {
      let code: string;
      do code = `${org.code}-CB${String(++n).padStart(2, '0')}`;
      while (taken.has(code));
      taken.add(code);
      organisations.push({
        code,
        name: `Chi bộ ${unit} – ${org.shortName}`,
        shortName: `Chi bộ ${unit}`,
        kind: 'affiliated_cell',
        parentCode: org.code,
      });
      const [lo, hi] = SIZE_RANGE.affiliated_cell;
      weights.set(code, randomInt(rng, lo, hi));
    }
  }
  return { organisations, weights };
}

/** Largest-remainder apportionment, so the counts add up to exactly `total`. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const quotas = weights.map((w) => (total * w) / sum);
  const counts = quotas.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = quotas.map((q, i) => [q - Math.floor(q), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Collaborators
// ---------------------------------------------------------------------------------------------

// Current (post-2018) mobile prefixes; +849x and +843x are by far the most common.
const MOBILE_PREFIXES = ['90', '91', '93', '94', '96', '97', '98', '99', '32', '33', '34', '35', '36', '37', '38', '39'] as const;

const COMMON_POSITIONS: ReadonlyArray<readonly [string, number]> = [
  ['Chuyên viên', 30],
  ['Đảng viên', 14],
  ['Cán bộ', 10],
  ['Nhân viên', 10],
  ['Đoàn viên', 8],
  ['Phó Trưởng phòng', 8],
  ['Trưởng phòng', 5],
  ['Kế toán', 4],
  ['Cấp ủy viên', 3],
];

const SECTOR_POSITIONS: Record<DemoSector, ReadonlyArray<readonly [string, number]>> = {
  government: [],
  health: [
    ['Bác sĩ', 25],
    ['Điều dưỡng', 20],
  ],
  education: [
    ['Giảng viên', 35],
    ['Giáo viên', 10],
  ],
  press: [
    ['Phóng viên', 35],
    ['Biên tập viên', 20],
  ],
  bank: [['Giao dịch viên', 25]],
  enterprise: [
    ['Kỹ sư', 15],
    ['Công nhân', 10],
  ],
};

const POSITION_PICKERS = Object.fromEntries(
  (Object.keys(SECTOR_POSITIONS) as DemoSector[]).map((sector) => [sector, weightedPicker([...COMMON_POSITIONS, ...SECTOR_POSITIONS[sector]])]),
) as Record<DemoSector, (rng: Rng) => string>;

const DAY_MS = 86_400_000;
const FIVE_YEARS_DAYS = 5 * 365;

function parseAsOf(asOf: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(asOf) ? Date.parse(`${asOf}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) throw new RangeError(`asOf must be a YYYY-MM-DD date, got "${asOf}"`);
  return ms;
}

function tagsFor(rng: Rng, sector: DemoSector, position: string, leader: boolean, org: DemoOrganisation): DemoCollaboratorTag[] {
  const tags = new Set<DemoCollaboratorTag>();
  const youth = position === 'Đoàn viên';
  if (leader || chance(rng, youth ? 0.4 : 0.88)) tags.add('party_member');
  if (sector === 'enterprise' || sector === 'bank') {
    if (chance(rng, 0.92)) tags.add('employee');
  } else if (chance(rng, 0.85)) tags.add('civil_servant');
  if (chance(rng, 0.65)) tags.add('union_member');
  if (youth || chance(rng, 0.18)) tags.add('youth_union_member');
  if (position === 'Phóng viên' || position === 'Biên tập viên' || chance(rng, sector === 'press' ? 0.5 : 0.01)) tags.add('reporter');
  // The propaganda office's own staff are the core communicators.
  if (chance(rng, org.code === 'BTG-DUK' ? 0.7 : 0.2)) tags.add('communicator');
  return DEMO_COLLABORATOR_TAGS.filter((t) => tags.has(t));
}

function generateCollaborators(
  units: ReadonlyArray<{ org: DemoOrganisation; sector: DemoSector; count: number }>,
  rng: Rng,
  asOfMs: number,
): DemoCollaborator[] {
  const people: DemoCollaborator[] = [];
  const phones = new Set<string>();
  const emailCounts = new Map<string, number>();
  const total = units.reduce((a, u) => a + u.count, 0);
  const codeWidth = Math.max(5, String(total).length);

  for (const { org, sector, count } of units) {
    if (count === 0) continue;
    const secretary = randomInt(rng, 0, count - 1);
    // Larger units also have a deputy secretary.
    const deputy = count >= 6 ? (secretary + randomInt(rng, 1, count - 1)) % count : -1;
    const leaderTitle = org.kind === 'grassroots_committee' ? 'Đảng ủy' : 'chi bộ';

    for (let i = 0; i < count; i++) {
      const { fullName } = generateVietnameseName(rng);

      let phone: string;
      do phone = `+84${pick(rng, MOBILE_PREFIXES)}${randomString(rng, '0123456789', 7)}`;
      while (phones.has(phone));
      phones.add(phone);

      const base = foldVietnamese(fullName).replace(/[^a-z0-9]/g, '');
      const n = (emailCounts.get(base) ?? 0) + 1;
      emailCounts.set(base, n);

      const position =
        i === secretary ? `Bí thư ${leaderTitle}` : i === deputy ? `Phó Bí thư ${leaderTitle}` : POSITION_PICKERS[sector](rng);
      const joinedOn = new Date(asOfMs - randomInt(rng, 0, FIVE_YEARS_DAYS) * DAY_MS).toISOString().slice(0, 10);

      people.push({
        code: `CTV${String(people.length + 1).padStart(codeWidth, '0')}`,
        organisationCode: org.code,
        fullName,
        phone,
        email: `${base}${n}@example.org`,
        position,
        tags: tagsFor(rng, sector, position, i === secretary || i === deputy, org),
        joinedOn,
        isSecretary: i === secretary,
      });
    }
  }
  return people;
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/**
 * Generates the demo directory from the parsed organisation tree. Pure and deterministic:
 * the result depends only on `orgs` and the options.
 */
export function generateDemoDirectory(orgs: readonly DemoOrganisation[], opts: DemoDirectoryOptions = {}): DemoDirectory {
  const seed = opts.seed ?? DEFAULT_DEMO_SEED;
  const total = opts.collaborators ?? DEFAULT_DEMO_COLLABORATORS;
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`collaborators must be a non-negative integer, got ${total}`);
  const asOfMs = parseAsOf(opts.asOf ?? DEFAULT_DEMO_AS_OF);
  if (new Set(orgs.map((o) => o.code)).size !== orgs.length) throw new Error('organisation codes must be unique');

  const { organisations, weights } = buildStructure(orgs, deriveRng(seed, 'structure'));

  // Affiliated cells take the sector of their committee, so a hospital's cells hire doctors.
  const byCode = new Map(organisations.map((o) => [o.code, o]));
  const sectors = new Map<string, DemoSector>();
  for (const org of organisations) {
    const source = org.kind === 'affiliated_cell' && org.parentCode !== null ? byCode.get(org.parentCode)! : org;
    sectors.set(org.code, sectorOf(source.name));
  }

  const counts = apportion(
    total,
    organisations.map((o) => weights.get(o.code)!),
  );
  const units = organisations.map((org, i) => ({ org, sector: sectors.get(org.code)!, count: counts[i]! }));
  const collaborators = generateCollaborators(units, deriveRng(seed, 'people'), asOfMs);

  const peopleByOrg = new Map<string, DemoCollaborator[]>();
  for (const person of collaborators) {
    const list = peopleByOrg.get(person.organisationCode);
    if (list === undefined) peopleByOrg.set(person.organisationCode, [person]);
    else list.push(person);
  }
  const channels = generateDemoChannels(organisations, sectors, peopleByOrg, deriveRng(seed, 'channels'));

  return { organisations, collaborators, channels };
}
