/**
 * Every page in its main states, as the people in the spec meet it: a stranger, a member, a pending
 * applicant, admins at each level; empty, loading and error. `npm run shots` paints them to PNG and
 * tests/pages/layout.test.ts checks each one's layout in Chromium.
 */
import { qrLoginUrl } from '../../cloudfunctions/shared/web/qr-login';
import { catalogueId } from '../helpers/catalogue';
import { registerPerson, type DemoWorld } from '../helpers/api';
import { xlsxOf } from '../helpers/files';
import {
  connectToEmulator,
  find,
  findAll,
  openPage,
  tap,
  type,
  until,
  wxCalls,
  type PageComponent,
} from '../helpers/page';

export interface PageState {
  /** File name of the picture: page-state. */
  name: string;
  page: string;
  /** The page's query; a function when it depends on what `prepare` made. */
  query?: Record<string, string> | (() => Record<string, string>);
  /** Who is using WeChat (undefined: nobody is registered under this openid). */
  as?: string;
  /** Set up the data the state needs, through the real functions. */
  prepare?(world: DemoWorld): Promise<void>;
  /** What the person does on the page before the picture. */
  act?(page: PageComponent, world: DemoWorld): Promise<void>;
  /** The transport misbehaves: 'hang' keeps the page loading, 'fail' drops the connection. */
  network?: 'hang' | 'fail';
}

let orgCode = '';

/** A registered person waiting on a 会员入会 application to the demo grassroots union. */
async function pendingApplicant(world: DemoWorld, openid: string, name: string, seq: number): Promise<void> {
  await registerPerson(world, openid, { name, docNumber: catalogueId(seq), phone: `1370000${seq}` });
  await world.as(openid).ok('review', 'submit', {
    kind: 'memberJoin',
    data: { unionId: world.union('grassroots'), unitName: '广州示例科技有限公司' },
  });
}
/** Types a name and an ID number, gives the consents asked for, and starts the (local) face check. */
async function passFaceCheck(page: PageComponent, name: string, seq: number, consents: string[]): Promise<void> {
  await type(page, '#name', name);
  await type(page, '#docNumber', catalogueId(seq));
  for (const box of consents) await tap(page, box);
  await tap(page, '#start-face');
}
/** A dialog opening or closing is mid-animation: the picture waits until it is fully shown or gone. */
function dialogSettled(page: PageComponent): boolean {
  // t-dialog renders its t-popup with the literal class "class".
  const popup = find(page, '#t-dialog >>> .class');
  return !popup || (popup.data.transitionClass === '' && (Boolean(popup.data.visible) || !popup.data.realVisible));
}
const quiet = (page: PageComponent) =>
  until(page, () => !page.data.busy && dialogSettled(page), 'the page to finish loading');

