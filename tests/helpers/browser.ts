import type { Browser } from 'playwright-core';
import { requireOrSkip } from './system-packages';

/** Debian's Chromium, headless, through playwright-core (installed on first use). */
export async function launchChromium(ctx: Mocha.Context): Promise<Browser> {
  requireOrSkip(ctx, 'chromium', '/usr/bin/chromium');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    // This machine's network is closed: without these Chromium keeps dialling out at every start.
    // playwright gives it a fresh, empty profile of its own.
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
