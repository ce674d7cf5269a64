import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { demoWorld, registerPerson, type DemoWorld } from '../helpers/api';
import { launchChromium } from '../helpers/browser';
import { catalogueId } from '../helpers/catalogue';

/** The emulator's inspector page, driven in Debian's Chromium through playwright-core. */
describe('emulator inspector in headless Chromium', function () {
  this.timeout(300_000);
  let world: DemoWorld;
  let browser: Browser;
  let page: Page;

  before(async function () {
    browser = await launchChromium(this);
    world = await demoWorld();
    await registerPerson(world, 'wx-inspector', { name: '检查员', docNumber: catalogueId(6001), phone: '13700006001' });
    page = await browser.newPage();
    await page.goto(world.emulator.inspectorUrl);
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });

  it('lists the collections with their counts and shows a collection’s documents, filtered', async () => {
    await page.locator('#collections li', { hasText: 'unions' }).click();
    await page.locator('#docs pre').first().waitFor();
    assert.equal(await page.locator('#docs pre').count(), 8);
    await page.fill('#filter', '{"category":"grassroots"}');
    await page.click('#filter-form button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('#docs pre').length === 2);
    const text = await page.locator('#docs').innerText();
    assert.match(text, /广州示例科技有限公司工会委员会/);
    assert.doesNotMatch(text, /广州市总工会/);
    await page.fill('#filter', '{not json');
    await page.click('#filter-form button[type=submit]');
    await page.waitForFunction(
      () =>
        document.getElementById('db-status')?.classList.contains('error') ||
        /筛选|JSON|格式/.test(document.getElementById('db-status')?.textContent ?? ''),
    );
  });

  it('shows the outboxes, where a developer reads the SMS code', async () => {
    await page.click('nav button[data-tab=outbox]');
    await page.selectOption('#outbox-kind', 'sms');
    await page.locator('#outbox tr').first().waitFor();
    const text = await page.locator('#outbox').innerText();
    const sms = (await world.outbox('sms'))[0];
    assert.ok(text.includes(String(sms.payload.code)), 'the SMS code is readable in the inspector');
  });

  it('shows the recent function calls with their results, personal fields redacted', async () => {
    await page.click('nav button[data-tab=calls]');
    await page.click('#calls-refresh');
    await page.locator('#calls tr').first().waitFor();
    const text = await page.locator('#calls').innerText();
    assert.match(text, /account/);
    assert.ok(!text.includes(catalogueId(6001)), 'the ID number is redacted');
  });
});
