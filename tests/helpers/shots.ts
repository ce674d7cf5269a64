/**
 * Pages as a person sees them: the DOM miniprogram-simulate rendered (TDesign components included),
 * the page's and the app's WXSS as CSS at a 375 px wide phone, laid out and painted by real Chromium.
 * `npm run shots` saves the pictures; tests/pages/layout.test.ts checks every state for layout faults.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ensureDebianPackage } from '../../scripts/system-packages';
import { MP_OUT, pageStyleIds, type PageComponent } from './page';

export const VIEWPORT = { width: 375, height: 667 };
export const CHROMIUM = '/usr/bin/chromium';
const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

/** Chromium and a CJK font, installed on first use like the other system packages tests need. */
export function ensureBrowserPackages(): { ok: boolean; reason: string } {
  const chromium = ensureDebianPackage('chromium', CHROMIUM);
  if (!chromium.ok) return chromium;
  return ensureDebianPackage('fonts-noto-cjk', CJK_FONT);
}

export async function launchBrowser(): Promise<Browser> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--font-render-hinting=none'] });
}

/** WeChat's own look of its built-in components, where the page does not style them. */
const BUILTIN_CSS = `
html, body { margin: 0; padding: 0; }
body { width: ${VIEWPORT.width}px; font-family: 'Noto Sans CJK SC', 'PingFang SC', sans-serif; font-size: 16px; line-height: 1.4;
  -webkit-text-size-adjust: none; background: #f3f3f3; }
wx-view, wx-scroll-view, wx-swiper, wx-form, wx-navigator, wx-movable-area, wx-cover-view, wx-rich-text, wx-picker, wx-checkbox-group, wx-radio-group { display: block; }
wx-text, wx-label, wx-icon { display: inline; white-space: pre-wrap; }
wx-image { display: inline-block; width: 320px; height: 240px; overflow: hidden; background: center / contain no-repeat; }
wx-input { display: block; position: relative; height: 1.4em; min-height: 1.4em; line-height: 1.4em; overflow: hidden; white-space: nowrap; cursor: text; }
/* A native input's placeholder never widens the input: keep it out of the layout. */
wx-input[data-placeholder]::before { content: attr(data-placeholder); color: #bbb; position: absolute; left: 0; right: 0; overflow: hidden; text-overflow: ellipsis; }
wx-textarea { display: block; width: 300px; height: 150px; white-space: pre-wrap; }
wx-textarea[data-placeholder]::before { content: attr(data-placeholder); color: #bbb; }
wx-button { display: block; position: relative; margin: 0 auto; padding: 0 14px; box-sizing: border-box; font-size: 18px; text-align: center;
  line-height: 2.55555556; border-radius: 5px; color: #000; background: #f8f8f8; overflow: hidden; border: 1px solid rgba(0,0,0,.2); }
wx-button[size="mini"] { display: inline-block; line-height: 2.3; font-size: 13px; padding: 0 1.34em; }
wx-scroll-view { width: 100%; }
wx-scroll-view[scroll-x] { overflow-x: auto; white-space: nowrap; }
wx-checkbox, wx-radio { display: inline-block; width: 22px; height: 22px; border: 1px solid #d1d1d1; border-radius: 3px; vertical-align: middle; margin-right: 5px; }
wx-radio { border-radius: 50%; }
main { display: block; }
`;

