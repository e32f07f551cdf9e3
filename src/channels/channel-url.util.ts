/**
 * Channel and proof URLs: validation against the platform, and a canonical spelling.
 *
 * A channel's normalised URL is its unique key, so every spelling of the same page
 * (m./www./fb.com, trailing slash, tracking params, letter case where the platform ignores it)
 * must produce the same string, and the output must normalise to itself.
 */
import { toNfc } from '../common/text/vietnamese.util.js';
import type { Platform } from './platform.js';

export const MAX_URL_LENGTH = 2048;

export type ChannelUrlResult = { ok: true; url: string } | { ok: false; reason: string };

export type ProofUrlErrorCode = 'PROOF_URL_INVALID' | 'PROOF_PLATFORM_MISMATCH';
export type ProofUrlResult = { ok: true; url: string } | { ok: false; code: ProofUrlErrorCode; reason: string };

interface QueryPair {
  /** Decoded key, for matching. */
  key: string;
  /** Decoded value, for reading ids. */
  value: string;
  /** The pair exactly as the URL parser encoded it, so output re-parses to itself. */
  raw: string;
}

interface ParsedUrl {
  host: string;
  port: string;
  /** Percent-encoded path without trailing slashes; '' for the root. */
  path: string;
  /** Decoded non-empty path segments; null when the path has malformed percent-encoding. */
  segments: string[] | null;
  query: QueryPair[];
}

type ParseResult = { ok: true; parsed: ParsedUrl } | { ok: false; reason: string };

// Query keys that only say where a click came from; they never identify the page or post.
const TRACKING_KEYS = new Set([
  'fbclid',
  'gclid',
  'igshid',
  'mibextid',
  'ref',
  '__tn__',
  '__cft__',
  '__xts__',
  '_rdr',
  'rdid',
  'sfnsn',
  'refsrc',
  'fref',
  'hc_ref',
  'paipv',
  'eav',
  'zarsrc',
  'gidzl',
]);

// Hostnames in these TLDs never resolve on the public internet.
const NON_PUBLIC_TLDS = new Set(['localhost', 'local', 'localdomain', 'internal', 'lan', 'home', 'corp', 'test', 'invalid', 'example', 'onion']);

// Facebook serves the same pages on these subdomains (mobile, basic, locale variants).
const FACEBOOK_ALIAS_SUBDOMAINS = new Set(['www', 'm', 'mbasic', 'web', 'touch', 'mobile', 'free']);
const FACEBOOK_LOCALE_SUBDOMAIN = /^[a-z]{2}-[a-z]{2}$/;

// First path segments on facebook.com that are features, not page usernames.
const FACEBOOK_RESERVED_PATHS = new Set([
  'watch',
  'share',
  'sharer',
  'sharer.php',
  'login',
  'login.php',
  'home.php',
  'events',
  'story.php',
  'permalink.php',
  'photo.php',
  'photo',
  'video.php',
  'reel',
  'reels',
  'stories',
  'hashtag',
  'search',
  'marketplace',
  'gaming',
  'help',
  'policies',
  'privacy',
  'settings',
  'notifications',
  'messages',
  'friends',
  'bookmarks',
  'dialog',
  'l.php',
]);

const PAGE_OR_GROUP_SLUG = /^[\p{L}\p{N}._-]+$/u;
const HAS_LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const NUMERIC_ID = /^\d{5,25}$/;
const ZALO_GROUP_CODE = /^[A-Za-z0-9_-]{4,64}$/;
// OA ids are long numbers that never start with 0; zalo.me/0905… is a personal account's phone.
const ZALO_OA_ID = /^[1-9]\d{8,24}$/;

function isSlug(s: string | undefined): s is string {
  return s !== undefined && PAGE_OR_GROUP_SLUG.test(s) && HAS_LETTER_OR_DIGIT.test(s);
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Percent-escape hex case carries no meaning; one case keeps the key unique. */
function upperPercentEscapes(s: string): string {
  return s.replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase());
}

