/**
 * The back office in Chromium, shared by its tests and `npm run console:shots`: logging in, waiting
 * for a screen to settle, and the layout faults a clerk would notice on an office screen.
 */
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../fixtures/demo';
import type { RoleDoc, UserDoc } from '../../cloudfunctions/shared/documents';
import type { DemoWorld } from './api';
import { catalogueId } from './catalogue';
import { xlsxOf } from './files';

const HAN_DIGITS = '零一二三四五六七八九';

/**
 * `count` not-real-name members (`${prefix}零零`, `${prefix}零一`, …) imported into the grassroots union
 * by its admin through the importer, so a list has more than one page. Answers the union's
 * not-real-name total.
 */
export async function importMembers(world: DemoWorld, prefix: string, count: number, seed: number): Promise<number> {
  const rows = [
    ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'],
    ...Array.from({ length: count }, (_, i) => [
      `${prefix}${HAN_DIGITS[Math.floor(i / 10)]}${HAN_DIGITS[i % 10]}`,
      '居民身份证',
      catalogueId(seed + i),
      `137${String(seed).padStart(4, '0')}${String(1000 + i)}`,
      '',
    ]),
  ];
  const { fileID } = await world.admin.uploadFile({
    cloudPath: `uploads/imports/${prefix}.xlsx`,
    fileContent: xlsxOf(rows),
  });
  const admin = world.as('demo-admin-grassroots');
  let job = await admin.ok('importer', 'submit', { unionId: world.union('grassroots'), fileId: fileID });
  while (job.status === 'running') job = await admin.ok('importer', 'run', { jobId: job.jobId });
  return (await world.docs('members', { unionId: world.union('grassroots'), realName: false, status: 'active' }))
    .length;
}

/** The smaller and the common office screen (issue 19: usable at both). */
export const CONSOLE_SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

/** 孙注册 (demo seat 10, registered, no role) becomes an operator of the grassroots union who may only review. */
export async function grantReviewOperator(world: DemoWorld): Promise<void> {
  const [user] = await world.docs<UserDoc>('users', { name: '孙注册' });
  const role: Omit<RoleDoc, '_id'> = {
    userId: user._id,
    docIndex: user.docIndex,
    name: user.name,
    docMasked: user.doc.masked,
    phone: user.phone,
    unionId: world.union('grassroots'),
    role: 'operator',
    permissions: ['reviewMembers'],
    status: 'active',
    grantedBy: 'test',
    grantedAt: new Date(),
  };
  await world.admin.database().collection('roles').add(role);
}

/** Password login from the login page (the tab may already be open). */
export async function consoleLogin(page: Page, phone: string, password = DEMO_PASSWORD): Promise<void> {
  const tab = page.locator('.t-tabs__nav-item', { hasText: '密码登录' });
  if (!(await tab.getAttribute('class'))?.includes('t-is-active')) await tab.click();
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

/** Every table and card has loaded and TDesign's transitions (at most 330 ms) have ended. */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(
    () => !document.querySelector('.t-table--loading, .t-loading--full, .t-loading__parent .t-loading'),
  );
  await page.waitForTimeout(500);
}

export interface ConsoleFault {
  kind: 'page-scroll' | 'table-scroll' | 'clipped' | 'wrapped-button' | 'broken-heading';
  what: string;
}

/**
 * What is cut off or pushed out at this window size: the page or a table scrolling sideways, a
 * button or a cell whose text does not fit (an ellipsis cell is meant to shorten, so it is not
 * counted), a button wrapped onto two lines, a column heading broken across lines.
 */
export async function consoleLayoutFaults(page: Page): Promise<ConsoleFault[]> {
  return page.evaluate(() => {
    const faults: Array<{
      kind: 'page-scroll' | 'table-scroll' | 'clipped' | 'wrapped-button' | 'broken-heading';
      what: string;
    }> = [];
    const name = (el: Element) =>
      `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> “${(el.textContent ?? '').trim().slice(0, 24)}”`;
    const visible = (el: Element) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const textLines = (el: Element) => {
      const tops = new Set<number>();
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!(n.textContent ?? '').trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of Array.from(range.getClientRects())) if (r.width > 0) tops.add(Math.round(r.top));
      }
      return tops.size;
    };
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1)
      faults.push({ kind: 'page-scroll', what: `the page is ${root.scrollWidth} px wide in ${root.clientWidth} px` });
    for (const t of Array.from(document.querySelectorAll('.t-table__content'))) {
      if (visible(t) && t.scrollWidth > t.clientWidth + 1)
        faults.push({ kind: 'table-scroll', what: `a table needs ${t.scrollWidth} px, has ${t.clientWidth} px` });
    }
    const boxes = document.querySelectorAll(
      '.t-button, td, th, .t-tag, .t-radio-button, .t-menu__item, .t-tabs__nav-item',
    );
    for (const el of Array.from(boxes)) {
      if (!visible(el) || el.closest('.t-table__ellipsis, .t-text-ellipsis')) continue;
      const ellipsis = el.querySelector('.t-table__ellipsis, .t-text-ellipsis');
      if (!ellipsis && el.scrollWidth > el.clientWidth + 1)
        faults.push({ kind: 'clipped', what: `${name(el)} needs ${el.scrollWidth} px, shows ${el.clientWidth} px` });
      if (el.matches('.t-button') && textLines(el) > 1)
        faults.push({ kind: 'wrapped-button', what: `${name(el)} wraps onto ${textLines(el)} lines` });
      if (el.matches('th') && !ellipsis && textLines(el) > 1)
        faults.push({ kind: 'broken-heading', what: `${name(el)} breaks across ${textLines(el)} lines` });
    }
    return faults;
  });
}