/** WXSS → CSS: rpx at a 375 px screen, WeChat tags as the wx-* elements simulate renders. */
export function wxssToCss(wxss: string): string {
  const tags =
    'page|view|text|button|input|image|textarea|scroll-view|label|navigator|icon|picker|checkbox|radio|switch|slider|swiper|swiper-item|form|rich-text|progress';
  const rpx = wxss.replace(/(-?\d*\.?\d+)rpx/gi, (_m, n: string) => `${Number(n) / 2}px`);
  // Only selector text (before a "{") is rewritten, never declarations.
  return rpx.replace(/(^|[{}])([^{}@]+)(?=\{)/g, (_m, brace: string, selector: string) => {
    const rewritten = selector.replace(
      new RegExp(`(^|[\\s,>+~(])(${tags})(?![-\\w])`, 'g'),
      (_t, pre: string, tag: string) => `${pre}${tag === 'page' ? 'body' : `wx-${tag}`}`,
    );
    return brace + rewritten;
  });
}

type Simulated = {
  __wxElement?: { _vt?: { attrs: Array<{ name: string; value: unknown }> }; __wxEvents?: Record<string, unknown> };
};

/** What a native control shows, which simulate keeps in attributes rather than in the DOM. */
function showNativeState(original: Element, copy: Element): void {
  const from = [original, ...Array.from(original.querySelectorAll('*'))];
  const to = [copy, ...Array.from(copy.querySelectorAll('*'))];
  from.forEach((el, i) => {
    const attrs = new Map(((el as unknown as Simulated).__wxElement?._vt?.attrs ?? []).map((a) => [a.name, a.value]));
    const target = to[i];
    const tag = el.tagName.toLowerCase();
    // What a finger is meant to tap, for the 44 px target check: buttons, elements announcing an
    // interactive role, and the page's own tap handlers (TDesign also listens inside tags and icons,
    // whose roots carry the page's class too, passed to them as WeChat does).
    const events = (el as unknown as Simulated).__wxElement?.__wxEvents ?? {};
    const role = String(attrs.get('aria-role') ?? '');
    const cls = el.getAttribute('class') ?? '';
    const interactive =
      tag === 'wx-button' ||
      ['button', 'link', 'tab', 'checkbox', 'radio'].includes(role) ||
      (/(^|\s)main--/.test(cls) && !/(^|\s)t-[a-z-]+--t-/.test(cls));
    if ((events.tap || events.touchstart) && interactive) target.setAttribute('data-tap', '');
    if (tag === 'wx-input' || tag === 'wx-textarea') {
      const value = String(attrs.get('value') ?? '');
      const password = attrs.has('password') && attrs.get('password') !== false;
      if (value) target.textContent = password ? '•'.repeat(value.length) : value;
      else if (attrs.get('placeholder')) target.setAttribute('data-placeholder', String(attrs.get('placeholder')));
    } else if (tag === 'wx-image' && attrs.get('src')) {
      target.setAttribute(
        'style',
        `${target.getAttribute('style') ?? ''};background-image:url("${String(attrs.get('src'))}")`,
      );
      const mode = String(attrs.get('mode') ?? '');
      if (mode === 'widthFix' || mode === 'aspectFill')
        target.setAttribute('style', `${target.getAttribute('style')};background-size:cover`);
    } else if ((tag === 'wx-button' || tag === 'wx-scroll-view') && attrs.size) {
      for (const name of ['size', 'scroll-x', 'disabled'])
        if (attrs.has(name) && attrs.get(name) !== false) target.setAttribute(name, '');
    } else if ((tag === 'wx-checkbox' || tag === 'wx-radio') && attrs.get('checked')) {
      target.textContent = '✓';
    }
  });
}

let appCss: string | undefined;

/** The whole document Chromium lays out for one rendered page. */
export function pageHtml(page: PageComponent): string {
  const id = pageStyleIds.get(page);
  const pageStyle = id ? (document.querySelector(`style#${id}`)?.innerHTML ?? '') : '';
  if (appCss === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wxss = require('miniprogram-simulate/src/wxss') as {
      getContent(file: string): string;
      compile(text: string, opts: { prefix: string }): string;
    };
    appCss = wxssToCss(wxss.compile(wxss.getContent(path.join(MP_OUT, 'app.wxss')), { prefix: 'main' }));
  }
  const copy = page.dom.cloneNode(true) as Element;
  showNativeState(page.dom, copy);
  // simulate already turned rpx into px (at 375 px, see page.ts); only tags need rewriting here.
  return `<!doctype html><html><head><meta charset="utf-8"><style>${BUILTIN_CSS}</style><style>${appCss}</style><style>${wxssToCss(pageStyle)}</style></head><body>${copy.outerHTML}</body></html>`;
}

export interface LayoutFault {
  kind: 'overflow' | 'wrapped-button' | 'clipped-text' | 'broken-label' | 'small-target';
  what: string;
}

/** Faults a person would notice on a 375 px phone, measured by Chromium's layout. */
export async function layoutFaults(tab: Page): Promise<LayoutFault[]> {
  return tab.evaluate((width: number) => {
    const faults: Array<{
      kind: 'overflow' | 'wrapped-button' | 'clipped-text' | 'broken-label' | 'small-target';
      what: string;
    }> = [];
    const describe = (el: Element) =>
      `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> “${(el.textContent ?? '').trim().slice(0, 30)}”`;
    const shown = (el: Element) => {
      const s = getComputedStyle(el);
      return s.display !== 'none' && s.visibility !== 'hidden' && el.getClientRects().length > 0;
    };
    const scrolls = (el: Element) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX === 'auto' || s.overflowX === 'scroll') return true;
      }
      return false;
    };
    const lines = (el: Element) => {
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
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (!shown(el) || scrolls(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && (r.right > width + 0.5 || r.left < -0.5))
        faults.push({
          kind: 'overflow',
          what: `${describe(el)} spans ${Math.round(r.left)}–${Math.round(r.right)} px`,
        });
      const s = getComputedStyle(el);
      const ownText = Array.from(el.childNodes).some((c) => c.nodeType === 3 && (c.textContent ?? '').trim());
      if (
        ownText &&
        (s.overflowX === 'hidden' || s.overflow === 'hidden') &&
        s.textOverflow !== 'ellipsis' &&
        el.scrollWidth > el.clientWidth + 1 &&
        !el.tagName.startsWith('WX-INPUT')
      ) {
        faults.push({
          kind: 'clipped-text',
          what: `${describe(el)} needs ${el.scrollWidth} px, shows ${el.clientWidth} px`,
        });
      }
      // A short label (a word or two) broken across lines reads as two labels.
      const label = Array.from(el.childNodes)
        .filter((c) => c.nodeType === 3)
        .map((c) => (c.textContent ?? '').trim())
        .join('');
      if (label && [...label].length <= 8 && !/\s/.test(label) && lines(el) > 1)
        faults.push({ kind: 'broken-label', what: `${describe(el)} breaks across ${lines(el)} lines` });
    }
    // WeChat's design guide: tap targets at least 44 × 44 px (88rpx).
    for (const t of Array.from(document.querySelectorAll('[data-tap]'))) {
      if (t.parentElement?.closest('[data-tap]')) continue; // the outer element is what the finger hits
      const r = t.getBoundingClientRect();
      if (shown(t) && (r.height < 43.5 || r.width < 43.5))
        faults.push({
          kind: 'small-target',
          what: `${describe(t)} is ${Math.round(r.width)} × ${Math.round(r.height)} px`,
        });
    }
    for (const b of Array.from(document.querySelectorAll('wx-button'))) {
      if (shown(b) && lines(b) > 1)
        faults.push({ kind: 'wrapped-button', what: `${describe(b)} wraps onto ${lines(b)} lines` });
    }
    return faults;
  }, VIEWPORT.width);
}

/** Lays the page out in Chromium; answers its faults and, when asked, a full-page PNG. */
export async function shoot(browser: Browser, page: PageComponent, png?: string): Promise<LayoutFault[]> {
  const tab = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: png ? 2 : 1 });
  try {
    // Nothing leaves the machine: inline data, and the local emulator's storage (a QR code, an uploaded photo).
    await tab.route('**/*', (route) =>
      /^(data:|http:\/\/127\.0\.0\.1[:/])/.test(route.request().url()) ? route.continue() : route.abort(),
    );
    await tab.setContent(pageHtml(page), { waitUntil: 'load' });
    const faults = await layoutFaults(tab);
    if (png) {
      fs.mkdirSync(path.dirname(png), { recursive: true });
      await tab.screenshot({ path: png, fullPage: true });
    }
    return faults;
  } finally {
    await tab.close();
  }
}
