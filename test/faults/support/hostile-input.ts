import fc from 'fast-check';

/** Vietnamese in both normal forms: keyboards (Telex/VNI) often send decomposed marks. */
export const VIETNAMESE_NFC = 'Đảng bộ Phường Nguyễn Huệ – Tiếng Việt ư ơ ặ ỹ';
export const VIETNAMESE_NFD = VIETNAMESE_NFC.normalize('NFD');

/** Strings an attacker or a broken client sends. */
export const NASTY_STRINGS = [
  "' OR 1=1 --",
  "'; DROP TABLE organisation; --",
  '1; SELECT pg_sleep(10)',
  "\\'; COPY (SELECT '') TO PROGRAM 'id'; --",
  '=HYPERLINK("http://evil.example","x")',
  '=cmd|\' /C calc\'!A0',
  '+SUM(1+1)',
  '-2+3',
  '@SUM(1)',
  '\t=1+1',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\uFEFF',
  '\u202Egnp.exe',
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'NaN',
  '-1',
  '99999999999999999999999',
  '1e309',
  '2026-02-30T25:61:61Z',
  'null',
  'true',
  '',
  ' ',
  VIETNAMESE_NFC,
  VIETNAMESE_NFD,
  'x'.repeat(70_000),
  VIETNAMESE_NFD.repeat(2_000),
];

export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uuid() },
);

const deepNest = (depth: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** Any JSON value a client could send in place of a field. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 2 ** 53, Number.MAX_VALUE) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.constantFrom(new Array(20_000).fill('x'), new Array(5_000).fill({ a: 1 })) },
  { weight: 1, arbitrary: fc.constantFrom(deepNest(60), deepNest(2_000)) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, nastyString, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(JSON.parse('{"__proto__":{"isAdmin":true,"role":"admin"}}'), JSON.parse('{"constructor":{"prototype":{"polluted":true}}}')) },
);

/** Keys the fuzzer adds beside the real fields. */
export const extraKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'role', 'organisationId', 'id', 'version', 'isAdmin'), fc.string({ maxLength: 12 }));

/** Query parameter names routes use, plus anything. */
export const queryKey = fc.oneof(
  fc.constantFrom('page', 'limit', 'cursor', 'search', 'q', 'period', 'from', 'to', 'status', 'sort', 'order', 'organisationId', 'campaignId', 'format', 'platform', 'includeSubtree', '__proto__', 'constructor'),
  fc.string({ maxLength: 12 }),
);

/** Percent-encodes what can be encoded; a lone surrogate (not encodable) goes out as raw invalid UTF-8 bytes. */
export function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80' + encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''));
  }
}

/** Raw encodings that are not valid UTF-8 or not valid percent-encoding at all. */
export const rawBadEncodings = ['%FF%FE', '%C0%AF', '%ED%A0%80', '%', '%G1', '%E0%80', 'a%00b', '%25%32%35'];

/** Bodies that are not JSON a parser likes: invalid UTF-8 bytes, truncated, duplicate keys. */
export const RAW_BODIES: Array<Buffer | string> = [
  Buffer.from([0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]), // {"title":"<invalid>"}
  Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]),
  '{"title":',
  '{"a":1,"a":2}',
  '[]',
  '"just a string"',
  '12',
  'null',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
];

/** Every string inside a JSON value (keys too). */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsIn(v, out);
    }
  }
  return out;
}
