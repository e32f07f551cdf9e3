import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_ROOT } from '../../src/app/web-app.js';
import { createTestContext, type TestContext } from '../support/test-app.js';

describe('the API process serves the web app at / with a fallback for client routes only', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    expect(existsSync(join(WEB_ROOT, 'index.html')), 'npm run build puts the web app in dist/web').toBe(true);
    ctx = await createTestContext();
  });
  afterAll(async () => ctx?.close());
  const get = (url: string, headers: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url, headers });

  it('answers the app shell at / and for client routes, so a reload or a shared link opens the app', async () => {
    for (const url of ['/', '/tasks', '/tasks?sharedUrl=https%3A%2F%2Ffacebook.com%2Fx', '/unit/channels', '/manage/campaigns/123']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.body, url).toContain('<div id="root">');
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('serves the manifest, the service worker and hashed assets (those cached for good)', async () => {
    const manifest = await get('/manifest.webmanifest');
    expect(manifest.statusCode).toBe(200);
    expect(manifest.json()).toMatchObject({ lang: 'vi', display: 'standalone', start_url: '/' });
    expect((await get('/sw.js')).statusCode).toBe(200);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec((await get('/')).body)?.[1];
    expect(script).toBeDefined();
    const asset = await get(script!);
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('never answers the app shell for server paths or missing files: a 404 problem, in the asked language', async () => {
    for (const url of ['/api/v1/no-such-route', '/api/v1', '/health/nope', '/metrics/x', '/docs-nope', '/assets/missing.js', '/icon-999.png']) {
      const res = await get(url, { 'accept-language': 'vi' });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(res.json().title, url).toBe('Không có đường dẫn này');
    }
    expect((await get('/admin/queues/api/queues')).statusCode).toBe(401);
    expect((await get('/health')).statusCode).toBe(200);
    expect((await get('/docs-json')).headers['content-type']).toMatch(/json/);
  });
});
