/**
 * Demo channels: 1–4 per organisation on plausible platforms, with URLs already in
 * normaliseChannelUrl's canonical form and admins drawn from the unit (or its nearest staffed ancestor).
 */
import type { Platform } from '../../channels/platform.js';
import { foldVietnamese } from '../../common/text/vietnamese.util.js';
import type { DemoChannel, DemoCollaborator, DemoOrganisation, DemoOrganisationKind, DemoSector } from './demo-types.js';
import { randomInt, randomString, type Rng, sample, weightedPicker } from './prng.js';

function isRoot(org: DemoOrganisation): boolean {
  return org.parentCode === null;
}

const PROVINCE_SLUG = 'phuyen';

const CHANNEL_COUNT: Record<DemoOrganisationKind, readonly [number, number]> = {
  bloc_committee: [3, 4],
  staff_office: [1, 2],
  grassroots_committee: [2, 4],
  grassroots_cell: [1, 3],
  affiliated_cell: [1, 2],
};

const PLATFORM_WEIGHTS: Record<DemoOrganisationKind, ReadonlyArray<readonly [Platform, number]>> = {
  bloc_committee: [
    ['website', 5],
    ['zalo_oa', 4],
    ['zalo_group', 3],
    ['facebook_group', 2],
  ],
  staff_office: [
    ['zalo_group', 5],
    ['facebook_group', 2],
    ['facebook_page', 1],
  ],
  grassroots_committee: [
    ['facebook_page', 5],
    ['zalo_group', 5],
    ['website', 3],
    ['facebook_group', 2],
    ['zalo_oa', 1.5],
    ['mocha_group', 1],
  ],
  grassroots_cell: [
    ['zalo_group', 5],
    ['facebook_page', 2],
    ['facebook_group', 2],
    ['website', 1],
    ['mocha_group', 0.7],
  ],
  affiliated_cell: [
    ['zalo_group', 6],
    ['facebook_group', 2],
    ['mocha_group', 0.5],
  ],
};

const PLATFORM_ORDER: readonly Platform[] = ['facebook_page', 'facebook_group', 'zalo_group', 'zalo_oa', 'mocha_group', 'website'];

/** Weighted draw of k distinct platforms. */
function pickPlatforms(rng: Rng, weights: ReadonlyArray<readonly [Platform, number]>, k: number): Platform[] {
  const pool = weights.slice();
  const chosen: Platform[] = [];
  while (chosen.length < k && pool.length > 0) {
    const platform = weightedPicker(pool)(rng);
    chosen.push(platform);
    pool.splice(
      pool.findIndex(([p]) => p === platform),
      1,
    );
  }
  return chosen;
}

/** "Sở Y tế" → "soyte"; "Sở GD&ĐT" → "sogddt"; drops "tỉnh", which every provincial body has. */
function compactSlug(shortName: string): string {
  return foldVietnamese(shortName)
    .split(' ')
    .filter((t) => t !== 'tinh')
    .join('')
    .replace(/[^a-z0-9]/g, '');
}

function channelName(platform: Platform, org: DemoOrganisation): string {
  switch (platform) {
    case 'facebook_page':
      return `Fanpage ${org.shortName}`;
    case 'facebook_group':
      return `Nhóm Facebook ${org.name}`;
    case 'zalo_group':
      return `Nhóm Zalo ${org.name}`;
    case 'zalo_oa':
      return `Zalo OA ${org.shortName}`;
    case 'mocha_group':
      return `Nhóm Mocha ${org.name}`;
    case 'website':
      return org.kind === 'bloc_committee' ? `Cổng thông tin điện tử ${org.shortName}` : `Trang thông tin điện tử ${org.shortName}`;
  }
}

