import ExcelJS from 'exceljs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CampaignWorld, createCampaignWorld, createDraftCampaign } from '../support/campaign-world.js';
import { TEST_PASSWORD } from '../support/fixtures.js';
import { logIn, newDesktopContext, newPhoneContext, recordScripts, screenshot, SCREENS_DIR, startWebWorld, waitFor, type WebWorld } from './web-support.js';

const JS_BUDGET_GZIP = 300 * 1024;
const INTERACTIVE_BUDGET_MS = 2000;
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

describe('web: a collaborator completes a task on a phone; the unit secretary sees it and downloads the report', () => {
  let world: WebWorld;
  let w: CampaignWorld;
  let campaignId: string;
  let proofUrl: string;

  beforeAll(async () => {
    world = await startWebWorld();
    w = await createCampaignWorld(world.ctx);
    campaignId = await createDraftCampaign(world.ctx, w.admin.headers, { targets: { organisationIds: [w.unitA.id], platforms: ['facebook_page'] }, items: 1 });
    const launched = await world.ctx.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/launch`, headers: w.admin.headers });
    expect(launched.statusCode, launched.body).toBe(202);
    // The spawned worker fans out: one task, personA's fanpage.
    await waitFor(async () => (await world.ctx.dataSource.query(`SELECT 1 FROM share_task WHERE campaign_id = $1`, [campaignId])).length === 1, {
      timeoutMs: 60_000,
      what: 'fan-out by the worker process',
    });
    proofUrl = `https://m.facebook.com/${w.fanpageA.url.split('/').pop()}/posts/2001`;
  }, 240_000);
  afterAll(async () => world?.close());

  it('loads the collaborator screen within the JavaScript budget (under 300 KB gzip, no admin code) and records time to interactive', async () => {
    const first = await newPhoneContext(world);
    const page = await first.newPage();
    await logIn(page, w.collaboratorA.login, TEST_PASSWORD);
    await page.getByRole('button', { name: 'Báo đã xong' }).waitFor();
    const state = await first.storageState();
    await first.close();

    // A cold load of "my tasks" for a logged-in person: no service-worker cache, every byte from the server.
    const cold = await newPhoneContext(world, { storageState: state, serviceWorkers: 'block' });
    const coldPage = await cold.newPage();
    const scripts = recordScripts(coldPage);
    await coldPage.goto('/tasks');
    await coldPage.getByRole('button', { name: 'Báo đã xong' }).waitFor();
    const interactiveMs = await coldPage.evaluate(() => performance.now());
    const loaded = await scripts();
    const jsGzip = loaded.reduce((sum, s) => sum + s.gzipBytes, 0);
    // Time to interactive is recorded beside the machine's load, not asserted: the team keeps timed
    // targets out of the test suite (a shared 2-core machine stretches wall-clock times). The byte
    // budget is deterministic and asserted.
    const budgetMs = INTERACTIVE_BUDGET_MS;
    mkdirSync(ARTIFACTS, { recursive: true });
    const figures = { scripts: loaded.map((s) => ({ url: new URL(s.url).pathname, gzipBytes: s.gzipBytes })), jsGzipBytes: jsGzip, interactiveMs: Math.round(interactiveMs), loadAverage: loadavg()[0], cpus: cpus().length, budgetMs, withinBudget: interactiveMs < budgetMs };
    writeFileSync(`${ARTIFACTS}web-budgets.json`, JSON.stringify(figures, null, 2));
    console.log(`collaborator first load: ${loaded.length} scripts, ${(jsGzip / 1024).toFixed(1)} KB gzip, interactive at ${interactiveMs.toFixed(0)} ms (budget ${budgetMs} ms; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`);
    expect(loaded.some((s) => /recharts|AdminRoutes|SecretaryRoutes/.test(s.url)), 'admin/secretary code and charts are not loaded').toBe(false);
    expect(jsGzip).toBeGreaterThan(10 * 1024);
    expect(jsGzip).toBeLessThan(JS_BUDGET_GZIP);
    expect(interactiveMs).toBeGreaterThan(0);
    await cold.close();
  }, 240_000);

  it('at 360×740: sees the task, copies the caption, is told a wrong link in words, completes with the post link', async () => {
    const context = await newPhoneContext(world);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: world.baseUrl });
    const page = await context.newPage();
    await logIn(page, w.collaboratorA.login, TEST_PASSWORD);
    await screenshot(page, 'collaborator-1-login');
    const card = page.getByTestId('task-card');
    await card.getByText('Bài viết 0').waitFor();
    expect(await card.count()).toBe(1);
    expect(page.url()).toMatch(/\/tasks$/);
    expect(await card.getByRole('link', { name: 'Mở bài viết' }).getAttribute('href')).toMatch(/^https:\/\/baophuyen\.vn\/bai-viet-0-/);
    // No horizontal scrolling on a 360 px phone.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await screenshot(page, 'collaborator-2-my-tasks');

    await card.getByRole('button', { name: 'Sao chép nội dung' }).click();
    await card.getByRole('button', { name: 'Đã sao chép' }).waitFor();
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toContain('Cùng chia sẻ câu chuyện đẹp');
    expect(copied).toContain('#PhuYen');

    await card.getByLabel('Đường dẫn bài đã đăng').fill('https://baophuyen.vn/khong-phai-facebook');
    await card.getByRole('button', { name: 'Báo đã xong' }).click();
    const alert = card.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/nền tảng/);
    await screenshot(page, 'collaborator-3-wrong-link');

    await card.getByLabel('Đường dẫn bài đã đăng').fill(proofUrl);
    await card.getByRole('button', { name: 'Báo đã xong' }).click();
    await page.getByText('Bạn đã hoàn thành hết nhiệm vụ').waitFor();
    await page.locator('label', { hasText: 'Tất cả' }).click();
    await card.getByText('Đã xong', { exact: true }).waitFor();
    await screenshot(page, 'collaborator-4-done');

    const [task] = await world.ctx.dataSource.query(`SELECT status, proof_url, completed_by_collaborator_id FROM share_task WHERE campaign_id = $1`, [campaignId]);
    expect(task).toMatchObject({ status: 'done', completed_by_collaborator_id: w.personA.id });
    expect(task.proof_url).toContain('/posts/2001');
    await context.close();
  }, 240_000);

  it('the secretary of the unit sees the completion on the dashboard and downloads the Excel report', async () => {
    const context = await newDesktopContext(world);
    const page = await context.newPage();
    await logIn(page, w.secretaryA.login, TEST_PASSWORD);
    const row = page.getByTestId('campaign-table').getByRole('row', { name: /Lan tỏa gương người tốt việc tốt/ });
    await row.waitFor();
    const cells = await row.getByRole('cell').allInnerTexts();
    // title, deadline, assigned, open, done, late, rate
    expect(cells.slice(2, 5)).toEqual(['1', '0', '1']);
    expect(cells[6]).toMatch(/100\s?%/);
    await page.getByText('Tỷ lệ hoàn thành theo tuần').waitFor();
    await screenshot(page, 'secretary-1-dashboard');

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), page.getByRole('button', { name: 'Tải báo cáo Excel' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const path = `${SCREENS_DIR}secretary-report.xlsx`;
    await download.saveAs(path);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    const text = book.worksheets.flatMap((sheet) => sheet.getSheetValues().flat().map(String)).join(' ');
    expect(text).toContain(w.personA.full_name);
    expect(text).not.toContain(w.personB.full_name);
    await context.close();
  }, 240_000);
});