export const PAGE_STATES: PageState[] = [
  { name: 'home-stranger', page: 'pages/index/index', as: 'wx-shot-stranger' },
  { name: 'home-member', page: 'pages/index/index', as: 'demo-member' },
  { name: 'home-registered', page: 'pages/index/index', as: 'demo-user' },
  { name: 'manage-admin', page: 'pages/manage/index', as: 'demo-admin-grassroots' },
  { name: 'manage-member', page: 'pages/manage/index', as: 'demo-member' },
  { name: 'mine-member', page: 'pages/mine/index', as: 'demo-member' },
  { name: 'mine-stranger', page: 'pages/mine/index', as: 'wx-shot-stranger' },
  {
    name: 'tabbar-admin',
    page: 'custom-tab-bar/index',
    as: 'demo-admin-grassroots',
    prepare: async () => void wxCalls.storage.set('tabbar.showAdmin', true),
  },
  { name: 'legal-privacy', page: 'pages/legal/index', query: { doc: 'privacy' } },
  { name: 'home-loading', page: 'pages/index/index', as: 'demo-member', network: 'hang' },
  { name: 'home-error', page: 'pages/index/index', as: 'demo-member', network: 'fail' },
  { name: 'register-identity', page: 'pages/register/index', as: 'wx-shot-register' },
  {
    name: 'register-account',
    page: 'pages/register/index',
    as: 'wx-shot-register',
    act: async (p) => {
      await passFaceCheck(p, '图示甲', 6001, ['#consent-rules', '#consent-sensitive']);
      await until(p, () => Boolean(p.querySelector('#phone')), 'the account step');
    },
  },
  { name: 'login', page: 'pages/login/index', as: 'wx-shot-login' },
  { name: 'login-reset', page: 'pages/login/index', as: 'wx-shot-login', act: (p) => tap(p, '#forgot') },
  { name: 'account', page: 'pages/account/index', as: 'demo-member' },
  { name: 'account-stranger', page: 'pages/account/index', as: 'wx-shot-stranger' },
  { name: 'account-phone', page: 'pages/account/index', as: 'demo-member', act: (p) => tap(p, '#open-phone') },
  {
    name: 'org-register',
    page: 'pages/org-register/index',
    as: 'demo-user',
    prepare: async (world) =>
      void (orgCode = (
        await world.as('demo-admin-street').ok('org', 'qr', { unionId: world.union('street'), purpose: 'org' })
      ).url),
    query: () => ({ code: encodeURIComponent(orgCode) }),
  },
  { name: 'scan', page: 'pages/scan/index', as: 'demo-user' },
  {
    name: 'apply-search',
    page: 'pages/membership/apply',
    as: 'demo-user',
    act: async (p) => {
      await type(p, '#union-picker >>> #keyword', '示例');
      await tap(p, '#union-picker >>> #keyword >>> .t-search__search-action');
      await until(p, () => findAll(p, '#union-picker >>> .hit').length > 0, 'hits');
      await tap(p, '#union-picker >>> #hit-0');
    },
  },
  {
    name: 'apply-not-found',
    page: 'pages/membership/apply',
    as: 'demo-user',
    act: async (p) => {
      await type(p, '#union-picker >>> #keyword', '不存在的单位');
      await tap(p, '#union-picker >>> #keyword >>> .t-search__search-action');
      await until(p, () => findAll(p, '#union-picker >>> .reason').length > 0, 'the search');
    },
  },
  {
    name: 'status-pending',
    page: 'pages/membership/status',
    as: 'wx-shot-pending',
    prepare: (world) => pendingApplicant(world, 'wx-shot-pending', '图示乙', 6002),
  },
  { name: 'status-none', page: 'pages/membership/status', as: 'demo-user' },
  { name: 'transfer', page: 'pages/membership/transfer', as: 'demo-member' },
  { name: 'applications', page: 'pages/applications/index', as: 'wx-shot-pending' },
  { name: 'applications-empty', page: 'pages/applications/index', as: 'demo-user' },
  { name: 'help', page: 'pages/help/index' },
  { name: 'help-empty', page: 'pages/help/index', query: { q: encodeURIComponent('量子纠缠') } },
  { name: 'admin-inbox', page: 'admin/inbox/index', as: 'demo-admin-grassroots' },
  {
    name: 'admin-inbox-reject',
    page: 'admin/inbox/index',
    as: 'demo-admin-grassroots',
    prepare: (world) => pendingApplicant(world, 'wx-shot-reject', '图示丙', 6003),
    act: (p) => tap(p, '.reject'),
  },
  { name: 'admin-inbox-empty', page: 'admin/inbox/index', as: 'demo-admin-federation' },
  { name: 'admin-inbox-county', page: 'admin/inbox/index', as: 'demo-admin-county' },
  { name: 'admin-unions', page: 'admin/unions/index', as: 'demo-admin-federation' },
  { name: 'admin-unions-grassroots', page: 'admin/unions/index', as: 'demo-admin-grassroots' },
  { name: 'admin-directory', page: 'admin/directory/index', as: 'demo-admin-street' },
  {
    name: 'admin-directory-city',
    page: 'admin/directory/index',
    as: 'demo-admin-city',
    act: (p) => tap(p, '#categories >>> .t-tabs__item', 1),
  },
  { name: 'admin-unions-province', page: 'admin/unions/index', as: 'demo-admin-province' },
  { name: 'manage-office', page: 'pages/manage/index', as: 'demo-province-office' },
  { name: 'admin-members', page: 'admin/members/index', as: 'demo-admin-grassroots' },
  { name: 'admin-import', page: 'admin/import/index', as: 'demo-admin-grassroots' },
  {
    name: 'admin-import-done',
    page: 'admin/import/index',
    as: 'demo-admin-grassroots',
    act: (p) => importWithOneBadRow(p),
  },
  {
    name: 'admin-import-running',
    page: 'admin/import/index',
    as: 'demo-admin-grassroots',
    act: async (p) => {
      await importWithOneBadRow(p, 4910);
      showJobAsRunningFromCount(p);
    },
  },
  { name: 'admin-roles', page: 'admin/roles/index', as: 'demo-admin-street' },
  { name: 'admin-builtin', page: 'admin/builtin/index', as: 'demo-admin-grassroots' },
  { name: 'admin-builtin-office', page: 'admin/builtin/index', as: 'demo-province-office' },
  {
    name: 'account-sessions',
    page: 'pages/account/sessions',
    as: 'wx-shot-sessions',
    prepare: async (world) => {
      await registerPerson(world, 'wx-shot-sessions', {
        name: '图示丁',
        docNumber: catalogueId(6004),
        phone: '13700006004',
        password: 'Shots2026ok',
      });
      await world
        .as('wx-shot-sessions-b')
        .ok('account', 'loginPassword', { phone: '13700006004', password: 'Shots2026ok' });
    },
  },
  { name: 'account-sessions-only-me', page: 'pages/account/sessions', as: 'demo-member' },
  {
    name: 'account-sessions-confirm',
    page: 'pages/account/sessions',
    as: 'wx-shot-sessions',
    act: leaveDialogOpen('.end'),
  },
  { name: 'account-delete', page: 'pages/account/delete', as: 'demo-member' },
  {
    name: 'account-delete-wrong',
    page: 'pages/account/delete',
    as: 'demo-member',
    act: async (p) => (await type(p, '#password', 'Wrong12345'), tap(p, '#delete')),
  },
  {
    name: 'account-delete-confirm',
    page: 'pages/account/delete',
    as: 'demo-member',
    act: async (p) => (await type(p, '#password', 'Wrong12345'), leaveDialogOpen('#delete')(p)),
  },
  { name: 'account-delete-loading', page: 'pages/account/delete', as: 'demo-member', network: 'hang' },
  { name: 'recover-identity', page: 'pages/recover/index', as: 'wx-shot-recover' },
  {
    name: 'recover-unregistered',
    page: 'pages/recover/index',
    as: 'wx-shot-recover',
    act: async (p) => {
      await passFaceCheck(p, '图示戊', 6005, ['#consent-sensitive']);
      await until(p, () => Boolean(p.querySelector('#go-register')), 'the unregistered state');
    },
  },
  {
    name: 'recover-phone',
    page: 'pages/recover/index',
    as: 'wx-shot-recover',
    query: { sessionId: 'face-session-for-the-picture' },
  },
  {
    name: 'admin-audit',
    page: 'admin/audit/index',
    as: 'demo-admin-grassroots',
    prepare: async (world) =>
      void (await world
        .as('demo-member')
        .fails('member', 'export', { unionId: world.union('grassroots'), realName: false })),
  },
  { name: 'admin-audit-empty', page: 'admin/audit/index', as: 'demo-admin-federation' },
  { name: 'admin-audit-error', page: 'admin/audit/index', as: 'demo-admin-grassroots', network: 'fail' },
  {
    name: 'web-login',
    page: 'pages/web-login/index',
    as: 'demo-admin-county',
    prepare: consoleLoginCode,
    query: () => ({ code: encodeURIComponent(loginCode) }),
  },
  {
    name: 'web-login-done',
    page: 'pages/web-login/index',
    as: 'demo-admin-county',
    prepare: consoleLoginCode,
    query: () => ({ code: encodeURIComponent(loginCode) }),
    act: (p) => tap(p, '#confirm'),
  },
  {
    name: 'web-login-used',
    page: 'pages/web-login/index',
    as: 'demo-admin-county',
    query: () => ({ code: encodeURIComponent(loginCode) }),
    act: (p) => tap(p, '#confirm'),
  },
];

