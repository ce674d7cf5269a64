/**
 * Page tests: the built mini-program (dist/miniprogram) rendered by miniprogram-simulate with the
 * official wcc compiler, in a jsdom window that exists only while page suites run.
 */
import path from 'node:path';

export const MP_OUT = path.join(__dirname, '..', '..', 'dist', 'miniprogram');

/** What the page asked WeChat to do, so a test can check what the user saw. */
export interface WxRecorder {
  toasts: Array<{ title: string; icon?: string }>;
  modals: Array<{ title?: string; content?: string }>;
  navigations: Array<{ kind: string; url: string }>;
  phoneCalls: string[];
  /** Answer the next showModal with confirm (true) or cancel (false). */
  modalAnswers: boolean[];
  storage: Map<string, unknown>;
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
let cleanupJsdom: (() => void) | undefined;
export const wxCalls: WxRecorder = { toasts: [], modals: [], navigations: [], phoneCalls: [], modalAnswers: [], storage: new Map() };

function installWx(): void {
  const wx = (global as unknown as { wx: Record<string, unknown> }).wx;
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
    showModal: (o: { title?: string; content?: string; success?: (r: unknown) => void }) => {
      wxCalls.modals.push({ title: o.title, content: o.content });
      const confirm = wxCalls.modalAnswers.length ? (wxCalls.modalAnswers.shift() as boolean) : true;
      return ok(o, { confirm, cancel: !confirm });
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

/** Call inside a describe(): sets up jsdom and miniprogram-simulate for that suite only. */
export function usePageEnvironment(): void {
  before(function () {
    this.timeout(120_000);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cleanupJsdom = (require('jsdom-global') as (html?: string, opts?: object) => () => void)(undefined, { pretendToBeVisual: true, url: 'http://localhost/' });
    const g = global as unknown as Record<string, unknown>;
    g.CustomEvent = (g.window as Record<string, unknown>).CustomEvent;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    simulate ??= require('miniprogram-simulate') as Simulate;
    installWx();
  });
  beforeEach(() => {
    wxCalls.toasts.length = 0;
    wxCalls.modals.length = 0;
    wxCalls.navigations.length = 0;
    wxCalls.phoneCalls.length = 0;
    wxCalls.modalAnswers.length = 0;
    wxCalls.storage.clear();
  });
  after(() => cleanupJsdom?.());
}

/** Renders a page (written with Component()) and runs its onLoad with the given query. */
export function openPage(pagePath: string, query: Record<string, string> = {}): PageComponent {
  if (!simulate) throw new Error('usePageEnvironment() must run first');
  const id = simulate.load(path.join(MP_OUT, pagePath), { rootPath: MP_OUT, compiler: 'official' });
  const page = simulate.render(id);
  page.attach(document.createElement('parent-wrapper'));
  const onLoad = page.instance.onLoad;
  if (typeof onLoad === 'function') onLoad.call(page.instance, query);
  return page;
}

export function settle(ms = 0): Promise<void> {
  if (!simulate) throw new Error('usePageEnvironment() must run first');
  return simulate.sleep(ms);
}

/** Visible text of every element matching the selector, in document order. */
export function texts(page: PageComponent, selector: string): string[] {
  return page.querySelectorAll(selector).map((c) => (c.dom.textContent ?? '').trim());
}
