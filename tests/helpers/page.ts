/**
 * Page tests: the built mini-program (dist/miniprogram) rendered by miniprogram-simulate with the
 * official wcc compiler, in a jsdom window that exists only while page suites run.
 */
import path from 'node:path';
import { resolveComponent } from '../../scripts/build-miniprogram';
import type { RunningEmulator } from '../../emulator/server';
import { demoWorld, type DemoWorld } from './api';
import { sdkFor } from './emulator';

export const MP_OUT = path.join(__dirname, '..', '..', 'dist', 'miniprogram');

/** What the page asked WeChat to do, so a test can check what the user saw. */
export interface WxRecorder {
  toasts: Array<{ title: string; icon?: string }>;
  modals: Array<{ title?: string; content?: string }>;
  navigations: Array<{ kind: string; url: string }>;
  phoneCalls: string[];
  /** Answer the next dialog with confirm (true) or cancel (false), or leave it open ('leave', for a picture). */
  modalAnswers: Array<boolean | 'leave'>;
  /** Text typed into the next editable showModal (reasons). */
  modalTexts: string[];
  storage: Map<string, unknown>;
  clipboard: string[];
  subscribeRequests: string[][];
  savedImages: string[];
  /** Files opened in WeChat's document viewer (wx.openDocument), by the URL they were downloaded from. */
  documents: Array<{ url: string; fileType?: string; showMenu?: boolean }>;
  /** What wx.scanCode reads next. */
  scanResults: string[];
  /** Files the user picks next (chooseMessageFile / chooseMedia), by name. */
  pickFiles: Array<{ name: string; content: Buffer }>;
  /** Where wx.cloud.uploadFile puts a picked file: the emulator's storage through the real SDK (connectToEmulator). */
  uploader?: (cloudPath: string, content: Buffer) => Promise<string>;
}

type Simulate = {
  load(componentPath: string, options: Record<string, unknown>): string;
  render(id: string, props?: Record<string, unknown>): PageComponent;
  sleep(ms?: number): Promise<void>;
};

export interface PageComponent {
  instance: Record<string, (...args: unknown[]) => unknown> & { data: Record<string, unknown> };
  dom: HTMLElement;
  data: Record<string, unknown>;
  attach(parent: Element): void;
  detach(): void;
  querySelector(selector: string): PageComponent | null;
  querySelectorAll(selector: string): PageComponent[];
  dispatchEvent(name: string, detail?: Record<string, unknown>): void;
  setData(data: Record<string, unknown>): void;
}

let simulate: Simulate | undefined;
const NODE_OWN = [
  'AbortController',
  'AbortSignal',
  'URL',
  'URLSearchParams',
  'Blob',
  'File',
  'FormData',
  'Headers',
  'Request',
  'Response',
  'fetch',
  'TextEncoder',
  'TextDecoder',
  'atob',
  'btoa',
  'structuredClone',
  'performance',
];
let cleanupJsdom: (() => Promise<void>) | undefined;
export const wxCalls: WxRecorder = {
  toasts: [],
  modals: [],
  navigations: [],
  phoneCalls: [],
  modalAnswers: [],
  modalTexts: [],
  storage: new Map(),
  clipboard: [],
  subscribeRequests: [],
  savedImages: [],
  documents: [],
  scanResults: [],
  pickFiles: [],
};
const tempFiles = new Map<string, Buffer>();

