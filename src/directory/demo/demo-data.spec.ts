import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseChannelUrl } from '../../channels/channel-url.util.js';
import { PLATFORMS } from '../../channels/platform.js';
import { foldVietnamese } from '../../common/text/vietnamese.util.js';
import { normaliseVietnamesePhone } from '../phone.util.js';
import {
  DEFAULT_DEMO_AS_OF,
  DEMO_COLLABORATOR_TAGS,
  type DemoDirectory,
  type DemoOrganisation,
  generateDemoDirectory,
  parseDemoOrganisations,
} from './demo-data.js';

const CSV = readFileSync(new URL('../../../data/demo-organisations.csv', import.meta.url), 'utf8');
const ORGS = parseDemoOrganisations(CSV);
const GRASSROOTS_KINDS = new Set(['grassroots_committee', 'grassroots_cell']);

function duplicates<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

function countBy<T>(values: readonly T[], key: (v: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(key(v), (counts.get(key(v)) ?? 0) + 1);
  return counts;
}

describe('parseDemoOrganisations', () => {
  it('reads the demo tree: bloc, 4 staff offices, 34 committees, 39 cells', () => {
    expect(ORGS).toHaveLength(78);
    const kinds = countBy(ORGS, (o) => o.kind);
    expect(Object.fromEntries(kinds)).toEqual({ bloc_committee: 1, staff_office: 4, grassroots_committee: 34, grassroots_cell: 39 });
    expect(ORGS[0]).toEqual({ code: 'KHOI', name: 'Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh', shortName: 'Đảng bộ Khối', kind: 'bloc_committee', parentCode: null });
    expect(ORGS.filter((o) => o.code !== 'KHOI').every((o) => o.parentCode === 'KHOI')).toBe(true);
  });

  it('keeps commas inside quoted fields', () => {
    expect(ORGS.find((o) => o.code === 'SVHTTDL')).toEqual({
      code: 'SVHTTDL',
      name: 'Đảng bộ Sở Văn hóa, Thể thao và Du lịch',
      shortName: 'Sở VH-TT&DL',
      kind: 'grassroots_committee',
      parentCode: 'KHOI',
    });
  });

  it('handles quotes, escaped quotes, line breaks in quotes, CRLF, a BOM, blank lines and any column order', () => {
    const csv =
      '\uFEFFkind,code,parent_code,short_name,name\r\n' +
      'bloc_committee,ROOT,,Khối,"Đảng bộ ""Khối"", tỉnh"\r\n' +
      '\r\n' +
      'grassroots_cell,C1,ROOT,"Chi bộ\nmột",Chi bộ Một\n' +
      'grassroots_cell, C2 ,ROOT,Hai,Chi bộ Hai';
    expect(parseDemoOrganisations(csv)).toEqual([
      { code: 'ROOT', name: 'Đảng bộ "Khối", tỉnh', shortName: 'Khối', kind: 'bloc_committee', parentCode: null },
      { code: 'C1', name: 'Chi bộ Một', shortName: 'Chi bộ\nmột', kind: 'grassroots_cell', parentCode: 'ROOT' },
      { code: 'C2', name: 'Chi bộ Hai', shortName: 'Hai', kind: 'grassroots_cell', parentCode: 'ROOT' },
    ]);
  });

  it('returns NFC text even from decomposed input', () => {
    const csv = 'code,name,short_name,kind,parent_code\nK,Đảng bộ Khối,Khối,bloc_committee,\n'.normalize('NFD');
    expect(parseDemoOrganisations(csv)[0]!.name).toBe('Đảng bộ Khối'.normalize('NFC'));
  });

  it.each([
    ['an empty file', ''],
    ['a missing column', 'code,name,kind,parent_code\nK,Khối,bloc_committee,\n'],
    ['a short row', 'code,name,short_name,kind,parent_code\nK,Khối,bloc_committee,\n'],
    ['an unknown kind', 'code,name,short_name,kind,parent_code\nK,Khối,Khối,province,\n'],
    ['a duplicate code', 'code,name,short_name,kind,parent_code\nK,A,A,bloc_committee,\nK,B,B,grassroots_cell,K\n'],
    ['an unknown parent', 'code,name,short_name,kind,parent_code\nK,A,A,bloc_committee,\nC,B,B,grassroots_cell,X\n'],
    ['an empty code', 'code,name,short_name,kind,parent_code\n,A,A,bloc_committee,\n'],
    ['an unterminated quote', 'code,name,short_name,kind,parent_code\nK,"A,A,bloc_committee,\n'],
    ['a stray quote', 'code,name,short_name,kind,parent_code\nK,A"B,A,bloc_committee,\n'],
  ])('throws on %s', (_label, csv) => {
    expect(() => parseDemoOrganisations(csv)).toThrow();
  });
});

describe('generateDemoDirectory', () => {
  const started = performance.now();
  const dir = generateDemoDirectory(ORGS);
  const elapsedMs = performance.now() - started;

  const orgByCode = new Map(dir.organisations.map((o) => [o.code, o]));
  const peopleByOrg = new Map<string, DemoDirectory['collaborators']>();
  for (const p of dir.collaborators) peopleByOrg.set(p.organisationCode, [...(peopleByOrg.get(p.organisationCode) ?? []), p]);

  it('generates 4,300 people well under a second', () => {
    expect(dir.collaborators).toHaveLength(4300);
    expect(elapsedMs).toBeLessThan(1000);
  });

  describe('organisations', () => {
    it('preserves all 73 grassroots units (and every other CSV row) exactly', () => {
      const grassroots = dir.organisations.filter((o) => GRASSROOTS_KINDS.has(o.kind));
      expect(grassroots).toHaveLength(73);
      expect(grassroots).toEqual(ORGS.filter((o) => GRASSROOTS_KINDS.has(o.kind)));
      for (const org of ORGS) expect(orgByCode.get(org.code)).toEqual(org);
    });

    it('has unique codes and parents that exist and come first', () => {
      expect(duplicates(dir.organisations.map((o) => o.code))).toEqual([]);
      const seen = new Set<string>();
      for (const org of dir.organisations) {
        if (org.parentCode !== null) expect(seen.has(org.parentCode)).toBe(true);
        seen.add(org.code);
      }
    });

    it('adds 2–4 affiliated cells under each of about 12 grassroots committees', () => {
      const cells = dir.organisations.filter((o) => o.kind === 'affiliated_cell');
      const perParent = countBy(cells, (o) => o.parentCode!);
      expect(perParent.size).toBeGreaterThanOrEqual(10);
      expect(perParent.size).toBeLessThanOrEqual(14);
      for (const [parentCode, n] of perParent) {
        expect(orgByCode.get(parentCode)!.kind).toBe('grassroots_committee');
        expect(n).toBeGreaterThanOrEqual(2);
        expect(n).toBeLessThanOrEqual(4);
      }
      for (const cell of cells) {
        const parent = orgByCode.get(cell.parentCode!)!;
        expect(cell.code).toMatch(new RegExp(`^${parent.code}-CB\\d{2}$`));
        expect(cell.name.startsWith('Chi bộ ')).toBe(true);
        expect(cell.name.endsWith(` – ${parent.shortName}`)).toBe(true);
        expect(cell.shortName.length).toBeGreaterThan(0);
      }
      // Within a committee the cells are distinct units.
      for (const parentCode of perParent.keys()) {
        const names = cells.filter((c) => c.parentCode === parentCode).map((c) => c.name);
        expect(duplicates(names)).toEqual([]);
      }
    });

    it('does not mutate its input', () => {
      const copy = structuredClone(ORGS);
      generateDemoDirectory(ORGS, { collaborators: 100 });
      expect(ORGS).toEqual(copy);
    });
  });

  describe('collaborators', () => {
    it('belong to existing units, never the bloc root, and every unit has people', () => {
      expect(dir.collaborators.filter((p) => orgByCode.get(p.organisationCode)?.parentCode == null)).toEqual([]);
      const nonRoot = dir.organisations.filter((o) => o.parentCode !== null);
      expect(nonRoot.filter((o) => !peopleByOrg.has(o.code)).map((o) => o.code)).toEqual([]);
    });

    it('weights committees well above cells and staff offices', () => {
      const avg = (kind: DemoOrganisation['kind']) => {
        const orgs = dir.organisations.filter((o) => o.kind === kind);
        return orgs.reduce((n, o) => n + (peopleByOrg.get(o.code)?.length ?? 0), 0) / orgs.length;
      };
      expect(avg('grassroots_committee')).toBeGreaterThan(2 * avg('grassroots_cell'));
      expect(avg('grassroots_committee')).toBeGreaterThan(2 * avg('staff_office'));
    });

    it('have unique CTV codes, phones and emails', () => {
      const codes = dir.collaborators.map((p) => p.code);
      expect(duplicates(codes)).toEqual([]);
      expect(codes.every((c) => /^CTV\d{5}$/.test(c))).toBe(true);
      expect(codes[0]).toBe('CTV00001');
      expect(duplicates(dir.collaborators.map((p) => p.phone))).toEqual([]);
      expect(duplicates(dir.collaborators.map((p) => p.email))).toEqual([]);
    });

    it('have +849/+843 mobiles that normaliseVietnamesePhone leaves unchanged', () => {
      const bad = dir.collaborators.filter((p) => !/^\+84[39]\d{8}$/.test(p.phone) || normaliseVietnamesePhone(p.phone) !== p.phone);
      expect(bad).toEqual([]);
    });

    it('have Vietnamese names and emails folded from them at example.org', () => {
      const bad = dir.collaborators.filter((p) => {
        const local = foldVietnamese(p.fullName).replace(/ /g, '');
        return (
          p.fullName.split(' ').length !== 3 ||
          p.fullName !== p.fullName.normalize('NFC') ||
          !p.email.startsWith(local) ||
          !/^[a-z]+\d+@example\.org$/.test(p.email) ||
          !/^\d+@/.test(p.email.slice(local.length))
        );
      });
      expect(bad).toEqual([]);
      expect(dir.collaborators.some((p) => /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(p.fullName))).toBe(true);
    });

    it('have known tags without duplicates, in canonical order, mostly party members', () => {
      const bad = dir.collaborators.filter(
        (p) => p.tags.length !== new Set(p.tags).size || JSON.stringify(p.tags) !== JSON.stringify(DEMO_COLLABORATOR_TAGS.filter((t) => p.tags.includes(t))),
      );
      expect(bad).toEqual([]);
      const partyShare = dir.collaborators.filter((p) => p.tags.includes('party_member')).length / dir.collaborators.length;
      expect(partyShare).toBeGreaterThan(0.7);
      expect(partyShare).toBeLessThan(1);
      for (const tag of DEMO_COLLABORATOR_TAGS) expect(dir.collaborators.some((p) => p.tags.includes(tag))).toBe(true);
    });

    it('joined on a real date within the five years before asOf', () => {
      const asOf = Date.parse(`${DEFAULT_DEMO_AS_OF}T00:00:00Z`);
      const fiveYearsAgo = Date.parse('2021-11-01T00:00:00Z');
      const bad = dir.collaborators.filter((p) => {
        const t = Date.parse(`${p.joinedOn}T00:00:00Z`);
        return (
          !/^\d{4}-\d{2}-\d{2}$/.test(p.joinedOn) ||
          Number.isNaN(t) ||
          new Date(t).toISOString().slice(0, 10) !== p.joinedOn ||
          t > asOf ||
          t < fiveYearsAgo
        );
      });
      expect(bad).toEqual([]);
      expect(new Set(dir.collaborators.map((p) => p.joinedOn.slice(0, 4))).size).toBeGreaterThanOrEqual(5);
    });

    it('have exactly one secretary per unit with people, titled as such', () => {
      for (const [code, people] of peopleByOrg) {
        const secretaries = people.filter((p) => p.isSecretary);
        expect(secretaries, code).toHaveLength(1);
        expect(secretaries[0]!.position.startsWith('Bí thư')).toBe(true);
        expect(secretaries[0]!.tags).toContain('party_member');
      }
      expect(dir.collaborators.filter((p) => !p.isSecretary).every((p) => !p.position.startsWith('Bí thư'))).toBe(true);
      const positions = new Set(dir.collaborators.map((p) => p.position));
      for (const pos of ['Chuyên viên', 'Đoàn viên', 'Phó Bí thư chi bộ', 'Phó Bí thư Đảng ủy', 'Bí thư Đảng ủy']) expect(positions).toContain(pos);
    });
  });

  describe('channels', () => {
    it('gives every organisation 1–4 channels on distinct platforms, and the bloc a Facebook page', () => {
      const perOrg = new Map<string, string[]>();
      for (const c of dir.channels) perOrg.set(c.organisationCode, [...(perOrg.get(c.organisationCode) ?? []), c.platform]);
      for (const org of dir.organisations) {
        const platforms = perOrg.get(org.code) ?? [];
        expect(platforms.length, org.code).toBeGreaterThanOrEqual(1);
        expect(platforms.length, org.code).toBeLessThanOrEqual(4);
        expect(duplicates(platforms)).toEqual([]);
      }
      expect(perOrg.get('KHOI')).toContain('facebook_page');
      expect(dir.channels.every((c) => orgByCode.has(c.organisationCode))).toBe(true);
      for (const platform of PLATFORMS) expect(dir.channels.some((c) => c.platform === platform)).toBe(true);
    });

    it('have URLs that normaliseChannelUrl leaves unchanged, all unique', () => {
      const bad = dir.channels.filter((c) => {
        const r = normaliseChannelUrl(c.platform, c.url);
        return !r.ok || r.url !== c.url;
      });
      expect(bad).toEqual([]);
      expect(duplicates(dir.channels.map((c) => c.url))).toEqual([]);
      expect(duplicates(dir.channels.map((c) => c.code))).toEqual([]);
    });

    it('have Vietnamese names that mention their organisation, and positive integer audiences', () => {
      for (const c of dir.channels) {
        const org = orgByCode.get(c.organisationCode)!;
        expect(c.name.includes(org.shortName) || c.name.includes(org.name)).toBe(true);
        expect(Number.isInteger(c.audienceSize)).toBe(true);
        expect(c.audienceSize).toBeGreaterThan(0);
        if (c.platform === 'zalo_group') expect(c.audienceSize).toBeLessThanOrEqual(1000);
      }
      expect(dir.channels.find((c) => c.organisationCode === 'KHOI' && c.platform === 'facebook_page')!.name).toBe('Fanpage Đảng bộ Khối');
    });

    it('are administered by 1–3 people of their own unit, or of the parent / bloc staff when the unit has none', () => {
      const byCode = new Map(dir.collaborators.map((p) => [p.code, p]));
      for (const c of dir.channels) {
        expect(c.adminCollaboratorCodes.length).toBeGreaterThanOrEqual(1);
        expect(c.adminCollaboratorCodes.length).toBeLessThanOrEqual(3);
        expect(duplicates(c.adminCollaboratorCodes)).toEqual([]);
        const org = orgByCode.get(c.organisationCode)!;
        for (const code of c.adminCollaboratorCodes) {
          const admin = byCode.get(code);
          expect(admin).toBeDefined();
          if (peopleByOrg.has(org.code)) expect(admin!.organisationCode).toBe(org.code);
          else if (org.parentCode === null) expect(orgByCode.get(admin!.organisationCode)!.kind).toBe('staff_office');
          else expect(admin!.organisationCode).toBe(org.parentCode);
        }
      }
    });
  });

  describe('determinism and options', () => {
    it('returns deep-equal output for the same seed and different output for another seed', () => {
      expect(generateDemoDirectory(ORGS)).toEqual(dir);
      expect(generateDemoDirectory(ORGS, { seed: 7 })).toEqual(generateDemoDirectory(ORGS, { seed: 7 }));
      const other = generateDemoDirectory(ORGS, { seed: 7 });
      expect(other.collaborators.map((p) => p.fullName)).not.toEqual(dir.collaborators.map((p) => p.fullName));
      expect(other.channels.map((c) => c.url)).not.toEqual(dir.channels.map((c) => c.url));
    });

    it('keeps the organisation tree when only the head-count changes', () => {
      expect(generateDemoDirectory(ORGS, { collaborators: 500 }).organisations).toEqual(dir.organisations);
    });

    it('holds its invariants for other seeds', () => {
      for (const seed of [1, 2, 3, 0xdeadbeef]) {
        const d = generateDemoDirectory(ORGS, { seed });
        expect(d.organisations.filter((o) => GRASSROOTS_KINDS.has(o.kind))).toHaveLength(73);
        expect(duplicates(d.collaborators.map((p) => p.phone))).toEqual([]);
        expect(duplicates(d.collaborators.map((p) => p.email))).toEqual([]);
        expect(duplicates(d.channels.map((c) => c.url))).toEqual([]);
        for (const c of d.channels) expect(normaliseChannelUrl(c.platform, c.url)).toEqual({ ok: true, url: c.url });
        const channelsPerOrg = countBy(d.channels, (c) => c.organisationCode);
        for (const o of d.organisations) expect(channelsPerOrg.get(o.code) ?? 0).toBeGreaterThanOrEqual(1);
        expect(d.channels.some((c) => c.organisationCode === 'KHOI' && c.platform === 'facebook_page')).toBe(true);
      }
    });

    it('honours a small head-count: exact total, a secretary per staffed unit, admins from the parent', () => {
      const d = generateDemoDirectory(ORGS, { collaborators: 60 });
      expect(d.collaborators).toHaveLength(60);
      const staffed = countBy(d.collaborators, (p) => p.organisationCode);
      const secretaries = countBy(
        d.collaborators.filter((p) => p.isSecretary),
        (p) => p.organisationCode,
      );
      expect([...secretaries.keys()].sort()).toEqual([...staffed.keys()].sort());
      expect([...secretaries.values()].every((n) => n === 1)).toBe(true);
      // With 60 people most units are empty, so the parent fallback is exercised.
      const byCode = new Map(d.collaborators.map((p) => [p.code, p]));
      const orgs = new Map(d.organisations.map((o) => [o.code, o]));
      const fallbacks = d.channels.filter((c) => !staffed.has(c.organisationCode));
      expect(fallbacks.length).toBeGreaterThan(0);
      for (const c of fallbacks) {
        expect(c.adminCollaboratorCodes.length).toBeGreaterThanOrEqual(1);
        const adminOrgs = c.adminCollaboratorCodes.map((code) => byCode.get(code)!.organisationCode);
        const org = orgs.get(c.organisationCode)!;
        const ancestors: string[] = [];
        for (let o = org; o.parentCode !== null; o = orgs.get(o.parentCode)!) ancestors.push(o.parentCode);
        // Nearest staffed ancestor first, else the bloc's staff offices, else (if they are empty too) anyone.
        const staffHavePeople = [...staffed.keys()].some((code) => orgs.get(code)!.kind === 'staff_office');
        for (const a of adminOrgs) {
          if (staffHavePeople) expect(ancestors.includes(a) || orgs.get(a)!.kind === 'staff_office').toBe(true);
        }
        const nearest = ancestors.find((a) => staffed.has(a));
        if (nearest !== undefined) expect(adminOrgs.every((a) => a === nearest)).toBe(true);
      }
    });

    it('generates an empty population without failing', () => {
      const d = generateDemoDirectory(ORGS, { collaborators: 0 });
      expect(d.collaborators).toEqual([]);
      expect(d.channels.length).toBeGreaterThanOrEqual(d.organisations.length);
      expect(d.channels.every((c) => c.adminCollaboratorCodes.length === 0)).toBe(true);
    });

    it('uses asOf for join dates', () => {
      const d = generateDemoDirectory(ORGS, { collaborators: 200, asOf: '2020-03-15' });
      expect(d.collaborators.every((p) => p.joinedOn >= '2015-03-15' && p.joinedOn <= '2020-03-15')).toBe(true);
    });

    it.each([
      [{ collaborators: -1 }],
      [{ collaborators: 1.5 }],
      [{ collaborators: Number.NaN }],
      [{ asOf: 'yesterday' }],
      [{ asOf: '2026-02-30x' }],
    ])('rejects bad options %j', (opts) => {
      expect(() => generateDemoDirectory(ORGS, opts)).toThrow(RangeError);
    });

    it('rejects duplicate organisation codes', () => {
      expect(() => generateDemoDirectory([...ORGS, ORGS[5]!])).toThrow();
    });
  });
});
