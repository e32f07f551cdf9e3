import ExcelJS from 'exceljs';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CampaignWorld, createCampaignWorld } from '../support/campaign-world.js';
import { TEST_PASSWORD } from '../support/fixtures.js';
import { logIn, newDesktopContext, screenshot, SCREENS_DIR, startWebWorld, type WebWorld } from './web-support.js';

/** `YYYY-MM-DDTHH:mm` for a datetime-local input, `days` from now in the browser's zone (the test's). */
function localInput(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

describe('web: an admin imports collaborators from Excel, then composes, targets and launches a campaign', () => {
  let world: WebWorld;
  let w: CampaignWorld;
  let file: string;

  beforeAll(async () => {
    world = await startWebWorld();
    w = await createCampaignWorld(world.ctx);
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Cộng tác viên');
    sheet.addRow(['Mã CTV', 'Họ và tên', 'Số điện thoại', 'Mã đơn vị', 'Nhãn']);
    sheet.addRow(['WEB001', 'Phạm Thị Thu', '0905 111 222', w.unitA.code, 'Đảng viên']);
    sheet.addRow(['WEB002', 'Võ Minh Khang', '0912 333 444', w.unitA.code, 'Đảng viên']);
    sheet.addRow(['WEB003', 'Đặng Văn Sai', '0913 555 666', 'KHONG-CO-DON-VI', '']);
    mkdirSync(SCREENS_DIR, { recursive: true });
    file = `${SCREENS_DIR}admin-import.xlsx`;
    await book.xlsx.writeFile(file);
  }, 240_000);
  afterAll(async () => world?.close());

  it('imports the sheet and shows the rejected row with its reason', async () => {
    const context = await newDesktopContext(world);
    const page = await context.newPage();
    await logIn(page, w.admin.login, TEST_PASSWORD);
    await page.getByRole('heading', { name: 'Chiến dịch' }).waitFor();
    await screenshot(page, 'admin-1-campaigns');

    await page.getByRole('link', { name: 'Danh bạ' }).click();
    await page.getByRole('heading', { name: 'Nhập từ Excel' }).waitFor();
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByRole('button', { name: 'Tải lên' }).click();
    const result = page.getByTestId('import-result');
    await result.waitFor({ timeout: 90_000 });
    expect(await result.getByRole('status').innerText()).toMatch(/Tổng 3 dòng: 2 thêm mới, 0 cập nhật, 0 không đổi, 1 bị từ chối/);
    const rejected = page.getByTestId('import-rejections').getByRole('row', { name: /KHONG-CO-DON-VI/ });
    expect(await rejected.getByRole('cell').first().innerText()).toBe('4');
    await screenshot(page, 'admin-2-import-result');

    const people = await world.ctx.dataSource.query(`SELECT code, organisation_id FROM collaborator WHERE code LIKE 'WEB%' ORDER BY code`);
    expect(people).toEqual([
      { code: 'WEB001', organisation_id: w.unitA.id },
      { code: 'WEB002', organisation_id: w.unitA.id },
    ]);
    await context.close();
  }, 240_000);

  it('creates a campaign on a unit picked in the organisation tree, adds an item, launches it and watches progress', async () => {
    const context = await newDesktopContext(world);
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await logIn(page, w.admin.login, TEST_PASSWORD);
    await page.getByRole('button', { name: 'Chiến dịch mới' }).click();
    await page.getByLabel('Tên chiến dịch').fill('Tuần lễ lan tỏa thông tin tích cực');
    await page.getByLabel('Hạn chót').fill(localInput(3));
    await page.getByRole('tree').getByRole('checkbox', { name: /Đảng bộ Sở Y tế/ }).check();
    await page.getByText('Đã chọn 1 đơn vị.').waitFor();
    await page.getByRole('switch', { name: 'Giao cho tài khoản cá nhân của cộng tác viên' }).check({ force: true });
    await screenshot(page, 'admin-3-new-campaign');
    await page.getByRole('button', { name: 'Tạo', exact: true }).click();

    await page.getByRole('heading', { name: 'Tuần lễ lan tỏa thông tin tích cực' }).waitFor();
    const campaignId = /\/manage\/campaigns\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    expect(campaignId).toBeTruthy();
    await page.getByLabel('Đường dẫn bài viết').fill('https://baophuyen.vn/tuan-le-lan-toa.html');
    await page.getByLabel('Tiêu đề').fill('Tuần lễ lan tỏa');
    await page.getByLabel('Lời dẫn').fill('Mời mọi người cùng đọc và chia sẻ');
    await page.getByRole('button', { name: 'Thêm nội dung' }).click();
    await page.getByRole('link', { name: 'Tuần lễ lan tỏa', exact: true }).waitFor();
    // Before launching, the page says how many tasks the launch will create (one item now).
    const previewLine = page.getByTestId('launch-preview').getByText(/^[1-9]\d* nhiệm vụ \(/);
    await previewLine.waitFor();
    await screenshot(page, 'admin-3b-launch-preview');
    const previewed = Number(/^(\d+)/.exec((await previewLine.textContent()) ?? '')?.[1]);

    await page.getByRole('button', { name: 'Phát động' }).click();
    const progress = page.getByTestId('campaign-progress');
    await progress.getByText(/Đã giao xong lúc/).waitFor({ timeout: 90_000 });
    const [{ n }] = await world.ctx.dataSource.query(`SELECT count(*)::int AS n FROM share_task WHERE campaign_id = $1`, [campaignId]);
    // Unit A and its cell: fanpage A, website A, the cell's Zalo group, and personal shares of
    // everyone active there (3 from the world, 2 imported).
    expect(n).toBeGreaterThanOrEqual(8);
    expect(n, 'the launch created what the preview said').toBe(previewed);
    await page.getByTestId('progress-total').getByText(String(n)).waitFor();
    await screenshot(page, 'admin-4-campaign-progress');
    await context.close();
  }, 240_000);

  it('shows the ranking (chart and table), accounts and the audit log', async () => {
    const context = await newDesktopContext(world);
    const page = await context.newPage();
    await logIn(page, w.admin.login, TEST_PASSWORD);
    await page.getByRole('link', { name: 'Xếp hạng' }).click();
    await page.getByTestId('ranking-table').getByRole('row', { name: /Đảng bộ Sở Y tế/ }).waitFor();
    // The chart's text alternative names each bar; the drawing itself is there too.
    await page.getByRole('img', { name: new RegExp(`20 đơn vị dẫn đầu.*${w.unitA.code} \\d`) }).waitFor();
    await page.locator('.recharts-surface').first().waitFor();
    await screenshot(page, 'admin-5-ranking');
    await page.getByRole('link', { name: 'Tài khoản' }).click();
    await page.getByRole('cell', { name: w.secretaryA.login }).waitFor();
    await screenshot(page, 'admin-6-accounts');
    await page.getByRole('link', { name: 'Nhật ký' }).click();
    await page.getByRole('cell', { name: 'campaign.launch' }).first().waitFor();
    await screenshot(page, 'admin-7-audit');
    await context.close();
  }, 240_000);
});
