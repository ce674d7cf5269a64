import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { demoPhone } from '../../fixtures/demo';
import { demoWorld, registerPerson, type DemoWorld } from '../helpers/api';
import { launchChromium } from '../helpers/browser';
import { catalogueId } from '../helpers/catalogue';
import { CONSOLE_SIZES, consoleLayoutFaults, consoleLogin, importMembers, settled } from '../helpers/console';

const GRASSROOTS_ADMIN = demoPhone(4); // 王基管
const COUNTY_ADMIN = demoPhone(2); // 陈区管

/** What has the keyboard focus, as a person would name it. */
function focused(page: Page): Promise<{ text: string; label: string; tag: string; visibleFocus: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    // An outline on the element itself, or the shadow TDesign draws on an input's wrapper.
    const own = getComputedStyle(el);
    const wrapper = el.closest('.t-input, .t-textarea');
    return {
      text: (el.innerText ?? '').trim(),
      label: el.getAttribute('aria-label') ?? '',
      tag: el.tagName,
      visibleFocus:
        (own.outlineStyle !== 'none' && parseFloat(own.outlineWidth) > 0) ||
        (wrapper !== null && getComputedStyle(wrapper).boxShadow !== 'none'),
    };
  });
}

/**
 * Presses Tab (or Shift+Tab) until the focus is on what `wanted` names, as a keyboard user would,
 * and fails with the stops it passed when it never gets there.
 */
async function tabTo(page: Page, wanted: string, back = false): Promise<void> {
  const passed: string[] = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    if (now.text === wanted || now.label === wanted) {
      assert.ok(now.visibleFocus, `“${wanted}” shows no focus ring`);
      return;
    }
    passed.push(now.label || now.text.slice(0, 12) || now.tag);
  }
  assert.fail(`Tab never reached “${wanted}”; it passed: ${passed.join(' → ')}`);
}

/** The open dialog or drawer takes the focus, and ten Tabs never take it out. */
async function assertFocusTrapped(page: Page, popup: string): Promise<void> {
  // The trap takes the focus once the popup has become visible (after its opening transition).
  await page.waitForFunction((sel) => Boolean(document.activeElement?.closest(sel)), popup);
  for (let i = 0; i < 10; i++) {
    assert.ok(
      await page.evaluate((sel) => Boolean(document.activeElement?.closest(sel)), popup),
      `Tab ${i} left ${popup} for “${(await focused(page)).text}”`,
    );
    await page.keyboard.press('Tab');
  }
}

/** After a dialog or drawer closes, the focus goes back to the control that opened it. */
async function focusBackOn(page: Page, text: string): Promise<void> {
  await page
    .waitForFunction((t) => (document.activeElement as HTMLElement | null)?.innerText.trim() === t, text)
    .catch(async () => assert.fail(`the focus went to “${(await focused(page)).text.slice(0, 40)}”, not “${text}”`));
}

