import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveRoutes } from '../authz/live-routes.js';
import type { MatrixRequest, MatrixWorld, RouteEntry } from '../authz/route-matrix.types.js';
import { createTwoUnitWorld } from '../support/fixtures.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { encode, extraKey, nastyString, nastyValue, queryKey, RAW_BODIES, rawBadEncodings, stringsIn, VIETNAMESE_NFD } from './support/hostile-input.js';
import { type Answer, badAnswer } from './support/problem-check.js';
import { fmt, profile, report } from './support/profile.js';
import { deepestActor, seeds, splitRoute } from './support/route-seeds.js';

type Body = { payload?: string | Buffer; contentType?: string };

/** Every path inside a JSON object (`['targets','organisationIds']`), for field-level mutations. */
function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...fieldPaths(v, [...prefix, k])]);
}

function withField(base: unknown, path: string[], value: unknown | typeof DROP): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path[path.length - 1]!;
  if (value === DROP) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}
const DROP = Symbol('drop');

/** A JSON body arbitrary derived from the route's valid payload. */
function bodyArbitrary(seedPayload: unknown): fc.Arbitrary<Body> {
  const json = (v: unknown): Body => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json' });
  const paths = fieldPaths(seedPayload);
  const asObject = seedPayload && typeof seedPayload === 'object' && !Buffer.isBuffer(seedPayload) ? seedPayload : {};
  const options: Array<fc.Arbitrary<Body>> = [
    nastyValue.map(json),
    fc.tuple(extraKey, nastyValue).map(([k, v]) => json(withField(asObject, [k], v))),
    fc.constantFrom(...RAW_BODIES).map((payload) => ({ payload, contentType: 'application/json' })),
  ];
  if (paths.length > 0) {
    options.push(fc.tuple(fc.constantFrom(...paths), nastyValue).map(([p, v]) => json(withField(asObject, p, v))));
    options.push(fc.constantFrom(...paths).map((p) => json(withField(asObject, p, DROP))));
  }
  return fc.oneof(...options);
}

