/**
 * `npm run console:shots`: every menu's main screen of the back office, as each role, at 1280×800 and
 * 1920×1080, taken in headless Chromium against a fresh demo emulator, with the layout faults of each
 * (tests/helpers/console.ts). All pictures go to shots/console/<width>/ for looking at the UI; the
 * grassroots admin's screens, the county's 工作台 and 组织目录 (and a few at 1920) are also written to
 * docs/console/ for the README.
 * Exits 1 when a screen has a layout fault.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { demoPhone, demoUnionId } from '../fixtures/demo';
import { demoWorld, registerPerson, type DemoWorld } from '../tests/helpers/api';
import { catalogueId } from '../tests/helpers/catalogue';
import {
  CONSOLE_SIZES,
  consoleLayoutFaults,
  consoleLogin,
  grantReviewOperator,
  settled,
} from '../tests/helpers/console';
import { ensureDebianPackage } from './system-packages';

const ROOT = path.join(__dirname, '..');
const DOCS = path.join(ROOT, 'docs', 'console');
/** The pictures the README shows at 1920 too (the rest only at 1280). */
const DOCS_AT_1920 = new Set(['dashboard', 'members', 'review', 'directory']);

/** Each menu item's screen (console/src/menu.ts), by the title the side menu shows: [title, path, file]. */
const SCREENS = [
  ['工作台', '/dashboard', 'dashboard'],
  ['工会组织目录', '/org/directory', 'directory'],
  ['已实名会员', '/member/real', 'members'],
  ['未实名会员', '/member/unreal', 'members-unreal'],
  ['会员导入', '/member/import', 'import'],
  ['审核管理', '/review', 'review'],
  ['管理员设置', '/admin/roles', 'roles'],
  ['操作日志', '/audit', 'audit'],
] as const;

interface Role {
  key: string;
  phone: string;
  /** Its screens go to docs/console/ (under these names, prefixed for the county). */
  docs?: (screen: string) => string | undefined;
}

const ROLES: Role[] = [
  // The directory is the county's: a grassroots union has no subordinates to show in the tree.
  { key: 'grassroots-admin', phone: demoPhone(4), docs: (s) => (s === 'directory' ? undefined : s) },
  {
    key: 'county-admin',
    phone: demoPhone(2),
    docs: (s) => ({ dashboard: 'dashboard-county', directory: 'directory' })[s],
  },
  { key: 'operator', phone: demoPhone(10) },
  { key: 'province-office', phone: demoPhone(7) },
];

let faultCount = 0;

async function main(): Promise<void> {
  const chrome = ensureDebianPackage('chromium', '/usr/bin/chromium');
  if (!chrome.ok) throw new Error(chrome.reason);
  const world = await demoWorld();
  await seed(world);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    fs.mkdirSync(DOCS, { recursive: true });
    for (const size of CONSOLE_SIZES) for (const role of ROLES) await shootRole(browser, world, size, role);
  } finally {
    await browser.close();
    await world.close();
  }
  console.log(`${faultCount} layout faults`);
  if (faultCount) process.exitCode = 1;
}

/** A few people waiting for review so the inbox is not empty, and an operator who may review only. */
async function seed(world: DemoWorld): Promise<void> {
  for (const [i, name] of ['林晓明', '黄丽华', '陈志强'].entries()) {
    await registerPerson(world, `wx-shot-${i}`, { name, docNumber: catalogueId(9100 + i), phone: `1370009100${i}` });
    await world.as(`wx-shot-${i}`).ok('review', 'submit', {
      kind: 'memberJoin',
      data: { unionId: demoUnionId('grassroots'), unitName: '广州示例科技有限公司' },
    });
  }
  await grantReviewOperator(world);
}

async function shootRole(
  browser: Browser,
  world: DemoWorld,
  size: (typeof CONSOLE_SIZES)[number],
  role: Role,
): Promise<void> {
  const context = await browser.newContext({ viewport: size });
  const page = await context.newPage();
  const shot = async (screen: string) => {
    await settled(page);
    const file = path.join(ROOT, 'shots', 'console', String(size.width), `${role.key}-${screen}.png`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file });
    const doc = role.docs?.(screen);
    if (doc && (size.width === 1280 || DOCS_AT_1920.has(doc)))
      fs.copyFileSync(file, path.join(DOCS, `${doc}${size.width === 1280 ? '' : `-${size.width}`}.png`));
    const faults = await consoleLayoutFaults(page);
    faultCount += faults.length;
    console.log(`${faults.length ? '✗' : '✓'} ${path.relative(ROOT, file)}`);
    for (const f of faults) console.log(`    ${f.kind}: ${f.what}`);
  };
  try {
    await page.goto(world.emulator.consoleUrl);
    await page.getByAltText('后台系统登录二维码').waitFor();
    if (role === ROLES[0]) await shot('login');
    await consoleLogin(page, role.phone);
    await page.waitForURL(/#\/dashboard$/);
    // Each menu item this role is shown, opened as the clerk would.
    const titles = (await page.locator('.t-menu__item').allInnerTexts()).map((t) => t.trim());
    for (const [title, route, screen] of SCREENS) {
      if (!titles.includes(title)) continue;
      await page.goto(`${world.emulator.consoleUrl}#${route}`);
      await shot(screen);
      if (screen === 'review' && (await page.getByText('查看').count())) {
        await page.locator('.t-table tbody tr').first().getByText('查看').click();
        await page.locator('.t-drawer .t-descriptions').waitFor();
        await shot('review-detail');
      }
    }
    if (titles.includes('工会组织目录')) {
      await page.goto(`${world.emulator.consoleUrl}#/org/detail/${demoUnionId('grassroots')}`);
      await shot('union-detail');
    }
  } finally {
    await context.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