/** Taps what opens a confirmation and leaves the t-dialog on screen for the picture. */
function leaveDialogOpen(selector: string): (page: PageComponent) => Promise<void> {
  return async (page) => {
    wxCalls.modalAnswers.push('leave');
    await tap(page, selector);
    await until(page, () => Boolean(findAll(page, '#t-dialog >>> .t-dialog__button--confirm').length), 'the dialog');
  };
}

let loginCode = '';

/** The PC console's login screen asks for a code (anyone may), as the admin would scan it. */
async function consoleLoginCode(world: DemoWorld): Promise<void> {
  const start = await world.as('wx-shot-console').ok('account', 'qrLoginStart', {});
  loginCode = qrLoginUrl(start.qrId);
}

/**
 * Shows the page's finished job as a job started from 校验's count looks between two calls (a call
 * cannot be paused in a test): its rejected rows counted but not yet listed, and no report yet.
 */
export function showJobAsRunningFromCount(p: PageComponent): void {
  const job = p.data.job as Record<string, unknown>;
  // The page moves to its last step (导入 done) only when the job is done.
  p.instance.setData({ job: { ...job, status: 'running', percent: 40, rejectedRows: [], reportUrl: '' }, step: 2 });
}

/** Picks a three-row file with one wrong ID number, 校验, 提交, and waits for the job to finish. */
async function importWithOneBadRow(p: PageComponent, seq = 4900): Promise<void> {
  await until(p, () => Boolean(p.data.unionId), 'the union');
  const rows = [
    ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'],
    ['截导甲', '居民身份证', catalogueId(seq), `1370000${seq}`, ''],
    ['截导乙', '居民身份证', '440106', `1370000${seq + 1}`, ''],
    ['截导丙', '居民身份证', catalogueId(seq + 2), `1370000${seq + 2}`, ''],
  ];
  wxCalls.pickFiles.push({ name: '会员.xlsx', content: xlsxOf(rows) });
  await tap(p, '#choose');
  await until(p, () => Boolean(p.data.fileId), 'the upload');
  await tap(p, '#validate');
  await until(p, () => Boolean(p.data.report), 'the report');
  await tap(p, '#submit');
  await until(p, () => (p.data.job as { status?: string } | null)?.status === 'done', 'the job', 30_000);
}

/** Opens each state in turn and hands the settled page to `visit`. */
export async function walkStates(
  world: DemoWorld,
  visit: (state: PageState, page: PageComponent) => Promise<void>,
  only?: (s: PageState) => boolean,
): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const transport = require('../../dist/miniprogram/api/transport.js') as {
    setTransport(t: (n: string, d: Record<string, unknown>) => Promise<unknown>): void;
  };
  for (const state of PAGE_STATES.filter(only ?? (() => true))) {
    const link = connectToEmulator(world.emulator);
    link.actAs(state.as);
    await state.prepare?.(world);
    if (state.network === 'hang') transport.setTransport(() => new Promise(() => undefined));
    if (state.network === 'fail') transport.setTransport(() => Promise.reject(new Error('socket hang up')));
    const page = openPage(state.page, typeof state.query === 'function' ? state.query() : state.query);
    if (state.network === 'hang') await new Promise((r) => setTimeout(r, 50));
    else await quiet(page);
    await state.act?.(page, world);
    if (!state.network) await quiet(page);
    await visit(state, page);
    page.detach();
  }
  connectToEmulator(world.emulator);
}