function installWx(): void {
  const wx = (global as unknown as { wx: Record<string, unknown> }).wx;
  // TDesign's components read getApp() when they are created; pages are tested without the App.
  const g = global as unknown as Record<string, unknown>;
  const app = { globalData: {} };
  if (typeof g.getApp !== 'function') g.getApp = () => app;
  if (typeof g.getCurrentPages !== 'function') g.getCurrentPages = () => [];
  type Callbacks = { success?: (r: unknown) => void; complete?: () => void };
  const ok = (opts: object | undefined, res: unknown = {}) => {
    (opts as Callbacks | undefined)?.success?.(res);
    (opts as Callbacks | undefined)?.complete?.();
    return Promise.resolve(res);
  };
  Object.assign(wx, {
    showToast: (o: { title: string; icon?: string }) => (wxCalls.toasts.push({ title: o.title, icon: o.icon }), ok(o)),
    showLoading: (o: unknown) => ok(o as never),
    hideLoading: (o?: unknown) => ok(o as never),
    showModal: (o: { title?: string; content?: string; editable?: boolean; success?: (r: unknown) => void }) => {
      wxCalls.modals.push({ title: o.title, content: o.content });
      const confirm = wxCalls.modalAnswers.length ? wxCalls.modalAnswers.shift() === true : true;
      const content = o.editable ? (wxCalls.modalTexts.shift() ?? '') : undefined;
      return ok(o, { confirm, cancel: !confirm, ...(content !== undefined ? { content } : {}) });
    },
    requestSubscribeMessage: (o: { tmplIds: string[] }) => (
      wxCalls.subscribeRequests.push(o.tmplIds),
      ok(o, { errMsg: 'requestSubscribeMessage:ok' })
    ),
    setClipboardData: (o: { data: string }) => (wxCalls.clipboard.push(o.data), ok(o)),
    scanCode: (o: { success?: (r: unknown) => void; fail?: (e: unknown) => void }) => {
      const result = wxCalls.scanResults.shift();
      if (result === undefined) return o.fail?.({ errMsg: 'scanCode:fail cancel' });
      return ok(o, { result, scanType: 'QR_CODE' });
    },
    chooseMessageFile: (o: { success?: (r: unknown) => void; fail?: (e: unknown) => void }) => {
      const f = wxCalls.pickFiles.shift();
      if (!f) return o.fail?.({ errMsg: 'chooseMessageFile:fail cancel' });
      const path = `wxfile://tmp/${Date.now()}-${f.name}`;
      tempFiles.set(path, f.content);
      return ok(o, { tempFiles: [{ path, name: f.name, size: f.content.length, type: 'file', time: Date.now() }] });
    },
    chooseMedia: (o: { success?: (r: unknown) => void; fail?: (e: unknown) => void }) => {
      const f = wxCalls.pickFiles.shift();
      if (!f) return o.fail?.({ errMsg: 'chooseMedia:fail cancel' });
      const path = `wxfile://tmp/${Date.now()}-${f.name}`;
      tempFiles.set(path, f.content);
      return ok(o, { tempFiles: [{ tempFilePath: path, size: f.content.length, fileType: 'image' }] });
    },
    downloadFile: (o: { url: string }) => ok(o, { tempFilePath: o.url, statusCode: 200 }),
    saveImageToPhotosAlbum: (o: { filePath: string }) => (wxCalls.savedImages.push(o.filePath), ok(o)),
    // downloadFile answers the URL itself as the temp path, so the opened document names what was downloaded.
    openDocument: (o: { filePath: string; fileType?: string; showMenu?: boolean }) => (
      wxCalls.documents.push({ url: o.filePath, fileType: o.fileType, showMenu: o.showMenu }),
      ok(o)
    ),
    stopPullDownRefresh: (o?: unknown) => ok(o as never),
    setNavigationBarTitle: (o: unknown) => ok(o as never),
    cloud: {
      init: () => undefined,
      uploadFile: (o: {
        cloudPath: string;
        filePath: string;
        success?: (r: unknown) => void;
        fail?: (e: unknown) => void;
      }) => {
        const content = tempFiles.get(o.filePath);
        if (!content || !wxCalls.uploader) return o.fail?.({ errMsg: 'uploadFile:fail' });
        wxCalls.uploader(o.cloudPath, content).then(
          (fileID) => o.success?.({ fileID, statusCode: 200 }),
          (e: unknown) => o.fail?.(e),
        );
      },
    },
    navigateTo: (o: { url: string }) => (wxCalls.navigations.push({ kind: 'navigateTo', url: o.url }), ok(o)),
    redirectTo: (o: { url: string }) => (wxCalls.navigations.push({ kind: 'redirectTo', url: o.url }), ok(o)),
    reLaunch: (o: { url: string }) => (wxCalls.navigations.push({ kind: 'reLaunch', url: o.url }), ok(o)),
    switchTab: (o: { url: string }) => (wxCalls.navigations.push({ kind: 'switchTab', url: o.url }), ok(o)),
    navigateBack: (o?: unknown) => (wxCalls.navigations.push({ kind: 'navigateBack', url: '' }), ok(o as never)),
    makePhoneCall: (o: { phoneNumber: string }) => (wxCalls.phoneCalls.push(o.phoneNumber), ok(o)),
    getStorageSync: (k: string) => wxCalls.storage.get(k) ?? '',
    setStorageSync: (k: string, v: unknown) => void wxCalls.storage.set(k, v),
    removeStorageSync: (k: string) => void wxCalls.storage.delete(k),
  });
}