function isTrackingKey(key: string): boolean {
  const base = key.toLowerCase().replace(/\[.*$/, ''); // Facebook sends `__cft__[0]`
  return base.startsWith('utm_') || TRACKING_KEYS.has(base);
}

function parseQuery(search: string): QueryPair[] {
  if (search.length <= 1) return [];
  const pairs: QueryPair[] = [];
  for (const piece of search.slice(1).split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const rawKey = eq === -1 ? piece : piece.slice(0, eq);
    const rawValue = eq === -1 ? '' : piece.slice(eq + 1);
    const raw = upperPercentEscapes(piece);
    pairs.push({
      key: safeDecode(rawKey.replace(/\+/g, ' ')) ?? rawKey,
      value: safeDecode(rawValue.replace(/\+/g, ' ')) ?? rawValue,
      raw,
    });
  }
  return pairs;
}

/** Drops tracking params and orders the rest by key, so param order does not split one key in two. */
function meaningfulQuery(query: QueryPair[]): QueryPair[] {
  return query.filter((p) => !isTrackingKey(p.key)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function isNonPublicHost(host: string): boolean {
  if (host.startsWith('[')) return true; // IPv6 literal
  if (/^\d+(\.\d+){3}$/.test(host)) return true; // IPv4 literal (the parser canonicalises 0x7f.1 etc. to this)
  const labels = host.split('.');
  if (labels.length < 2 || labels.some((l) => l === '')) return true;
  const tld = labels[labels.length - 1]!;
  if (!/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(tld)) return true;
  return NON_PUBLIC_TLDS.has(tld);
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

function stripWww(host: string): string {
  return host.startsWith('www.') && host.indexOf('.', 4) !== -1 ? host.slice(4) : host;
}

/** Parses and applies the checks shared by channels and proofs; the host is lowercased and www-less. */
function parsePublicHttpUrl(raw: string): ParseResult {
  const s = toNfc(raw.trim());
  if (s === '') return { ok: false, reason: 'URL is empty' };
  if (s.length > MAX_URL_LENGTH) return { ok: false, reason: `URL is longer than ${MAX_URL_LENGTH} characters` };
  // The URL parser silently drops tabs/newlines; reject instead of guessing what was meant.
  if (/\s/.test(s) || hasControlCharacter(s)) return { ok: false, reason: 'URL contains spaces or control characters' };

  let withScheme: string;
  if (/^https?:/i.test(s)) withScheme = s;
  else if (s.startsWith('//')) withScheme = `https:${s}`;
  // A scheme other than http(s): javascript:, data:, mailto:, ftp:… ("host:443" is a port, not a scheme).
  else if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(s)) return { ok: false, reason: 'only http and https links are allowed' };
  else withScheme = `https://${s}`;

  // Checked on the raw text too: the parser drops an empty "user@" that still signals a credential trick.
  if (/^https?:[/\\]*[^/\\?#]*@/i.test(withScheme)) return { ok: false, reason: 'URL must not contain a user name or password' };

  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'only http and https links are allowed' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'URL must not contain a user name or password' };

  const host = url.hostname.replace(/\.$/, '');
  if (isNonPublicHost(host)) return { ok: false, reason: 'URL must point to a public internet host, not localhost or an IP address' };

  const path = upperPercentEscapes(url.pathname).replace(/\/+$/, '');
  const decoded = path
    .split('/')
    .filter((seg) => seg !== '')
    .map(safeDecode);
  const segments = decoded.every((seg): seg is string => seg !== null) ? decoded : null;

  return {
    ok: true,
    parsed: {
      host: stripWww(host),
      // Forcing https makes an explicit :443 on an http URL the default port.
      port: url.port === '443' ? '' : url.port,
      path,
      segments,
      query: parseQuery(url.search),
    },
  };
}

function serialise(p: { host: string; port: string; path: string; query: QueryPair[] }): string {
  const port = p.port === '' ? '' : `:${p.port}`;
  const query = p.query.length === 0 ? '' : `?${p.query.map((q) => q.raw).join('&')}`;
  return `https://${p.host}${port}${p.path}${query}`;
}

function finish(url: string): ChannelUrlResult {
  return url.length > MAX_URL_LENGTH ? { ok: false, reason: `URL is longer than ${MAX_URL_LENGTH} characters` } : { ok: true, url };
}

type HostFamily = 'facebook' | 'fb_watch' | 'zalo' | 'mocha' | 'other';

function isUnder(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** Classifies a host; Facebook aliases of the main site are folded into facebook.com. */
function classifyHost(host: string): { family: HostFamily; host: string } {
  if (isUnder(host, 'facebook.com') || isUnder(host, 'fb.com')) {
    const sub = host.replace(/\.?(facebook|fb)\.com$/, '');
    if (sub === '' || FACEBOOK_ALIAS_SUBDOMAINS.has(sub) || FACEBOOK_LOCALE_SUBDOMAIN.test(sub)) {
      return { family: 'facebook', host: 'facebook.com' };
    }
    return { family: 'facebook', host: host.endsWith('.fb.com') ? `${sub}.facebook.com` : host };
  }
  if (isUnder(host, 'fb.watch')) return { family: 'fb_watch', host };
  if (isUnder(host, 'zalo.me')) return { family: 'zalo', host };
  if (isUnder(host, 'mocha.com.vn')) return { family: 'mocha', host };
  return { family: 'other', host };
}

const PLATFORM_LABEL: Record<Platform, string> = {
  facebook_page: 'a Facebook page',
  facebook_group: 'a Facebook group',
  zalo_group: 'a Zalo group',
  zalo_oa: 'a Zalo Official Account',
  mocha_group: 'a Mocha group',
  website: 'a website',
};

function facebookPage(segments: string[], query: QueryPair[]): ChannelUrlResult {
  const segs = segments.map((s) => s.toLowerCase());
  const byId = (id: string | undefined): ChannelUrlResult =>
    id !== undefined && NUMERIC_ID.test(id)
      ? { ok: true, url: `https://facebook.com/profile.php?id=${id}` }
      : { ok: false, reason: 'Facebook page link has no numeric page id' };

  const first = segs[0];
  if (first === undefined) return { ok: false, reason: 'link is the Facebook home page, not a page' };
  // Pages without a username have several spellings of the same id; profile.php?id= is the one
  // Facebook itself redirects to.
  if (first === 'profile.php') return byId(query.find((q) => q.key === 'id')?.value);
  if (first === 'people' || first === 'pages') return byId(segs[2]);
  if (first === 'p') return byId(/-(\d{5,25})$/.exec(segs[1] ?? '')?.[1]);
  if (first === 'groups') return { ok: false, reason: 'link is a Facebook group; register it as a facebook_group' };
  if (FACEBOOK_RESERVED_PATHS.has(first)) return { ok: false, reason: 'link is not a Facebook page address' };

  // `/pg/<slug>/…` is the old page-tab form; tabs and posts after the username name the same page.
  const slug = first === 'pg' ? segs[1] : first;
  if (!isSlug(slug)) return { ok: false, reason: 'link is not a Facebook page address' };
  return { ok: true, url: `https://facebook.com/${encodeURIComponent(slug)}` };
}

function facebookGroup(segments: string[]): ChannelUrlResult {
  // Group vanity names are case-insensitive like page usernames; posts inside name the same group.
  const id = segments[1]?.toLowerCase();
  if (segments[0]?.toLowerCase() !== 'groups' || !isSlug(id)) {
    return { ok: false, reason: 'Facebook group links look like facebook.com/groups/<name or id>' };
  }
  return { ok: true, url: `https://facebook.com/groups/${encodeURIComponent(id)}` };
}

function zaloGroup(host: string, segments: string[]): ChannelUrlResult {
  const code = segments[1];
  if (host !== 'zalo.me' || segments.length !== 2 || segments[0] !== 'g' || code === undefined || !ZALO_GROUP_CODE.test(code)) {
    return { ok: false, reason: 'Zalo group links look like zalo.me/g/<code>' };
  }
  // Group codes are case-sensitive, so kept as typed; Zalo's share params carry no identity.
  return { ok: true, url: `https://zalo.me/g/${code}` };
}

function zaloOa(parsed: ParsedUrl, segments: string[]): ChannelUrlResult {
  if (parsed.host === 'oa.zalo.me' && segments.length > 0) {
    return finish(serialise({ host: 'oa.zalo.me', port: '', path: parsed.path, query: meaningfulQuery(parsed.query) }));
  }
  const id = segments[0];
  if (parsed.host === 'zalo.me' && segments.length === 1 && id !== undefined && ZALO_OA_ID.test(id)) {
    return { ok: true, url: `https://zalo.me/${id}` };
  }
  return { ok: false, reason: 'Zalo OA links look like zalo.me/<OA id> or oa.zalo.me/…' };
}

/**
 * Validates a channel's URL for its platform and returns the canonical spelling used as the
 * channel's unique key.
 */
export function normaliseChannelUrl(platform: Platform, raw: string): ChannelUrlResult {
  const result = parsePublicHttpUrl(raw);
  if (!result.ok) return result;
  const { parsed } = result;
  const { family, host } = classifyHost(parsed.host);
  const mismatch: ChannelUrlResult = { ok: false, reason: `link is not ${PLATFORM_LABEL[platform]} address` };

  if (platform === 'website') {
    // A social page entered as a "website" would dodge the uniqueness of its real platform.
    if (family !== 'other') return { ok: false, reason: 'Facebook, Zalo and Mocha links must be registered with their own platform' };
    return finish(serialise({ ...parsed, query: meaningfulQuery(parsed.query) }));
  }

  const expected: HostFamily = platform.startsWith('facebook') ? 'facebook' : platform.startsWith('zalo') ? 'zalo' : 'mocha';
  if (family !== expected) return mismatch;
  if (parsed.port !== '') return { ok: false, reason: 'link has an unexpected port' };
  if (parsed.segments === null) return { ok: false, reason: 'link has malformed percent-encoding' };
  const segments = parsed.segments;

  switch (platform) {
    case 'facebook_page':
    case 'facebook_group':
      if (host !== 'facebook.com') return mismatch;
      return platform === 'facebook_page' ? facebookPage(segments, parsed.query) : facebookGroup(segments);
    case 'zalo_group':
      return zaloGroup(host, segments);
    case 'zalo_oa':
      return zaloOa({ ...parsed, host }, segments);
    case 'mocha_group':
      if (segments.length === 0) return { ok: false, reason: 'link is the Mocha home page, not a group' };
      return finish(serialise({ host, port: '', path: parsed.path, query: meaningfulQuery(parsed.query) }));
  }
}

const PROOF_FAMILIES: Record<Platform, readonly HostFamily[] | null> = {
  facebook_page: ['facebook', 'fb_watch'],
  facebook_group: ['facebook', 'fb_watch'],
  zalo_group: ['zalo'],
  zalo_oa: ['zalo'],
  mocha_group: ['mocha'],
  website: null, // any public host
};

/** A proof link parsed and its host classified once, to check against several platforms. */
export type ParsedProofUrl = ReturnType<typeof parseProofUrl>;

export function parseProofUrl(raw: string) {
  const result = parsePublicHttpUrl(raw);
  if (!result.ok) return { ok: false as const, reason: result.reason };
  return { ok: true as const, parsed: result.parsed, ...classifyHost(result.parsed.host) };
}

/**
 * Validates the link a collaborator submits as proof of a share. Paths keep their case (post ids
 * such as Facebook's `pfbid…` are case-sensitive); only hosts and tracking params are normalised.
 */
export function checkProofUrl(platform: Platform, raw: string | ParsedProofUrl): ProofUrlResult {
  const proof = typeof raw === 'string' ? parseProofUrl(raw) : raw;
  if (!proof.ok) return { ok: false, code: 'PROOF_URL_INVALID', reason: proof.reason };
  const { parsed, family, host } = proof;

  const allowed = PROOF_FAMILIES[platform];
  if (allowed !== null && !allowed.includes(family)) {
    return { ok: false, code: 'PROOF_PLATFORM_MISMATCH', reason: `link is not on ${PLATFORM_LABEL[platform]}'s platform` };
  }
  const query = meaningfulQuery(parsed.query);
  // A bare facebook.com or mocha.com.vn proves nothing; Zalo is exempt because chat.zalo.me
  // has no per-message links, and websites because the spec accepts any page there.
  if ((family === 'facebook' || family === 'fb_watch' || family === 'mocha') && parsed.path === '' && query.length === 0) {
    return { ok: false, code: 'PROOF_URL_INVALID', reason: 'link is a home page, not a post' };
  }
  const url = serialise({ host, port: parsed.port, path: parsed.path, query });
  if (url.length > MAX_URL_LENGTH) {
    return { ok: false, code: 'PROOF_URL_INVALID', reason: `URL is longer than ${MAX_URL_LENGTH} characters` };
  }
  return { ok: true, url };
}
