import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveRoutes } from '../authz/live-routes.js';
import type { MatrixWorld } from '../authz/route-matrix.types.js';
import { createTwoUnitWorld } from '../support/fixtures.js';
import { createTestContext, type TestContext } from '../support/test-app.js';
import { badAnswer } from './support/problem-check.js';
import { report } from './support/profile.js';
import { seeds, splitRoute } from './support/route-seeds.js';

const ALLOWED_ORIGIN = 'https://outreach.tinhuy.example.vn';
const FOREIGN_ORIGIN = 'https://evil.example.com';
/** Words that name the stack, and the runtime's exact version. */
const FINGERPRINTS = [/fastify/i, /nestjs/i, /express/i, /node\.?js/i, new RegExp(process.version.replace(/\./g, '\\.')), /typeorm/i, /postgres(ql)? \d/i];

describe('abuse: response headers on every live route', () => {
  let ctx: TestContext;
  let world: MatrixWorld;
  beforeAll(async () => {
    ctx = await createTestContext({ env: { CORS_ORIGINS: ALLOWED_ORIGIN } });
    world = await createTwoUnitWorld(ctx);
  });
  afterAll(async () => ctx?.close());

  it('sends security headers, no fingerprints and no stack traces, anonymous or signed in, success or error', async () => {
    expect(liveRoutes(ctx.app).length).toBe(new Set(seeds.map((s) => s.route)).size);
    const problems: string[] = [];
    let answers = 0;
    const extra = [
      { method: 'GET', url: '/api/v1/no-such-route' },
      { method: 'POST', url: '/api/v1/campaigns', payload: '{"title":', contentType: 'application/json' },
      { method: 'GET', url: '/api/v1/organisations/%FF' },
      { method: 'DELETE', url: '/health' },
    ];
    const requests = [
      ...seeds.flatMap((entry) => ['anonymous', 'admin', 'secretaryB'].map((actor) => ({ entry, actor }))),
      ...extra.map((e) => ({ entry: undefined, actor: 'admin', ...e })),
    ];
    for (const r of requests) {
      const seed = r.entry ? await r.entry.request(world, ctx) : undefined;
      const method = r.entry ? splitRoute(r.entry.route).method : (r as { method: string }).method;
      const url = seed?.url ?? (r as { url: string }).url;
      const payload = seed?.payload ?? (r as { payload?: string }).payload;
      const res = await ctx.app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...(r.actor === 'anonymous' ? {} : world[r.actor as 'admin'].headers),
          ...(seed?.headers ?? {}),
          ...((r as { contentType?: string }).contentType ? { 'content-type': (r as { contentType: string }).contentType } : {}),
        },
        ...(payload !== undefined ? { payload: payload as string } : {}),
      });
      answers++;
      const label = `${r.actor} ${method} ${url} → ${res.statusCode}`;
      const h = res.headers;
      if (h['x-content-type-options'] !== 'nosniff') problems.push(`${label}: no x-content-type-options: nosniff`);
      if (!h['strict-transport-security']) problems.push(`${label}: no strict-transport-security`);
      if (!h['content-security-policy']?.toString().includes("default-src 'self'")) problems.push(`${label}: no content-security-policy`);
      if (!h['x-frame-options'] && !h['content-security-policy']?.toString().includes('frame-ancestors')) problems.push(`${label}: framing allowed`);
      if (h['x-powered-by'] || h['server']) problems.push(`${label}: announces ${h['x-powered-by'] ?? h['server']}`);
      const headerText = Object.entries(h).map(([k, v]) => `${k}: ${String(v)}`).join('\n');
      const isText = /json|text|xml|html/.test(String(h['content-type'] ?? ''));
      for (const fp of FINGERPRINTS) {
        if (fp.test(headerText)) problems.push(`${label}: header names the stack (${fp})`);
        if (isText && r.entry?.route !== 'GET /metrics' && res.statusCode >= 400 && fp.test(res.body)) problems.push(`${label}: body names the stack (${fp})`);
      }
      if (res.body.includes(process.version)) problems.push(`${label}: body shows the Node.js version`);
      const bad = badAnswer(res);
      if (bad && res.statusCode >= 400) problems.push(`${label}: ${bad}`);
    }
    report(`headers: ${answers} answers (every live route as anonymous, admin and another unit's secretary, plus malformed requests) checked for nosniff, HSTS, CSP, framing, fingerprints, stack traces; problems ${problems.length}`);
    expect(problems).toEqual([]);
  });

  it('answers CORS only for the configured origin', async () => {
    const preflight = (origin: string) =>
      ctx.app.inject({ method: 'OPTIONS', url: '/api/v1/campaigns', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    const allowed = await preflight(ALLOWED_ORIGIN);
    const foreign = await preflight(FOREIGN_ORIGIN);
    const simpleForeign = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { origin: FOREIGN_ORIGIN, ...world.admin.headers } });
    const simpleAllowed = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { origin: ALLOWED_ORIGIN, ...world.admin.headers } });
    const nullOrigin = await ctx.app.inject({ method: 'GET', url: '/api/v1/me', headers: { origin: 'null', ...world.admin.headers } });
    report(
      `CORS: preflight from ${ALLOWED_ORIGIN} → allow-origin ${allowed.headers['access-control-allow-origin']}; from ${FOREIGN_ORIGIN} → ${foreign.headers['access-control-allow-origin'] ?? 'none'}; ` +
        `GET from foreign → ${simpleForeign.headers['access-control-allow-origin'] ?? 'none'}; origin "null" → ${nullOrigin.headers['access-control-allow-origin'] ?? 'none'}`,
    );
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(simpleAllowed.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    // (Allow-Credentials alone grants nothing: a browser also needs Allow-Origin to match.)
    for (const res of [foreign, simpleForeign, nullOrigin]) expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
