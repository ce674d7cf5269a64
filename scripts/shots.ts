/**
 * `npm run shots [-- name-filter]`: every page state (tests/pages/states.ts) painted by Chromium at a
 * 375 px wide phone into shots/<state>.png, with the layout faults each one has.
 */
import path from 'node:path';
import { demoWorld } from '../tests/helpers/api';
import { setupPageEnvironment } from '../tests/helpers/page';
import { ensureBrowserPackages, launchBrowser, shoot } from '../tests/helpers/shots';
import { PAGE_STATES, walkStates } from '../tests/pages/states';

const OUT = path.resolve(__dirname, '..', 'shots');

async function main(): Promise<void> {
  const filter = process.argv[2];
  const ready = ensureBrowserPackages();
  if (!ready.ok) throw new Error(ready.reason);
  const teardown = setupPageEnvironment();
  const world = await demoWorld();
  const browser = await launchBrowser();
  let faultCount = 0;
  try {
    await walkStates(
      world,
      async (state, page) => {
        const file = path.join(OUT, `${state.name}.png`);
        const faults = await shoot(browser, page, file);
        faultCount += faults.length;
        console.log(`${faults.length ? '✗' : '✓'} ${path.relative(process.cwd(), file)}`);
        for (const f of faults) console.log(`    ${f.kind}: ${f.what}`);
      },
      filter ? (s) => s.name.includes(filter) : undefined,
    );
  } finally {
    await browser.close();
    await world.close();
    await teardown();
  }
  console.log(
    `${PAGE_STATES.filter((s) => !filter || s.name.includes(filter)).length} states, ${faultCount} layout faults`,
  );
  if (faultCount) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