const DIGITS = '0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Builds a URL already in normaliseChannelUrl's canonical form; `taken` keeps them unique. */
function channelUrl(rng: Rng, platform: Platform, org: DemoOrganisation, sector: DemoSector, taken: Set<string>): string {
  const slug = compactSlug(org.shortName) || org.code.toLowerCase().replace(/[^a-z0-9]/g, '');
  const withSuffix = (make: (suffix: string) => string): string => {
    for (let n = 1; ; n++) {
      const url = make(n === 1 ? '' : String(n));
      if (!taken.has(url)) return url;
    }
  };
  const random = (make: () => string): string => {
    let url: string;
    do url = make();
    while (taken.has(url));
    return url;
  };
  const nonZero = () => randomString(rng, '123456789', 1);

  let url: string;
  switch (platform) {
    case 'facebook_page': {
      const page = slug.includes(PROVINCE_SLUG) ? slug : `${slug}${PROVINCE_SLUG}`;
      url = withSuffix((s) => `https://facebook.com/${page}${s}`);
      break;
    }
    case 'facebook_group':
      url = random(() => `https://facebook.com/groups/${nonZero()}${randomString(rng, DIGITS, 14)}`);
      break;
    case 'zalo_group':
      url = random(() => `https://zalo.me/g/${randomString(rng, LOWER_ALNUM, 9)}`);
      break;
    case 'zalo_oa':
      url = random(() => `https://zalo.me/${nonZero()}${randomString(rng, DIGITS, 18)}`);
      break;
    case 'mocha_group':
      url = random(() => `https://mocha.com.vn/groups/${nonZero()}${randomString(rng, DIGITS, 7)}`);
      break;
    case 'website': {
      // State bodies live under the province's gov.vn; newspapers and companies have their own domains.
      const own = slug.includes(PROVINCE_SLUG) ? slug : `${slug}${PROVINCE_SLUG}`;
      if (sector === 'enterprise' || sector === 'bank') url = withSuffix((s) => `https://${own}${s}.com.vn`);
      else if (sector === 'press') url = withSuffix((s) => `https://${own}${s}.vn`);
      else url = withSuffix((s) => `https://${slug.replace(PROVINCE_SLUG, '') || 'portal'}${s}.${PROVINCE_SLUG}.gov.vn`);
      break;
    }
  }
  taken.add(url);
  return url;
}

function audienceSize(rng: Rng, platform: Platform, org: DemoOrganisation, people: number): number {
  const big = org.kind === 'bloc_committee' || org.kind === 'grassroots_committee';
  switch (platform) {
    case 'facebook_page':
      return org.kind === 'bloc_committee' ? randomInt(rng, 15_000, 40_000) : big ? randomInt(rng, 1_500, 20_000) : randomInt(rng, 300, 5_000);
    case 'facebook_group':
      return randomInt(rng, Math.max(50, people), Math.max(200, people * 8));
    case 'zalo_group':
      // A Zalo group holds at most 1,000 members; most are the unit's own people plus a few guests.
      return Math.min(1_000, people + randomInt(rng, 3, 20 + Math.floor(people / 2)));
    case 'zalo_oa':
      return randomInt(rng, 1_000, 30_000);
    case 'mocha_group':
      return randomInt(rng, 50, 1_500);
    case 'website':
      return randomInt(rng, 2_000, 80_000);
  }
}

/** Channels for every organisation, in organisation order; `peopleByOrg` supplies the admins. */
export function generateDemoChannels(
  organisations: readonly DemoOrganisation[],
  sectors: ReadonlyMap<string, DemoSector>,
  peopleByOrg: ReadonlyMap<string, readonly DemoCollaborator[]>,
  rng: Rng,
): DemoChannel[] {
  const byCode = new Map(organisations.map((o) => [o.code, o]));
  const bloc = organisations.find(isRoot);
  // The bloc has no people of its own; its staff offices run its channels.
  const blocStaff = organisations
    .filter((o) => o.kind === 'staff_office' && o.parentCode === bloc?.code)
    .flatMap((o) => peopleByOrg.get(o.code) ?? []);
  const everyone = organisations.flatMap((o) => peopleByOrg.get(o.code) ?? []);

  /** Own people, else the nearest ancestor's, else the bloc's staff, else anyone. */
  const adminPool = (org: DemoOrganisation): readonly DemoCollaborator[] => {
    for (let o: DemoOrganisation | undefined = org; o !== undefined; o = o.parentCode === null ? undefined : byCode.get(o.parentCode)) {
      const people = peopleByOrg.get(o.code);
      if (people !== undefined && people.length > 0) return people;
    }
    return blocStaff.length > 0 ? blocStaff : everyone;
  };

  const taken = new Set<string>();
  const channels: DemoChannel[] = [];
  for (const org of organisations) {
    const [lo, hi] = CHANNEL_COUNT[org.kind];
    const count = randomInt(rng, lo, hi);
    const platforms = isRoot(org)
      ? ['facebook_page' as const, ...pickPlatforms(rng, PLATFORM_WEIGHTS[org.kind], count - 1)]
      : pickPlatforms(rng, PLATFORM_WEIGHTS[org.kind], count);
    platforms.sort((a, b) => PLATFORM_ORDER.indexOf(a) - PLATFORM_ORDER.indexOf(b));

    const sector = sectors.get(org.code)!;
    const people = peopleByOrg.get(org.code)?.length ?? 0;
    const pool = adminPool(org);
    for (const platform of platforms) {
      const admins = pool.length === 0 ? [] : sample(rng, pool, randomInt(rng, 1, Math.min(3, pool.length)));
      channels.push({
        code: `KENH${String(channels.length + 1).padStart(4, '0')}`,
        organisationCode: org.code,
        platform,
        name: channelName(platform, org),
        url: channelUrl(rng, platform, org, sector, taken),
        audienceSize: audienceSize(rng, platform, org, people),
        adminCollaboratorCodes: admins.map((p) => p.code).sort(),
      });
    }
  }
  return channels;
}