describe('abuse: every live route, fuzzed', () => {
  let ctx: TestContext;
  let world: MatrixWorld;
  let requests = 0;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    ctx = await createTestContext({ env: { LOGIN_THROTTLE_LIMIT: '1000', LOGIN_THROTTLE_IP_LIMIT: '100000', STORAGE_DIR: `/tmp/outreach-fuzz-${process.pid}` } });
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => {
    report(`fuzz: ${fmt(requests)} requests over ${seeds.length} routes; statuses ${[...statuses].sort().map(([s, n]) => `${s}×${fmt(n)}`).join(', ')}`);
    await ctx?.close();
  });

  async function send(entry: RouteEntry, url: string, body: Body, headers: Record<string, string>): Promise<Answer> {
    const { method } = splitRoute(entry.route);
    const res = await ctx.app.inject({
      method: method as 'GET',
      url,
      headers: { ...headers, ...(body.contentType ? { 'content-type': body.contentType } : {}) },
      ...(body.payload !== undefined ? { payload: body.payload } : {}),
    });
    requests++;
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    return { statusCode: res.statusCode, headers: res.headers, body: res.body };
  }

  const actorHeaders = (entry: RouteEntry) => {
    const actor = deepestActor(entry);
    return actor === 'anonymous' ? {} : world[actor].headers;
  };

  it('fuzzes every route of the live route table (each has a seed request)', () => {
    const live = liveRoutes(ctx.app);
    const seeded = new Set(seeds.map((s) => s.route));
    expect(live.filter((r) => !seeded.has(r))).toEqual([]);
    report(`fuzz: ${live.length} live routes, each fuzzed in body, query and path with ${profile.fuzzRuns} fast-check runs per kind`);
  });

  for (const entry of seeds) {
    const { method, path } = splitRoute(entry.route);
    it(`${entry.route}: fuzzed body, query and path ids → 2xx or 4xx problem, never 500`, async () => {
      const failures: string[] = [];
      const check = (what: string, res: Answer) => {
        const bad = badAnswer(res);
        if (bad) failures.push(`${what} → ${bad}`);
        return !bad;
      };
      const seed = await entry.request(world, ctx);
      const headers = { ...actorHeaders(entry) };

      if (method !== 'GET') {
        await fc.assert(
          fc.asyncProperty(bodyArbitrary(seed.payload), async (body) => {
            const fresh = await entry.request(world, ctx);
            return check(`body ${String(body.payload).slice(0, 120)}`, await send(entry, fresh.url, body, headers));
          }),
          { numRuns: profile.fuzzRuns, endOnFailure: true },
        ).catch((error: unknown) => failures.push(String(error).slice(0, 1500)));
      }

      const bodyOf = (request: MatrixRequest): Body =>
        request.payload === undefined
          ? {}
          : typeof request.payload === 'string' || Buffer.isBuffer(request.payload)
            ? { payload: request.payload as string | Buffer }
            : { payload: JSON.stringify(request.payload), contentType: 'application/json' };
      const query = fc.oneof(
        fc.array(fc.tuple(queryKey, nastyString), { minLength: 1, maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')),
        fc.tuple(queryKey, fc.constantFrom(...rawBadEncodings)).map(([k, v]) => `${encode(k)}=${v}`),
        fc.constantFrom(...rawBadEncodings),
      );
      await fc.assert(
        fc.asyncProperty(query, async (qs) => {
          const fresh = await entry.request(world, ctx);
          const url = `${fresh.url}${fresh.url.includes('?') ? '&' : '?'}${qs}`;
          return check(`query ${url.slice(0, 200)}`, await send(entry, url, bodyOf(fresh), { ...headers, ...(fresh.headers ?? {}) }));
        }),
        { numRuns: profile.fuzzRuns, endOnFailure: true },
      ).catch((error: unknown) => failures.push(String(error).slice(0, 1500)));

      const paramSlots = path.split('/').flatMap((segment, i) => (segment.startsWith(':') ? [i] : []));
      if (paramSlots.length > 0) {
        const replacement = fc.oneof(nastyString.map(encode), fc.constantFrom(...rawBadEncodings), fc.constant('00000000-0000-0000-0000-000000000000'));
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...paramSlots), replacement, async (slot, value) => {
            const fresh = await entry.request(world, ctx);
            const [pathPart, qs] = fresh.url.split('?') as [string, string | undefined];
            const segments = pathPart.split('/');
            segments[slot] = value;
            const url = `${segments.join('/')}${qs ? `?${qs}` : ''}`;
            return check(`path ${url.slice(0, 200)}`, await send(entry, url, bodyOf(fresh), { ...headers, ...(fresh.headers ?? {}) }));
          }),
          { numRuns: profile.fuzzRuns, endOnFailure: true },
        ).catch((error: unknown) => failures.push(String(error).slice(0, 1500)));
      }
      expect(failures, entry.route).toEqual([]);
    });
  }

  it('stores text as NFC: Vietnamese sent decomposed (NFD) comes back and is stored composed', async () => {
    let accepted = 0;
    const notNfc: string[] = [];
    for (const entry of seeds) {
      const { method } = splitRoute(entry.route);
      if (method === 'GET' || method === 'DELETE') continue;
      const seed = await entry.request(world, ctx);
      if (!seed.payload || typeof seed.payload !== 'object' || Buffer.isBuffer(seed.payload)) continue;
      for (const field of fieldPaths(seed.payload)) {
        const original = field.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], seed.payload);
        if (typeof original !== 'string') continue;
        const fresh = await entry.request(world, ctx);
        const res = await send(entry, fresh.url, { payload: JSON.stringify(withField(fresh.payload, field, VIETNAMESE_NFD)), contentType: 'application/json' }, actorHeaders(entry));
        if (res.statusCode >= 200 && res.statusCode < 300) {
          accepted++;
          const decomposed = stringsIn(res.body ? JSON.parse(res.body) : null).filter((s) => s !== s.normalize('NFC'));
          if (decomposed.length) notNfc.push(`${entry.route} ${field.join('.')}: answered ${JSON.stringify(decomposed[0]).slice(0, 80)}`);
        } else {
          expect(badAnswer(res), `${entry.route} ${field.join('.')}`).toBeUndefined();
        }
      }
    }
    // Everything the fuzzers and this test stored, in every text and JSON column.
    const columns = (await ctx.dataSource.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'ARRAY')`,
    )) as Array<{ table_name: string; column_name: string; data_type: string }>;
    let scanned = 0;
    for (const c of columns) {
      const expr = c.data_type === 'text' || c.data_type === 'character varying' ? `"${c.column_name}"` : `"${c.column_name}"::text`;
      const [row] = await ctx.dataSource.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE NOT (${expr} IS NFC NORMALIZED))::int AS bad FROM "${c.table_name}"`);
      scanned += row.n;
      if (row.bad > 0) notNfc.push(`${c.table_name}.${c.column_name}: ${row.bad} stored values not NFC`);
    }
    report(`NFC: ${accepted} writes with NFD Vietnamese accepted; ${columns.length} text/json columns, ${fmt(scanned)} values scanned; not NFC: ${notNfc.length}`);
    expect(accepted).toBeGreaterThan(5);
    expect(notNfc).toEqual([]);
  });
});
