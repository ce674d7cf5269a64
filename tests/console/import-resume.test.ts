import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Route } from 'playwright-core';
import { DEMO_PASSWORD, demoPhone } from '../../fixtures/demo';
import { CHUNK_ROWS } from '../../cloudfunctions/shared/importer/chunks';
import { demoWorld, type DemoWorld } from '../helpers/api';
import { launchChromium } from '../helpers/browser';
import { catalogueId } from '../helpers/catalogue';
import { xlsxOf } from '../helpers/files';

/**
 * 会员导入 survives a refresh: the job lives on the server, the page finds it again and goes on.
 * The importer here does one chunk per call (IMPORT_BUDGET_MS=0, as a deployer may set it), so the
 * job is still running when the page reloads, whatever the machine's speed.
 */
describe('back office: an import goes on after the page is reloaded', function () {
  this.timeout(300_000);
  let world: DemoWorld;
  let browser: Browser;

  before(async function () {
    browser = await launchChromium(this);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-import-'));
    fs.mkdirSync(path.join(dir, 'importer'));
    fs.copyFileSync(
      path.join(__dirname, '..', '..', 'dist', 'cloudfunctions', 'importer', 'index.js'),
      path.join(dir, 'importer', 'bundle.js'),
    );
    fs.writeFileSync(
      path.join(dir, 'importer', 'index.js'),
      "process.env.IMPORT_BUDGET_MS = '0';\nmodule.exports = require('./bundle.js');\n",
    );
    world = await demoWorld({ functionsDirs: [dir, path.join(__dirname, '..', '..', 'dist', 'cloudfunctions')] });
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });

  it('a reload while the job runs shows how far it got, and 继续导入 takes it to the final report', async () => {
    const count = CHUNK_ROWS + 15;
    const rows = [
      ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'],
      ...Array.from({ length: count }, (_, i) => [
        `续导员${hanNumber(i)}`,
        '居民身份证',
        catalogueId(8000 + i),
        `1380${String(10000000 + i).slice(1)}`,
        '',
      ]),
    ];
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(world.emulator.consoleUrl);
    await page.locator('.t-tabs__nav-item', { hasText: '密码登录' }).click();
    await page.getByLabel('手机号').fill(demoPhone(4));
    await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/#\/dashboard$/);
    await page.locator('.t-menu__item', { hasText: '会员导入' }).click();
    await page.getByTestId('file-input').setInputFiles({
      name: '会员名单.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: xlsxOf(rows),
    });
    await page.getByRole('button', { name: `导入 ${count} 行` }).waitFor();

    // The page's next `run` call never reaches the server: the tab is refreshed instead.
    let held: Route | undefined;
    await page.route('**/api/importer', async (route) => {
      if ((route.request().postData() ?? '').includes('"action":"run"')) held = route;
      else await route.continue();
    });
    await page.getByRole('button', { name: `导入 ${count} 行` }).click();
    await page.getByText(`已处理 ${CHUNK_ROWS} / ${count} 行，请勿关闭页面`).waitFor();
    assert.ok(await waitFor(() => held !== undefined), 'the page asked to go on');
    // Dropped, never sent on (an unrouted request would still reach the server), then the refresh.
    await held?.abort();
    await page.unroute('**/api/importer');
    await page.reload();

    const notice = page.locator('.t-alert', { hasText: '有一次导入尚未完成' });
    await notice.waitFor();
    assert.match(await notice.innerText(), new RegExp(`已处理 ${CHUNK_ROWS} / ${count} 行`));
    await notice.getByText('继续导入').click();
    const result = page.getByTestId('import-result');
    await result.waitFor();
    assert.match(await result.innerText(), new RegExp(`新导入\\s*${count}`));
    const db = world.admin.database();
    const imported = await db
      .collection('members')
      .where({ unionId: world.union('grassroots'), status: 'active', name: db.RegExp({ regexp: '^续导员' }) })
      .count();
    assert.equal(imported.total, count, 'every row once');
    await context.close();
  });
});

/** Names are Chinese characters only: the row number spelled digit by digit. */
function hanNumber(n: number): string {
  return [...String(n)].map((d) => '零一二三四五六七八九'[Number(d)]).join('');
}

async function waitFor(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  return check();
}
