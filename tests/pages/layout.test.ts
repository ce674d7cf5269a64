import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { demoWorld, type DemoWorld } from '../helpers/api';
import { usePageEnvironment } from '../helpers/page';
import { ensureBrowserPackages, launchBrowser, shoot } from '../helpers/shots';
import { PAGE_STATES, walkStates } from './states';

/**
 * Every page state laid out by Chromium on a 375 px wide phone: nothing may stick out of the screen,
 * no button label may wrap, no text may be cut off, no short label may break across lines, and
 * every tap target is at least 44 × 44 px.
 */
describe('pages in Chromium at 375 px: every state lays out cleanly', function () {
  this.timeout(300_000);
  usePageEnvironment();
  let world: DemoWorld;
  let browser: Browser;
  before(async function () {
    const ready = ensureBrowserPackages();
    if (!ready.ok) {
      if (process.env.CI) throw new Error(ready.reason);
      console.warn(`  skipped: ${ready.reason}`);
      this.skip();
    }
    world = await demoWorld();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });

  it(`walks ${PAGE_STATES.length} page states and finds no overflow, wrapped button, clipped text, broken label or small tap target`, async () => {
    const faults: string[] = [];
    const seen: string[] = [];
    await walkStates(world, async (state, page) => {
      seen.push(state.name);
      for (const f of await shoot(browser, page)) faults.push(`${state.name}: ${f.kind}: ${f.what}`);
    });
    assert.equal(seen.length, PAGE_STATES.length);
    assert.deepEqual(faults, []);
  });
});
