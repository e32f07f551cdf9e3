import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkProofUrl, MAX_URL_LENGTH, normaliseChannelUrl } from './channel-url.util.js';
import { isPlatform, PLATFORMS, type Platform } from './platform.js';

function okUrl(platform: Platform, raw: string): string {
  const result = normaliseChannelUrl(platform, raw);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be accepted as ${platform}: ${result.reason}`);
  return result.url;
}

function rejected(platform: Platform, raw: string): boolean {
  const result = normaliseChannelUrl(platform, raw);
  if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
  return !result.ok;
}

/** Inputs no platform may accept, for channels and proofs alike. */
const UNSAFE_OR_NON_PUBLIC: ReadonlyArray<[string, string]> = [
  ['empty', ''],
  ['blank', '   '],
  ['javascript scheme', 'javascript:alert(1)'],
  ['javascript scheme, mixed case', 'JaVaScRiPt:alert(document.cookie)'],
  ['javascript scheme behind whitespace', '  javascript:alert(1)'],
  ['data scheme', 'data:text/html;base64,PHNjcmlwdD4='],
  ['mailto', 'mailto:so.yte@example.org'],
  ['ftp', 'ftp://example.org/file'],
  ['file', 'file:///etc/passwd'],
  ['vbscript', 'vbscript:msgbox(1)'],
  ['user and password', 'https://user:secret@facebook.com/soyte'],
  ['user only', 'https://user@zalo.me/g/abcdef123'],
  ['empty user', 'https://@mocha.com.vn/g/abc'],
  ['host disguised as user', 'https://facebook.com@evil.example.org/soyte'],
  ['localhost', 'http://localhost/soyte'],
  ['localhost with port, no scheme', 'localhost:3000/soyte'],
  ['localhost subdomain', 'https://app.localhost/soyte'],
  ['IPv4 literal', 'http://127.0.0.1/soyte'],
  ['private IPv4', 'https://192.168.1.10/g/abc'],
  ['IPv4 as integer', 'http://2130706433/soyte'],
  ['IPv4 in hex', 'http://0x7f.0.0.1/soyte'],
  ['IPv6 literal', 'http://[::1]/soyte'],
  ['single-label intranet host', 'http://intranet/soyte'],
  ['mDNS host', 'http://printer.local/soyte'],
  ['reserved TLD', 'https://site.test/x'],
  ['space inside', 'https://facebook.com/so yte'],
  ['newline inside', 'https://facebook.com/so\nyte'],
  ['tab inside', 'https://zalo.me/g/abc\tdef'],
  ['NUL inside', 'https://zalo.me/g/abc\u0000def'],
  ['DEL inside', 'https://facebook.com/soyte\u007f'],
  ['scheme only', 'https://'],
  ['garbage', 'http://%%%'],
];

describe('PLATFORMS', () => {
  it('lists the six supported platforms in picker order', () => {
    expect(PLATFORMS).toEqual(['facebook_page', 'facebook_group', 'zalo_group', 'zalo_oa', 'mocha_group', 'website']);
  });

  it('isPlatform narrows only known platform strings', () => {
    for (const p of PLATFORMS) expect(isPlatform(p)).toBe(true);
    for (const v of ['facebook', 'Facebook_page', '', null, undefined, 1, {}]) expect(isPlatform(v)).toBe(false);
  });
});

describe('normaliseChannelUrl', () => {
  describe('rejections shared by every platform', () => {
    for (const platform of PLATFORMS) {
      it.each(UNSAFE_OR_NON_PUBLIC)(`${platform}: rejects %s`, (_label, raw) => {
        expect(rejected(platform, raw)).toBe(true);
      });
    }

    it('rejects URLs over 2048 characters and accepts exactly 2048', () => {
      const base = 'https://example.org/';
      const exact = base + 'a'.repeat(MAX_URL_LENGTH - base.length);
      expect(exact.length).toBe(MAX_URL_LENGTH);
      expect(okUrl('website', exact)).toBe(exact);
      expect(rejected('website', `${exact}a`)).toBe(true);
      expect(rejected('facebook_page', `https://facebook.com/${'a'.repeat(3000)}`)).toBe(true);
    });

    it('rejects a URL that only exceeds the limit once https:// is added', () => {
      const raw = 'example.org/' + 'a'.repeat(MAX_URL_LENGTH - 'example.org/'.length);
      expect(raw.length).toBe(MAX_URL_LENGTH);
      expect(rejected('website', raw)).toBe(true);
    });
  });

  describe('facebook_page', () => {
    it.each([
      'https://facebook.com/soyte',
      'https://m.facebook.com/SoYTe/',
      'fb.com/soyte',
      'www.fb.com/SoYte',
      'http://www.facebook.com/soyte?ref=bookmarks',
      'https://facebook.com/SoYTe#about',
      'mbasic.facebook.com/soyte/?fbclid=IwAR0abc',
      'https://web.facebook.com/soyte',
      'https://touch.facebook.com/soyte',
      'https://vi-vn.facebook.com/soyte',
      'HTTPS://WWW.FACEBOOK.COM/SOYTE',
      '  https://facebook.com/soyte  ',
      '//facebook.com/soyte',
      'https://facebook.com:443/soyte',
      'http://facebook.com./soyte',
      'https://facebook.com//soyte//',
      'https://facebook.com/soyte?utm_source=zalo&utm_medium=share&mibextid=ZbWKwL',
      'https://www.facebook.com/soyte/about',
      'https://www.facebook.com/soyte/posts/pfbid02xYz',
      'https://facebook.com/pg/SoYTe/posts/',
      'https://facebook.com/soyte?sk=photos',
    ])('normalises %j to https://facebook.com/soyte', (raw) => {
      expect(okUrl('facebook_page', raw)).toBe('https://facebook.com/soyte');
    });

    it.each([
      'https://www.facebook.com/profile.php?id=100064123456789',
      'https://m.facebook.com/profile.php?id=100064123456789&mibextid=ZbWKwL',
      'facebook.com/profile.php?sk=about&id=100064123456789',
      'https://www.facebook.com/people/So-Y-Te-Phu-Yen/100064123456789/',
      'https://www.facebook.com/pages/So-Y-Te/100064123456789',
      'https://www.facebook.com/p/So-Y-Te-Phu-Yen-100064123456789/',
    ])('normalises the id form %j to profile.php?id=', (raw) => {
      expect(okUrl('facebook_page', raw)).toBe('https://facebook.com/profile.php?id=100064123456789');
    });

    it('keeps dots in usernames and lowercases non-ASCII slugs', () => {
      expect(okUrl('facebook_page', 'facebook.com/Bao.PhuYen')).toBe('https://facebook.com/bao.phuyen');
      const upper = okUrl('facebook_page', 'facebook.com/SởYTế');
      expect(upper).toBe(okUrl('facebook_page', 'facebook.com/sởytế'));
      expect(upper).toBe(okUrl('facebook_page', 'facebook.com/sởytế'.normalize('NFD')));
      expect(okUrl('facebook_page', upper)).toBe(upper);
    });

    it.each([
      ['the Facebook home page', 'https://www.facebook.com/'],
      ['a group', 'https://facebook.com/groups/123456789'],
      ['a video page', 'https://facebook.com/watch?v=123456789'],
      ['a share link', 'https://facebook.com/share/p/1AbCdEf/'],
      ['a post permalink', 'https://facebook.com/permalink.php?story_fbid=1&id=2'],
      ['profile.php without id', 'https://facebook.com/profile.php'],
      ['profile.php with a non-numeric id', 'https://facebook.com/profile.php?id=soyte'],
      ['/people without id', 'https://facebook.com/people/So-Y-Te'],
      ['a non-alias Facebook subdomain', 'https://business.facebook.com/soyte'],
      ['fb.watch', 'https://fb.watch/AbC123'],
      ['a look-alike domain', 'https://facebook.com.evil.example.org/soyte'],
      ['a suffix look-alike', 'https://notfacebook.com/soyte'],
      ['Zalo', 'https://zalo.me/g/abcdef123'],
      ['a website', 'https://soyte.phuyen.gov.vn'],
      ['an explicit odd port', 'https://facebook.com:8443/soyte'],
      ['a slug of dots', 'https://facebook.com/.../'],
      ['malformed percent-encoding', 'https://facebook.com/so%E1yte'],
    ])('rejects %s', (_label, raw) => {
      expect(rejected('facebook_page', raw)).toBe(true);
    });

    it('two spellings of one page always share a key, whatever the case, host alias and tracking params', () => {
      const slug = fc.stringMatching(/^[a-z][a-z0-9.]{3,30}[a-z0-9]$/).filter((s) => !['watch', 'share', 'login', 'help'].includes(s));
      const host = fc.constantFrom('facebook.com', 'www.facebook.com', 'm.facebook.com', 'mbasic.facebook.com', 'web.facebook.com', 'fb.com');
      const scheme = fc.constantFrom('https://', 'http://', '');
      const caseMask = fc.array(fc.boolean(), { minLength: 40, maxLength: 40 });
      const suffix = fc.constantFrom('', '/', '/?fbclid=x', '?ref=page_internal', '#posts', '/?utm_source=a&utm_campaign=b', '/about/');
      fc.assert(
        fc.property(slug, host, scheme, caseMask, suffix, (s, h, sc, mask, suf) => {
          const cased = [...s].map((ch, i) => (mask[i] ? ch.toUpperCase() : ch)).join('');
          const url = okUrl('facebook_page', `${sc}${h}/${cased}${suf}`);
          expect(url).toBe(`https://facebook.com/${s}`);
          expect(okUrl('facebook_page', url)).toBe(url);
        }),
      );
    });
  });

  describe('facebook_group', () => {
    it.each([
      ['https://www.facebook.com/groups/123456789012345/', 'https://facebook.com/groups/123456789012345'],
      ['m.facebook.com/groups/123456789012345?ref=share&mibextid=abc', 'https://facebook.com/groups/123456789012345'],
      ['https://facebook.com/groups/123456789012345/permalink/987654321/', 'https://facebook.com/groups/123456789012345'],
      ['fb.com/groups/CongDongPhuYen/about', 'https://facebook.com/groups/congdongphuyen'],
      ['https://facebook.com/Groups/congdongphuyen', 'https://facebook.com/groups/congdongphuyen'],
    ])('normalises %j to %j', (raw, expected) => {
      expect(okUrl('facebook_group', raw)).toBe(expected);
    });

    it.each([
      ['a page', 'https://facebook.com/soyte'],
      ['the groups index', 'https://facebook.com/groups/'],
      ['the groups feed', 'https://facebook.com/groups'],
      ['Facebook home', 'https://facebook.com'],
      ['Zalo group', 'https://zalo.me/g/abcdef123'],
    ])('rejects %s', (_label, raw) => {
      expect(rejected('facebook_group', raw)).toBe(true);
    });
  });

  describe('zalo_group', () => {
    it.each([
      ['https://zalo.me/g/abcdef123', 'https://zalo.me/g/abcdef123'],
      ['zalo.me/g/AbCdEf123/', 'https://zalo.me/g/AbCdEf123'],
      ['http://www.zalo.me/g/xyzuvw789?zarsrc=30&utm_source=zalo&utm_medium=zalo&gidzl=abc', 'https://zalo.me/g/xyzuvw789'],
      ['HTTPS://ZALO.ME/g/Qwe_rt-y9#x', 'https://zalo.me/g/Qwe_rt-y9'],
    ])('normalises %j to %j', (raw, expected) => {
      expect(okUrl('zalo_group', raw)).toBe(expected);
    });

    it('keeps group codes case-sensitive', () => {
      expect(okUrl('zalo_group', 'zalo.me/g/ABCdef123')).not.toBe(okUrl('zalo_group', 'zalo.me/g/abcdef123'));
    });

    it.each([
      ['a profile link', 'https://zalo.me/0905123456'],
      ['no code', 'https://zalo.me/g/'],
      ['too short a code', 'https://zalo.me/g/ab'],
      ['extra path', 'https://zalo.me/g/abcdef123/members'],
      ['another Zalo host', 'https://chat.zalo.me/g/abcdef123'],
      ['an OA host', 'https://oa.zalo.me/g/abcdef123'],
      ['punctuation in the code', 'https://zalo.me/g/abc.def'],
      ['Facebook', 'https://facebook.com/groups/abcdef123'],
      ['a look-alike', 'https://zalo.me.example.org/g/abcdef123'],
    ])('rejects %s', (_label, raw) => {
      expect(rejected('zalo_group', raw)).toBe(true);
    });
  });

  describe('zalo_oa', () => {
    it.each([
      ['https://zalo.me/4318129487331412220', 'https://zalo.me/4318129487331412220'],
      ['zalo.me/4318129487331412220/?utm_source=web', 'https://zalo.me/4318129487331412220'],
      ['https://oa.zalo.me/soytephuyen/', 'https://oa.zalo.me/soytephuyen'],
      ['https://oa.zalo.me/manage/oa?utm_source=x&oaid=4318129487331412220', 'https://oa.zalo.me/manage/oa?oaid=4318129487331412220'],
    ])('normalises %j to %j', (raw, expected) => {
      expect(okUrl('zalo_oa', raw)).toBe(expected);
    });

    it.each([
      ['a personal account (phone number)', 'https://zalo.me/0905123456'],
      ['a group', 'https://zalo.me/g/abcdef123'],
      ['the OA home page', 'https://oa.zalo.me/'],
      ['zalo.me itself', 'https://zalo.me'],
      ['a short number', 'https://zalo.me/12345'],
      ['Facebook', 'https://facebook.com/soyte'],
    ])('rejects %s', (_label, raw) => {
      expect(rejected('zalo_oa', raw)).toBe(true);
    });
  });

  describe('mocha_group', () => {
    it.each([
      ['mocha.com.vn/groups/dangbokhoi', 'https://mocha.com.vn/groups/dangbokhoi'],
      ['http://www.mocha.com.vn/g/XyZ123/?utm_source=share', 'https://mocha.com.vn/g/XyZ123'],
      ['https://social.mocha.com.vn/group/123?id=5', 'https://social.mocha.com.vn/group/123?id=5'],
    ])('normalises %j to %j', (raw, expected) => {
      expect(okUrl('mocha_group', raw)).toBe(expected);
    });

    it.each([
      ['the home page', 'https://mocha.com.vn/'],
      ['another domain', 'https://mocha.vn/groups/abc'],
      ['a suffix look-alike', 'https://evilmocha.com.vn/groups/abc'],
      ['a Zalo group', 'https://zalo.me/g/abcdef123'],
    ])('rejects %s', (_label, raw) => {
      expect(rejected('mocha_group', raw)).toBe(true);
    });
  });

  describe('website', () => {
    it.each([
      ['https://www.soyte.phuyen.gov.vn/', 'https://soyte.phuyen.gov.vn'],
      ['soyte.phuyen.gov.vn', 'https://soyte.phuyen.gov.vn'],
      ['http://Example.ORG/Tin-Tuc/?utm_source=fb&id=5&fbclid=x#top', 'https://example.org/Tin-Tuc?id=5'],
      ['https://example.org/a?b=2&a=1', 'https://example.org/a?a=1&b=2'],
      ['https://example.org/a?ref=home&p=12', 'https://example.org/a?p=12'],
      ['https://example.org/tin%c3%a1', 'https://example.org/tin%C3%A1'],
      ['https://example.org/tin-tức', 'https://example.org/tin-t%E1%BB%A9c'],
      ['https://example.org:8080/x/', 'https://example.org:8080/x'],
      ['http://example.org:443/x', 'https://example.org/x'],
      ['https://example.org/search?q=s%E1%BB%9F+y+t%E1%BA%BF', 'https://example.org/search?q=s%E1%BB%9F+y+t%E1%BA%BF'],
    ])('normalises %j to %j', (raw, expected) => {
      expect(okUrl('website', raw)).toBe(expected);
    });

    it('folds decomposed and precomposed Vietnamese paths to one key', () => {
      const nfc = 'https://example.org/tin-tức/sở-y-tế';
      expect(okUrl('website', nfc.normalize('NFD'))).toBe(okUrl('website', nfc));
    });

    it('stores internationalised hosts as punycode, whatever their case or normal form', () => {
      const url = okUrl('website', 'https://sởytế.vn/');
      expect(url).toMatch(/^https:\/\/xn--[a-z0-9-]+\.vn$/);
      expect(okUrl('website', 'SỞYTẾ.VN')).toBe(url);
      expect(okUrl('website', 'https://sởytế.vn'.normalize('NFD'))).toBe(url);
    });

    it('keeps path case (paths are case-sensitive on websites)', () => {
      expect(okUrl('website', 'example.org/Tin')).not.toBe(okUrl('website', 'example.org/tin'));
    });

    it.each([
      ['Facebook', 'https://facebook.com/soyte'],
      ['Zalo', 'https://zalo.me/g/abcdef123'],
      ['Mocha', 'https://mocha.com.vn/groups/x'],
      ['fb.watch', 'https://fb.watch/abc'],
    ])('rejects %s links (they belong to their own platform)', (_label, raw) => {
      expect(rejected('website', raw)).toBe(true);
    });

    it('is idempotent, https, fragment- and tracking-free for generated web URLs', () => {
      fc.assert(
        fc.property(
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          fc.constantFrom('', 'utm_source=x', 'fbclid=abc', 'ref=home'),
          (u, tracking) => {
            const hash = u.indexOf('#');
            const [beforeHash, fragment] = hash === -1 ? [u, ''] : [u.slice(0, hash), u.slice(hash)];
            const raw = tracking === '' ? u : `${beforeHash}${beforeHash.includes('?') ? '&' : '?'}${tracking}${fragment}`;
            const result = normaliseChannelUrl('website', raw);
            if (!result.ok) return;
            expect(result.url.startsWith('https://')).toBe(true);
            expect(result.url).not.toContain('#');
            expect(result.url).not.toMatch(/[?&](utm_source|fbclid|ref)=/);
            expect(normaliseChannelUrl('website', result.url)).toEqual(result);
          },
        ),
      );
    });
  });

  it('never throws and is idempotent on arbitrary input for every platform', () => {
    const input = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.webUrl(),
      fc
        .tuple(
          fc.constantFrom('', 'http://', 'https://', 'HTTP://'),
          fc.constantFrom('facebook.com', 'm.facebook.com', 'fb.com', 'zalo.me', 'oa.zalo.me', 'mocha.com.vn', 'example.org'),
          fc.array(fc.constantFrom('g', 'groups', 'profile.php', 'SoYTe', 'AbC123xyz', '4318129487331412220', '%C3%A1', '', '.'), { maxLength: 4 }),
          fc.constantFrom('', '?id=100064123', '?utm_source=a&x=1', '#frag', '?fbclid=1'),
        )
        .map(([s, h, segs, q]) => `${s}${h}/${segs.join('/')}${q}`),
    );
    fc.assert(
      fc.property(fc.constantFrom(...PLATFORMS), input, (platform, raw) => {
        const result = normaliseChannelUrl(platform, raw);
        if (result.ok) {
          expect(result.url.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
          expect(normaliseChannelUrl(platform, result.url)).toEqual(result);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('checkProofUrl', () => {
  function okProof(platform: Platform, raw: string): string {
    const result = checkProofUrl(platform, raw);
    if (!result.ok) throw new Error(`expected ${JSON.stringify(raw)} to be accepted as ${platform} proof: ${result.reason}`);
    return result.url;
  }

  function proofError(platform: Platform, raw: string): string | null {
    const result = checkProofUrl(platform, raw);
    return result.ok ? null : result.code;
  }

  it.each([
    ['https://www.facebook.com/SoYTe/posts/pfbid02AbCdEf/', 'https://facebook.com/SoYTe/posts/pfbid02AbCdEf'],
    [
      'https://m.facebook.com/story.php?story_fbid=pfbid0AbC&id=100064&__tn__=%2CO*F&mibextid=Zb',
      'https://facebook.com/story.php?id=100064&story_fbid=pfbid0AbC',
    ],
    ['https://www.facebook.com/share/p/1AbCdE/?mibextid=WC7FNe', 'https://facebook.com/share/p/1AbCdE'],
    ['fb.com/groups/123/permalink/456', 'https://facebook.com/groups/123/permalink/456'],
    ['https://fb.watch/AbC-12_x/', 'https://fb.watch/AbC-12_x'],
    ['https://www.facebook.com/watch/?v=123456&__cft__[0]=AZ&__tn__=R', 'https://facebook.com/watch?v=123456'],
    ['http://mbasic.facebook.com/photo.php?fbid=1&set=a.2#x', 'https://facebook.com/photo.php?fbid=1&set=a.2'],
    ['https://business.facebook.com/soyte/posts/1', 'https://business.facebook.com/soyte/posts/1'],
  ])('facebook_page accepts %j as %j', (raw, expected) => {
    expect(okProof('facebook_page', raw)).toBe(expected);
    expect(okProof('facebook_group', raw)).toBe(expected);
  });

  it('keeps the case of post ids (pfbid… is case-sensitive)', () => {
    expect(okProof('facebook_page', 'facebook.com/x/posts/pfbid0ABC')).not.toBe(okProof('facebook_page', 'facebook.com/x/posts/pfbid0abc'));
  });

  it.each([
    ['https://chat.zalo.me/', 'https://chat.zalo.me'],
    ['zalo.me/s/123abc/?utm_source=zalo&zarsrc=31', 'https://zalo.me/s/123abc'],
    ['https://zalo.me/g/abcdef123', 'https://zalo.me/g/abcdef123'],
    ['https://oa.zalo.me/post/AbC?id=1', 'https://oa.zalo.me/post/AbC?id=1'],
  ])('zalo platforms accept %j as %j', (raw, expected) => {
    expect(okProof('zalo_group', raw)).toBe(expected);
    expect(okProof('zalo_oa', raw)).toBe(expected);
  });

  it.each([
    ['https://mocha.com.vn/post/123', 'https://mocha.com.vn/post/123'],
    ['video.mocha.com.vn/AbC/?utm_medium=x', 'https://video.mocha.com.vn/AbC'],
  ])('mocha_group accepts %j as %j', (raw, expected) => {
    expect(okProof('mocha_group', raw)).toBe(expected);
  });

  it.each([
    ['baophuyen.vn/tin-tuc/abc.html?fbclid=1', 'https://baophuyen.vn/tin-tuc/abc.html'],
    ['https://example.org/', 'https://example.org'],
    ['https://facebook.com/SoYTe/posts/1', 'https://facebook.com/SoYTe/posts/1'],
  ])('website accepts any public URL: %j as %j', (raw, expected) => {
    expect(okProof('website', raw)).toBe(expected);
  });

  it.each<[Platform, string]>([
    ['facebook_page', 'https://zalo.me/s/abc'],
    ['facebook_group', 'https://example.org/post'],
    ['facebook_page', 'https://notfacebook.com/x/posts/1'],
    ['facebook_page', 'https://facebook.com.evil.example.org/x/posts/1'],
    ['zalo_group', 'https://facebook.com/x/posts/1'],
    ['zalo_oa', 'https://zalo.vn/x'],
    ['mocha_group', 'https://mocha.vn/post/1'],
    ['mocha_group', 'https://fb.watch/abc'],
  ])('%s rejects %j as PROOF_PLATFORM_MISMATCH', (platform, raw) => {
    expect(proofError(platform, raw)).toBe('PROOF_PLATFORM_MISMATCH');
  });

  for (const platform of PLATFORMS) {
    it.each(UNSAFE_OR_NON_PUBLIC)(`${platform}: rejects %s as PROOF_URL_INVALID`, (_label, raw) => {
      expect(proofError(platform, raw)).toBe('PROOF_URL_INVALID');
    });
  }

  it.each<[Platform, string]>([
    ['facebook_page', 'https://www.facebook.com/'],
    ['facebook_group', 'https://fb.com/?fbclid=1'],
    ['mocha_group', 'https://mocha.com.vn'],
  ])('%s rejects the bare home page %j as PROOF_URL_INVALID', (platform, raw) => {
    expect(proofError(platform, raw)).toBe('PROOF_URL_INVALID');
  });

  it('rejects proofs over 2048 characters', () => {
    expect(proofError('facebook_page', `https://facebook.com/x/posts/${'1'.repeat(MAX_URL_LENGTH)}`)).toBe('PROOF_URL_INVALID');
  });

  it('is idempotent and never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLATFORMS), fc.oneof(fc.string({ maxLength: 60 }), fc.webUrl({ withQueryParameters: true, withFragments: true })), (platform, raw) => {
        const result = checkProofUrl(platform, raw);
        if (result.ok) expect(checkProofUrl(platform, result.url)).toEqual(result);
      }),
      { numRuns: 500 },
    );
  });
});