/**
 * miniprogram-simulate resolves `usingComponents` only relative to the page, so `tdesign-miniprogram/…`
 * would render as an empty unknown tag. Resolve package paths from miniprogram_npm as WeChat does,
 * handing simulate the root-absolute path of the built component.
 */
let npmResolution = false;
function resolveNpmComponents(): void {
  if (npmResolution) return;
  npmResolution = true;
  // simulate turns 1rpx into 1px; on a 375 px wide phone 750rpx is the screen, so 1rpx is 0.5px.
  const rpx = (style: string) => style.replace(/(-?\d*\.?\d+)rpx/gi, (_m, n: string) => `${Number(n) / 2}px`);
  for (const mod of ['miniprogram-simulate/src/utils', 'j-component/src/tool/utils']) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(mod) as { transformRpx(s: string): string }).transformRpx = rpx;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const utils = require('miniprogram-simulate/src/utils') as { readJson(file: string): Record<string, unknown> | null };
  const readJson = utils.readJson;
  utils.readJson = (file: string) => {
    const json = readJson(file);
    const using = json?.usingComponents as Record<string, string> | undefined;
    if (!json || !using || !file.startsWith(MP_OUT)) return json;
    for (const [tag, spec] of Object.entries(using)) {
      if (spec.startsWith('.') || spec.startsWith('/')) continue;
      const hit = resolveComponent(file, spec, MP_OUT);
      if (!hit)
        throw new Error(
          `${path.relative(MP_OUT, file)}: component ${tag} = ${spec} does not resolve in dist/miniprogram`,
        );
      using[tag] = `/${path.relative(MP_OUT, hit).split(path.sep).join('/')}`;
    }
    return json;
  };
}

/**
 * TDesign's components are virtual hosts (no node of their own) that take the page's `class` as their
 * external class "class", as WeChat passes it; j-component sets it on the missing host instead, so a
 * page's spacing on a TDesign component (a card group's margin) was lost from tests and pictures.
 */
let externalClassPatched = false;
function passClassToVirtualHosts(): void {
  if (externalClassPatched) return;
  externalClassPatched = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exparser = require('miniprogram-exparser') as {
    Element: { prototype: object };
    Component: {
      prototype: object;
      getComponentOptions(node: unknown): { virtualHost?: boolean };
    };
  };
  const own = Object.getOwnPropertyDescriptor(exparser.Element.prototype, 'class');
  if (!own?.set || !own.get) throw new Error('miniprogram-exparser: Element.class is no longer an accessor');
  const setClass = own.set;
  Object.defineProperty(exparser.Component.prototype, 'class', {
    configurable: true,
    get: own.get,
    set(this: { hasExternalClass(n: string): boolean; setExternalClass(n: string, v: string): void }, value: string) {
      setClass.call(this, value);
      if (exparser.Component.getComponentOptions(this).virtualHost && this.hasExternalClass('class'))
        this.setExternalClass('class', value);
    },
  });
}

/** TDesign's longest transition (transitionDurations 300 ms, plus its own 30 ms step), with room to spare. */
const TRANSITION_SETTLE_MS = 500;

