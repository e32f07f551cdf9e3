import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { spawnService, type SpawnedService } from '../support/spawn-service.js';
import { createTestContext, type TestContext, waitFor } from '../support/test-app.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENS_DIR = fileURLToPath(new URL('../artifacts/screens/', import.meta.url));
export const PHONE = { width: 360, height: 740 };

/**
 * The built service (dist: API with the web app, and a worker) as real processes on a database of
 * its own, and a headless Chromium to drive it. `ctx` is an in-process app on the same database,
 * for setting the scene (fixtures) and checking rows.
 */
export interface WebWorld {
  ctx: TestContext;
  api: SpawnedService;
  worker: SpawnedService;
  baseUrl: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startWebWorld(env: Record<string, string> = {}): Promise<WebWorld> {
  const ctx = await createTestContext({ env: { OUTBOX_POLL_MS: '100', ...env } });
  const api = await spawnService('main', ctx.env);
  const worker = await spawnService('worker', ctx.env);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  const stop = async (s: SpawnedService) => {
    if (s.child.exitCode === null) s.child.kill('SIGTERM');
    await s.exited;
  };
  return {
    ctx,
    api,
    worker,
    baseUrl: `http://127.0.0.1:${api.port}`,
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      await Promise.allSettled([stop(api), stop(worker)]);
      await ctx.close();
    },
  };
}

/** The machine is shared and often busy: waits are on conditions, with deadlines that allow for it. */
const WAIT_MS = 60_000;

function patient(context: BrowserContext): BrowserContext {
  context.setDefaultTimeout(WAIT_MS);
  context.setDefaultNavigationTimeout(WAIT_MS);
  return context;
}

export async function newPhoneContext(world: WebWorld, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return patient(await world.browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'vi-VN', baseURL: world.baseUrl, ...options }));
}

export async function newDesktopContext(world: WebWorld): Promise<BrowserContext> {
  return patient(await world.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', baseURL: world.baseUrl, acceptDownloads: true }));
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENS_DIR}${name}.png`, fullPage: true });
}

export async function logIn(page: Page, login: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Tên đăng nhập').fill(login);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

/** Records every JavaScript file the page loads, with its size once gzipped (what the network would carry). */
export function recordScripts(page: Page): () => Promise<Array<{ url: string; gzipBytes: number }>> {
  const pending: Array<Promise<{ url: string; gzipBytes: number } | null>> = [];
  page.on('response', (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (response.request().resourceType() !== 'script' && !type.includes('javascript')) return;
    pending.push(
      response
        .body()
        .then((body) => ({ url: response.url(), gzipBytes: gzipSync(body).length }))
        .catch(() => null),
    );
  });
  return async () => (await Promise.all(pending)).filter((x): x is { url: string; gzipBytes: number } => x !== null);
}

export { waitFor };
