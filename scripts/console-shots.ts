/**
 * `npm run console:shots`: screenshots of the back office's main screens (docs/console/*.png) taken
 * in headless Chromium against a fresh demo emulator, for the README and for looking at the UI.
 *   --size 1920x1080   another viewport (default 1280x800, the smaller office screen)
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_PASSWORD, demoPhone, demoUnionId } from '../fixtures/demo';
import { demoWorld, registerPerson } from '../tests/helpers/api';
import { catalogueId } from '../tests/helpers/catalogue';
import { ensureDebianPackage } from './system-packages';

const OUT = path.join(__dirname, '..', 'docs', 'console');

async function main(): Promise<void> {
  const size = (process.argv.find((a) => /^\d+x\d+$/.test(a)) ?? '1280x800').split('x').map(Number);
  const chrome = ensureDebianPackage('chromium', '/usr/bin/chromium');
  if (!chrome.ok) throw new Error(chrome.reason);
  // The demo world the tests use, with a few people waiting for review so the inbox is not empty.
  const world = await demoWorld();
  const emulator = world.emulator;
  for (const [i, name] of ['林晓明', '黄丽华', '陈志强'].entries()) {
    await registerPerson(world, `wx-shot-${i}`, { name, docNumber: catalogueId(9100 + i), phone: `1370009100${i}` });
    await world.as(`wx-shot-${i}`).ok('review', 'submit', {
      kind: 'memberJoin',
      data: { unionId: demoUnionId('grassroots'), unitName: '广州示例科技有限公司' },
    });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    fs.mkdirSync(OUT, { recursive: true });
    const page = await browser.newPage({ viewport: { width: size[0], height: size[1] } });
    const shot = async (name: string) => {
      await page.waitForLoadState('networkidle');
      // Every table and card has finished loading, and TDesign's transitions have settled.
      await page.waitForFunction(
        () => !document.querySelector('.t-table--loading, .t-loading--full, .t-loading__parent .t-loading'),
      );
      await page.waitForTimeout(600);
      await page.screenshot({ path: path.join(OUT, `${name}${size[0] === 1280 ? '' : `-${size[0]}`}.png`) });
      console.log(`  docs/console/${name}.png`);
    };
    await page.goto(emulator.consoleUrl);
    await page.getByText('后台系统 · 工会管理员登录').waitFor();
    await page.getByAltText('后台系统登录二维码').waitFor();
    await shot('login');
    await page.locator('.t-tabs__nav-item', { hasText: '密码登录' }).click();
    await page.getByLabel('手机号').fill(demoPhone(4));
    await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/#\/dashboard$/);
    await shot('dashboard');
    for (const [route, name] of [
      ['#/review', 'review'],
      ['#/member/real', 'members'],
      ['#/member/unreal', 'members-unreal'],
      ['#/member/import', 'import'],
      ['#/org/directory', 'directory'],
      [`#/org/detail/${demoUnionId('grassroots')}`, 'union-detail'],
      ['#/admin/roles', 'roles'],
      ['#/audit', 'audit'],
    ] as const) {
      await page.goto(`${emulator.consoleUrl}${route}`);
      await shot(name);
    }
    // A review's detail drawer, and the 工作台 of a county: roll-ups over a subtree.
    await page.goto(`${emulator.consoleUrl}#/review`);
    await page.locator('.t-table tbody tr').first().getByText('查看').click();
    await page.locator('.t-drawer .t-descriptions').waitFor();
    await shot('review-detail');
    const county = await browser.newPage({ viewport: { width: size[0], height: size[1] } });
    await county.goto(emulator.consoleUrl);
    await county.locator('.t-tabs__nav-item', { hasText: '密码登录' }).click();
    await county.getByLabel('手机号').fill(demoPhone(2));
    await county.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
    await county.getByRole('button', { name: '登录' }).click();
    await county.waitForURL(/#\/dashboard$/);
    await county.waitForLoadState('networkidle');
    await county.waitForTimeout(600);
    await county.screenshot({ path: path.join(OUT, `dashboard-county${size[0] === 1280 ? '' : `-${size[0]}`}.png`) });
    console.log('  docs/console/dashboard-county.png');
  } finally {
    await browser.close();
    await world.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