/** axe-core's rules that every control, link and image has an accessible name. */
async function unnamedControls(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withRules([
      'label',
      'select-name',
      'button-name',
      'link-name',
      'input-button-name',
      'aria-input-field-name',
      'aria-toggle-field-name',
      'image-alt',
    ])
    .analyze();
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.html.slice(0, 120)}`));
}

/** The back office with the keyboard only, named controls, and screens that fit office screens. */
describe('back office: keyboard, labels and screen sizes in headless Chromium', function () {
  this.timeout(300_000);
  let world: DemoWorld;
  let browser: Browser;

  before(async function () {
    browser = await launchChromium(this);
    world = await demoWorld();
    // A second page of 未实名会员, and one application to review.
    await importMembers(world, '键盘员', 25, 7700);
    await registerPerson(world, 'wx-keyboard', {
      name: '申请人键',
      docNumber: catalogueId(7790),
      phone: '13700077900',
    });
    await world.as('wx-keyboard').ok('review', 'submit', {
      kind: 'memberJoin',
      data: { unionId: world.union('grassroots'), unitName: '广州示例科技有限公司' },
    });
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });

  it('keyboard only: log in, open 未实名会员, page, search, select a row, open and Esc the removal dialog and a review’s detail', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(world.emulator.consoleUrl);
    await page.getByAltText('后台系统登录二维码').waitFor();

    await tabTo(page, '密码登录');
    await page.keyboard.press('Enter');
    await tabTo(page, '手机号');
    await page.keyboard.type(GRASSROOTS_ADMIN);
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).label, '密码', 'the password follows the phone');
    await page.keyboard.type('Demo@2026');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/dashboard$/);

    // The side menu: Tab reaches each item, Enter opens it.
    await tabTo(page, '未实名会员');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/member\/unreal$/);
    const pager = page.getByTestId('pager-total');
    await page.waitForFunction(() => document.querySelectorAll('.t-table tbody tr').length === 20);
    await tabTo(page, '下一页');
    await page.keyboard.press('Enter');
    await page.waitForURL(/page=2&cursor=/);
    await page.waitForFunction((el) => el?.textContent?.includes('第 2 页'), await pager.elementHandle());

    await tabTo(page, '搜索会员', true);
    await page.keyboard.type('键盘员零三');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=/);
    await page.waitForFunction(() => document.querySelectorAll('.t-table tbody tr').length === 1);
    assert.equal(await page.locator('.t-table tbody tr td:nth-child(2)').innerText(), '键盘员零三');

    // A row is selected with Space; the removal dialog keeps the focus and Esc closes it.
    await tabTo(page, '选择：键盘员零三');
    await page.keyboard.press('Space');
    await tabTo(page, '移出会员（1）', true);
    await page.keyboard.press('Enter');
    await page.getByText('请填写移出原因').waitFor();
    await assertFocusTrapped(page, '.t-dialog');
    await page.keyboard.press('Escape');
    await page.getByText('请填写移出原因').waitFor({ state: 'hidden' });
    await focusBackOn(page, '移出会员（1）');

    // 审核管理: 查看 opens the detail drawer, Tab stays in it, Esc closes it.
    await tabTo(page, '审核管理', true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/review$/);
    await page.getByText('申请人键', { exact: true }).waitFor();
    await tabTo(page, '查看');
    await page.keyboard.press('Enter');
    await page.locator('.t-drawer .t-descriptions').waitFor();
    await page.waitForFunction(() => Boolean(document.activeElement?.closest('.t-drawer')));
    await assertFocusTrapped(page, '.t-drawer');
    await page.keyboard.press('Escape');
    await page.locator('.t-drawer--open').waitFor({ state: 'detached' });
    await focusBackOn(page, '查看');
    await context.close();
  });

  it('every form control, button, link and image on the main screens has an accessible name (axe-core)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(world.emulator.consoleUrl);
    await page.getByAltText('后台系统登录二维码').waitFor();
    const found: string[] = [];
    const check = async (screen: string) => {
      await settled(page);
      for (const v of await unnamedControls(page)) found.push(`${screen} · ${v}`);
    };
    await check('登录 · 扫码');
    await page.locator('.t-tabs__nav-item', { hasText: '短信验证码登录' }).click();
    await check('登录 · 短信');
    await consoleLogin(page, GRASSROOTS_ADMIN);
    await page.waitForURL(/#\/dashboard$/);
    for (const route of ['dashboard', 'review', 'member/real', 'member/unreal', 'member/import', 'org/directory'])
      await page.goto(`${world.emulator.consoleUrl}#/${route}`).then(() => check(route));
    await page.goto(`${world.emulator.consoleUrl}#/org/detail/${world.union('grassroots')}`);
    await check('工会详情');
    for (const route of ['admin/roles', 'audit'])
      await page.goto(`${world.emulator.consoleUrl}#/${route}`).then(() => check(route));
    await page.goto(`${world.emulator.consoleUrl}#/review`);
    await page.locator('.t-table tbody tr').first().getByRole('button', { name: '查看' }).click();
    await page.locator('.t-drawer .t-descriptions').waitFor();
    await check('审核详情');
    assert.deepEqual(found, []);
    await context.close();
  });

  it('at 1280×800 and 1920×1080 no screen scrolls sideways, and no table cell or button is cut off', async () => {
    const faults: string[] = [];
    for (const size of CONSOLE_SIZES) {
      const context = await browser.newContext({ viewport: size });
      const page = await context.newPage();
      await page.goto(world.emulator.consoleUrl);
      await consoleLogin(page, COUNTY_ADMIN);
      await page.waitForURL(/#\/dashboard$/);
      const screens = ['dashboard', 'org/directory', 'member/real', 'member/import', 'review', 'admin/roles', 'audit'];
      // The county admin's own lists are empty: the grassroots admin's are full.
      const grassroots = await browser.newContext({ viewport: size });
      const full = await grassroots.newPage();
      await full.goto(world.emulator.consoleUrl);
      await consoleLogin(full, GRASSROOTS_ADMIN);
      await full.waitForURL(/#\/dashboard$/);
      for (const [tab, route] of [
        ...screens.map((r) => [page, r] as const),
        ...['dashboard', 'member/unreal', 'review', `org/detail/${world.union('grassroots')}`].map(
          (r) => [full, r] as const,
        ),
      ]) {
        await tab.goto(`${world.emulator.consoleUrl}#/${route}`);
        await settled(tab);
        for (const f of await consoleLayoutFaults(tab))
          faults.push(`${size.width}×${size.height} #/${route}: ${f.kind}: ${f.what}`);
      }
      await context.close();
      await grassroots.close();
    }
    assert.deepEqual(faults, []);
  });
});