/** Sets up jsdom and miniprogram-simulate (outside mocha too, for `npm run shots`); answers the teardown. */
export function setupPageEnvironment(): () => Promise<void> {
  const g = global as unknown as Record<string, unknown>;
  // jsdom-global overwrites globals and deletes them on cleanup; keep Node's own for the emulator,
  // the SDK and fetch (undici rejects a jsdom AbortSignal), and put everything back afterwards.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const keys = [...(require('jsdom-global/keys') as string[]), 'document', 'window'];
  const saved = new Map(keys.map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cleanup = (require('jsdom-global') as (html?: string, opts?: object) => () => void)(undefined, {
    pretendToBeVisual: true,
    url: 'http://localhost/',
  });
  for (const k of NODE_OWN) {
    const d = saved.get(k);
    if (d) Object.defineProperty(globalThis, k, d);
  }
  g.CustomEvent = (g.window as Record<string, unknown>).CustomEvent;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  simulate ??= require('miniprogram-simulate') as Simulate;
  resolveNpmComponents();
  passClassToVirtualHosts();
  installWx();
  return async () => {
    // Detaching ends what pages left running (a code button's countdown) before the DOM goes away.
    for (const page of openedPages) {
      try {
        page.detach();
      } catch {
        // already detached
      }
    }
    openedPages.clear();
    // TDesign's transitions (a toast or dialog closing) finish on their own timers, at most
    // 300 ms + 30 ms after they start, and render when they fire: let them fire while the DOM exists.
    await new Promise((resolve) => setTimeout(resolve, TRANSITION_SETTLE_MS));
    cleanup();
    for (const [k, d] of saved) {
      if (d) Object.defineProperty(globalThis, k, d);
      else delete g[k];
    }
  };
}

/** Forgets what the previous test's pages asked of WeChat. */
export function resetWxCalls(): void {
  for (const value of Object.values(wxCalls)) {
    if (Array.isArray(value)) value.length = 0;
    else if (value instanceof Map) value.clear();
  }
}

/** Runs the built app.js as WeChat does at launch (App() then onLaunch), with the wx the test set up. */
export function launchApp(): void {
  const g = global as unknown as { App: (o: { onLaunch(): void }) => void };
  let app: { onLaunch(): void } | undefined;
  g.App = (o) => (app = o);
  const file = path.join(MP_OUT, 'app.js');
  delete require.cache[file];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh copy of the built app after clearing the cache
  require(file);
  app?.onLaunch();
}

/** Call inside a describe(): sets up jsdom and miniprogram-simulate for that suite only. */
export function usePageEnvironment(): void {
  before(function () {
    this.timeout(120_000);
    cleanupJsdom = setupPageEnvironment();
  });
  beforeEach(resetWxCalls);
  after(() => cleanupJsdom?.());
}

const openedPages = new Set<PageComponent>();

/** The <style> simulate inserted for each rendered page (its WXSS, class names prefixed). */
export const pageStyleIds = new WeakMap<PageComponent, string>();

/** Renders a page (written with Component()) and runs its onLoad with the given query. */
export function openPage(pagePath: string, query: Record<string, string> = {}): PageComponent {
  if (!simulate) throw new Error('usePageEnvironment() must run first');
  const id = simulate.load(path.join(MP_OUT, pagePath), { rootPath: MP_OUT, compiler: 'official' });
  const page = simulate.render(id);
  pageStyleIds.set(page, id);
  openedPages.add(page);
  page.attach(document.createElement('parent-wrapper'));
  watchFeedback(page);
  const onLoad = page.instance.onLoad;
  if (typeof onLoad === 'function') onLoad.call(page.instance, query);
  return page;
}

export function settle(ms = 0): Promise<void> {
  if (!simulate) throw new Error('usePageEnvironment() must run first');
  return simulate.sleep(ms);
}

/** exparser's node behind a j-component wrapper (the simulate API keeps it private). */
interface ExNode {
  $$?: Node;
  __virtual?: boolean;
  __wxSlotChildren?: ExNode[];
  shadowRoot?: ExNode & { querySelector(sel: string): ExNode | null };
  childNodes?: ExNode[];
  is?: string;
}
const exNode = (c: PageComponent): ExNode => (c as unknown as { _exparserNode: ExNode })._exparserNode;

/**
 * The DOM nodes a component shows. TDesign components are virtual hosts (no element of their own),
 * so their text and their tappable root are found in what they render.
 */
function rendered(node: ExNode): ExNode[] {
  if (!node.__virtual && node.$$) return [node];
  return (node.__wxSlotChildren ?? []).flatMap(rendered);
}

/** Visible text of a page element or a TDesign component. */
export function textOf(c: PageComponent): string {
  if (c.dom) return (c.dom.textContent ?? '').trim();
  return rendered(exNode(c))
    .map((n) => n.$$?.textContent ?? '')
    .join('')
    .trim();
}

/**
 * Elements by selector; `a >>> b` looks for b inside component a's own tree (a custom component such
 * as the union picker, or a TDesign component), as WeChat's selector query does.
 */
export function findAll(page: PageComponent, selector: string): PageComponent[] {
  const [first, ...rest] = selector.split('>>>').map((s) => s.trim());
  let found = page.querySelectorAll(first);
  for (const part of rest) found = found.flatMap((c) => c.querySelectorAll(part));
  return found;
}

export function find(page: PageComponent, selector: string): PageComponent | null {
  return findAll(page, selector)[0] ?? null;
}

/** Visible text of every element matching the selector, in document order. */
export function texts(page: PageComponent, selector: string): string[] {
  return findAll(page, selector).map(textOf);
}

/** The element a finger lands on: the element itself, or the root a TDesign component renders. */
function touchTarget(el: PageComponent): PageComponent {
  if (el.dom) return el;
  const root = rendered(exNode(el)).find((n) => n.$$ && n.$$.nodeType === 1);
  if (!root) throw new Error('the component renders nothing to tap');
  const Wrapper = el.constructor as new (n: ExNode) => PageComponent;
  return new Wrapper(root);
}

/** Taps an element (by selector; `index` for the n-th match, e.g. the second tab) as the user would. */
export async function tap(page: PageComponent, selector: string, index = 0): Promise<void> {
  // A person waits for the loading mask, and for an open dialog to be answered, before tapping again.
  await until(
    page,
    () => !page.data.busy && !find(page, '#t-dialog')?.data.visible,
    `the page to finish loading before tapping ${selector}`,
  );
  const el = findAll(page, selector)[index];
  if (!el) throw new Error(`nothing to tap at ${selector}${index ? ` #${index}` : ''}`);
  touchTarget(el).dispatchEvent('tap');
  await settle();
}

/** The native input inside a TDesign field (t-input, t-search, t-textarea). */
function nativeField(el: PageComponent): PageComponent | undefined {
  const walk = (n: ExNode): ExNode | undefined => {
    if (n.is === 'input' || n.is === 'textarea') return n;
    for (const c of [...(n.shadowRoot ? [n.shadowRoot] : []), ...(n.childNodes ?? [])]) {
      const hit = walk(c);
      if (hit) return hit;
    }
    return undefined;
  };
  const hit = walk(exNode(el));
  const Wrapper = el.constructor as new (n: ExNode) => PageComponent;
  return hit ? new Wrapper(hit) : undefined;
}

/**
 * Types into a field: a TDesign t-input / t-search / t-textarea gets the keystrokes in its own native
 * input, as on a phone; a native input or picker gets the event directly. `event` names the event for
 * natives (picker / checkbox-group use change).
 */
export async function type(page: PageComponent, selector: string, value: unknown, event = 'input'): Promise<void> {
  const el = find(page, selector);
  if (!el) throw new Error(`no field at ${selector}`);
  const field = el.dom ? el : nativeField(el);
  if (!field) throw new Error(`${selector} has no input to type into`);
  field.dispatchEvent(field === el ? event : 'input', { detail: { value, cursor: String(value).length } });
  await settle();
}

/**
 * What a TDesign component itself announces (a picker's confirm, a tab change, a popup's close): the
 * component instance triggers the event, so the page's handler runs as in WeChat.
 */
export async function emit(
  page: PageComponent,
  selector: string,
  event: string,
  detail: Record<string, unknown>,
): Promise<void> {
  const el = find(page, selector);
  if (!el) throw new Error(`no component at ${selector}`);
  (el.instance as unknown as { triggerEvent(name: string, detail: unknown): void }).triggerEvent(event, detail);
  await settle();
}

/** Where utils/ui opens TDesign's toasts and dialogs: the page's own, and the privacy popup's toast. */
const TOASTS = ['#t-toast', '#privacy >>> #t-toast'];

/**
 * What the person sees of the t-toast and t-dialog that utils/ui opens, read from what they render:
 * each toast's text joins wxCalls.toasts as it appears, each dialog's title and text join
 * wxCalls.modals, and the person answers the dialog by tapping its own button (confirm, unless
 * wxCalls.modalAnswers says otherwise; 'leave' keeps it open for a picture).
 */
function watchFeedback(page: PageComponent): void {
  const shown = new Map<string, string>();
  let dialogOpen = false;
  const check = () => {
    for (const sel of TOASTS) {
      const el = find(page, sel);
      const text = el?.data.visible ? texts(page, `${sel} >>> .t-toast__text`).join('') : '';
      if (text && text !== shown.get(sel)) wxCalls.toasts.push({ title: text });
      shown.set(sel, text);
    }
    const dialog = find(page, '#t-dialog');
    const open = Boolean(dialog?.data.visible) && findAll(page, '#t-dialog >>> .t-dialog__button--confirm').length > 0;
    if (open && !dialogOpen) {
      wxCalls.modals.push({
        title: texts(page, '#t-dialog >>> .t-dialog__header').join(''),
        content: texts(page, '#t-dialog >>> .t-dialog__body-text').join(''),
      });
      const answer = wxCalls.modalAnswers.length ? wxCalls.modalAnswers.shift() : true;
      const button =
        answer === false && findAll(page, '#t-dialog >>> .t-dialog__button--cancel').length ? 'cancel' : 'confirm';
      // The tap comes after the dialog is on screen, as a person's would.
      if (answer !== 'leave')
        setTimeout(
          () => touchTarget(findAll(page, `#t-dialog >>> .t-dialog__button--${button}`)[0]).dispatchEvent('tap'),
          0,
        );
    }
    dialogOpen = open;
  };
  // jsdom-global leaves MutationObserver on jsdom's window only.
  const Observer = (window as unknown as { MutationObserver: typeof MutationObserver }).MutationObserver;
  new Observer(check).observe(page.dom, { subtree: true, childList: true, characterData: true, attributes: true });
}

/** Writes a reason into the page's reason dialog (reject, remove, revoke) once it opens, and confirms. */
export async function answerReason(page: PageComponent, reason: string): Promise<void> {
  await until(page, () => Boolean(find(page, '#reason-dialog')?.data.visible), 'the reason dialog');
  await type(page, '#reason-dialog >>> #reason-input', reason);
  await tap(page, '#reason-dialog >>> #reason-confirm');
}

/** Waits until the page shows what the test expects (calls are asynchronous), or fails with what it shows. */
export async function until(
  page: PageComponent,
  check: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `timed out waiting for ${what}; page shows: ${(page.dom.textContent ?? '').replace(/\s+/g, ' ').slice(0, 400)}; toasts: ${JSON.stringify(wxCalls.toasts)}`,
      );
    }
    await settle(10);
  }
}

export function pageText(page: PageComponent): string {
  return (page.dom.textContent ?? '').replace(/\s+/g, ' ');
}

/**
 * Points the mini-program at the emulator, in-process: its function calls (as the WeChat user `actAs`
 * names) and the files it uploads (wx.cloud.uploadFile, into the emulator's storage through the real
 * SDK). The real functions and database, no mocked wx.cloud.
 */
export function connectToEmulator(
  emulator: Pick<RunningEmulator, 'envId' | 'serviceUrl'> & {
    functions: { invoke(name: string, event: unknown, identity: { openid?: string }): Promise<{ result: unknown }> };
  },
): { actAs(openid: string | undefined): void } {
  let openid: string | undefined;
  const storage = sdkFor(emulator);
  wxCalls.uploader = async (cloudPath, content) =>
    (await storage.uploadFile({ cloudPath, fileContent: content })).fileID;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const transport = require(path.join(MP_OUT, 'api', 'transport.js')) as {
    setTransport(t: (name: string, data: Record<string, unknown>) => Promise<unknown>): void;
  };
  transport.setTransport(
    async (name, data) =>
      (await emulator.functions.invoke(name, data, { openid, appid: 'wx-page-test' } as { openid?: string })).result,
  );
  return {
    actAs(id) {
      openid = id;
    },
  };
}

/**
 * A page suite against a fresh demo emulator: the page environment, the world, and the WeChat user
 * the mini-program acts as. The world exists from the suite's `before` on.
 */
export function usePageWorld(): { readonly world: DemoWorld; actAs(openid: string | undefined): void } {
  usePageEnvironment();
  let world: DemoWorld | undefined;
  let link: ReturnType<typeof connectToEmulator> | undefined;
  before(async () => {
    world = await demoWorld();
    link = connectToEmulator(world.emulator);
  });
  after(() => world?.close());
  return {
    get world(): DemoWorld {
      if (!world) throw new Error('the page world exists only inside the suite');
      return world;
    },
    actAs: (openid) => link?.actAs(openid),
  };
}
