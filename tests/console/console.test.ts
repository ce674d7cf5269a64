import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, demoPhone } from '../../fixtures/demo';
import { demoWorld, lastSmsCode, registerPerson, type DemoWorld } from '../helpers/api';
import { launchChromium } from '../helpers/browser';
import { grantReviewOperator, importMembers } from '../helpers/console';
import { catalogueId } from '../helpers/catalogue';
import { convertWithLibreOffice, flatOds } from '../helpers/files';
import { requireOrSkip } from '../helpers/system-packages';
import { qrLoginUrl } from '../../cloudfunctions/shared/web/qr-login';
import type { QrLoginStart } from '../../typings/account';
import { lastMonths } from '../../cloudfunctions/shared/membership/trend';

// Demo people by their seat in the seed (their login phone is demoPhone(seat)).
const GRASSROOTS_ADMIN = demoPhone(4); // 王基管, admin of 广州示例科技有限公司工会委员会
const COUNTY_ADMIN = demoPhone(2); // 陈区管
const PLAIN_USER = demoPhone(10); // 孙注册: registered, no role until a test gives one
/** A 1×1 PNG: a real image the browser decodes, standing in for a document photo. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** The PC back office in headless Chromium: what a union office clerk sees and does. */
describe('back office (后台系统) in headless Chromium', function () {
  this.timeout(300_000);
  let world: DemoWorld;
  let browser: Browser;

  before(async function () {
    browser = await launchChromium(this);
    world = await demoWorld();
  });
  after(async () => {
    await browser?.close();
    await world?.close();
  });

  /** A fresh browser profile (no cookies) at 1280×800, the smaller screen a union office has. */
  async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(world.emulator.consoleUrl);
    return { context, page };
  }

  async function login(page: Page, phone: string, password = DEMO_PASSWORD): Promise<void> {
    const tab = page.locator('.t-tabs__nav-item', { hasText: '密码登录' });
    if (!(await tab.getAttribute('class'))?.includes('t-is-active')) await tab.click();
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: '登录' }).click();
  }

  const menuItems = (page: Page) => page.locator('.t-menu__item, .t-submenu__title').allInnerTexts();

  it('password login: a wrong password is explained; the right one opens the 工作台 with the union and the user in the header', async () => {
    const { context, page } = await freshPage();
    await page.getByText('后台系统 · 工会管理员登录').waitFor();
    await login(page, GRASSROOTS_ADMIN, 'Wrong-pass1');
    await page.getByRole('alert').filter({ hasText: '账号或密码错误' }).waitFor();
    await login(page, GRASSROOTS_ADMIN);
    await page.waitForURL(/#\/dashboard$/);
    assert.equal(await page.getByTestId('user-name').innerText(), '王基管');
    assert.equal(await page.locator('.union-picker input').inputValue(), '广州示例科技有限公司工会委员会');
    assert.match(await page.locator('.crumbs').innerText(), /后台系统\s*\/?\s*工作台/);
    // The roll-up counts: the seed has 王基管 and 刘会员 real-name, 钱导入 and 郑导入 imported.
    await page.waitForFunction(() => document.querySelector('[data-testid=stat-real]')?.textContent === '2');
    assert.equal(await page.getByTestId('stat-unreal').innerText(), '2');
    // The trend chart (ECharts, loaded with the 工作台) draws the same members in this month.
    await page.getByRole('img', { name: '近 12 个月新入会：已实名 2 人，未实名 2 人' }).locator('canvas').waitFor();
    const cookies = await context.cookies();
    const sid = cookies.find((c) => c.name === 'ump_sid');
    assert.ok(sid && sid.httpOnly && sid.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'page scripts cannot read the session cookie');
    // The side menu works from the keyboard: Tab reaches its items, Enter opens one.
    await page.locator('.t-menu__item', { hasText: '工会组织目录' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/org\/directory$/);
    await page.goBack();
    await page.waitForURL(/#\/dashboard$/);
    // A refresh keeps the session and the page.
    await page.reload();
    await page.getByTestId('user-name').waitFor();
    assert.match(page.url(), /#\/dashboard$/);
    await context.close();
  });

  it('SMS login: the code from the SMS outbox logs the admin in', async () => {
    const { context, page } = await freshPage();
    await page.locator('.t-tabs__nav-item', { hasText: '短信验证码登录' }).click();
    await page.getByLabel('手机号').fill(COUNTY_ADMIN);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText(/验证码已发送至 138\*{4}\d{4}/).waitFor();
    await page.getByLabel('短信验证码').fill(await lastSmsCode(world, COUNTY_ADMIN));
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/#\/dashboard$/);
    assert.equal(await page.getByTestId('user-name').innerText(), '陈区管');
    await context.close();
  });

  it('QR login: the console shows a code, an admin confirms it in the mini-program, and the console becomes that admin’s', async () => {
    const { context, page } = await freshPage();
    const started = await page.waitForResponse(
      async (r) => r.url().endsWith('/api/account') && (r.request().postData() ?? '').includes('qrLoginStart'),
    );
    const { qrId } = ((await started.json()) as { data: QrLoginStart }).data;
    await page.getByAltText('后台系统登录二维码').waitFor();
    // What the mini-program's scan page reads from the code, confirmed as the people who scan it.
    const code = qrLoginUrl(qrId);
    const member = await world.as('demo-member').fails('account', 'qrLoginConfirm', { code });
    assert.equal(member.message, '您不是任何工会的管理员或操作员，无法登录后台系统');
    await world.as('demo-admin-grassroots').ok('account', 'qrLoginConfirm', { code });
    const again = await world.as('demo-admin-county').fails('account', 'qrLoginConfirm', { code });
    assert.equal(again.code, 'ALREADY_PROCESSED');
    await page.waitForURL(/#\/dashboard$/);
    assert.equal(await page.getByTestId('user-name').innerText(), '王基管');
    const sid = (await context.cookies()).find((c) => c.name === 'ump_sid');
    assert.ok(sid?.httpOnly, 'the QR login ends in the same HttpOnly session cookie');
    await context.close();
  });

  it('审核管理: filters by kind, shows a detail, rejects with a reason and approves a batch after a confirmation with the count', async () => {
    const applicants = ['wx-console-a', 'wx-console-b', 'wx-console-c'];
    for (const [i, openid] of applicants.entries()) {
      await registerPerson(world, openid, {
        name: `申请人${'甲乙丙'[i]}`,
        docNumber: catalogueId(7100 + i),
        phone: `1370007100${i}`,
      });
      await world.as(openid).ok('review', 'submit', {
        kind: 'memberJoin',
        data: { unionId: world.union('grassroots'), unitName: '广州示例科技有限公司' },
      });
    }
    const { context, page } = await freshPage();
    await login(page, GRASSROOTS_ADMIN);
    await page.waitForURL(/#\/dashboard$/);
    await page.locator('.t-menu__item', { hasText: '审核管理' }).click();
    await page.waitForURL(/#\/review$/);
    const rows = page.locator('.t-table tbody tr', { hasText: '申请人' });
    await rows.first().waitFor();
    assert.equal(await rows.count(), 3);
    assert.match(await page.locator('.t-radio-group').innerText(), /会员入会（3）/);

    await rows.filter({ hasText: '申请人甲' }).getByText('查看').click();
    const drawer = page.locator('.t-drawer');
    await drawer.getByText('申请人甲').first().waitFor();
    await drawer.getByRole('button', { name: '驳回' }).click();
    await page.getByText('请填写驳回原因（至少 2 个字），申请人会看到它').waitFor();
    await drawer.getByLabel('驳回原因').fill('单位名称与营业执照不一致');
    await drawer.getByRole('button', { name: '驳回' }).click();
    await page.locator('.t-message', { hasText: '已驳回' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('.t-table tbody tr .t-checkbox').length === 2);

    await page.locator('.t-table thead .t-checkbox').click();
    await page.getByRole('button', { name: '批量通过（2）' }).click();
    const dialog = page.locator('.t-dialog');
    await dialog.getByText('将通过选中的 2 条申请').waitFor();
    await dialog.getByRole('button', { name: '确认通过' }).click();
    await page.locator('.t-message', { hasText: '已通过 2 条申请' }).waitFor();
    await page.getByText('暂无待审核的申请').waitFor();

    const apps = await world.docs<{ status: string; rejectReason?: string }>('applications', {
      reviewerUnionId: world.union('grassroots'),
    });
    assert.deepEqual(apps.map((a) => a.status).sort(), ['approved', 'approved', 'rejected']);
    assert.equal(apps.find((a) => a.status === 'rejected')?.rejectReason, '单位名称与营业执照不一致');
    await context.close();
  });

  it('会员信息管理: the 已实名 list pages on the server and searches (no export); 未实名 exports and removes a member with a reason', async () => {
    const { context, page } = await freshPage();
    await login(page, GRASSROOTS_ADMIN);
    await page.waitForURL(/#\/dashboard$/);
    await page.goto(`${world.emulator.consoleUrl}#/member/real`);
    const table = page.locator('.t-table tbody');
    await table.getByText('刘会员').waitFor();
    assert.match(await page.locator('.page-toolbar').innerText(), /共 4 人/); // two seeded + two approved above
    assert.doesNotMatch(await table.innerText(), /\d{17}[\dX]/, 'lists show masked ID numbers only');
    await page.getByLabel('搜索会员').fill('刘会员');
    await page.getByLabel('搜索会员').press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('.t-table tbody tr').length === 1);
    assert.match(await table.innerText(), /刘会员/);

    assert.equal(
      await page.getByRole('button', { name: '导出 Excel' }).count(),
      0,
      'real-name members are never exported (the app’s rule)',
    );

    await page.locator('.t-menu__item', { hasText: '未实名会员' }).click();
    await table.getByText('钱导入').waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出 Excel' }).click();
    assert.match((await download).suggestedFilename(), /\.xlsx$/);
    await page.locator('.t-table tbody tr', { hasText: '钱导入' }).locator('.t-checkbox').click();
    await page.getByRole('button', { name: '移出会员（1）' }).click();
    await page.getByLabel('移出原因').fill('已离职');
    await page.getByRole('button', { name: '确认移出' }).click();
    await page.locator('.t-message', { hasText: '已移出 1 人' }).waitFor();
    await page.waitForFunction(() => !document.querySelector('.t-table tbody')?.textContent?.includes('钱导入'));
    const removed = await world.docs<{ status: string }>('members', { name: '钱导入' });
    assert.equal(removed[0].status, 'removed');
    await context.close();
  });

  it('工会组织目录: the county admin sees the tree of subordinates, opens a 工会详情 and its QR code as a PNG', async () => {
    const { context, page } = await freshPage();
    await login(page, COUNTY_ADMIN);
    await page.waitForURL(/#\/dashboard$/);
    await page.locator('.t-menu__item', { hasText: '工会组织目录' }).click();
    const tree = page.locator('.t-tree');
    await tree.getByText('天河区五山街道工会工作委员会').waitFor();
    assert.match(await tree.innerText(), /广州市天河区总工会[\s\S]*广州示例科技有限公司工会委员会/);
    await page.locator('.t-table tbody tr', { hasText: '广州示例科技有限公司工会委员会' }).getByText('详情').click();
    await page.getByRole('heading', { name: '广州示例科技有限公司工会委员会' }).waitFor();
    // Only a union's own admins see its QR codes; the county admin opens its own.
    await page.goto(`${world.emulator.consoleUrl}#/org/directory`);
    await page.getByRole('button', { name: '本级工会详情' }).click();
    await page.getByRole('heading', { name: '广州市天河区总工会' }).waitFor();
    const img = page.getByAltText('下级工会登记二维码');
    await img.waitFor();
    await page.waitForFunction(
      () => (document.querySelector('img[alt=下级工会登记二维码]') as HTMLImageElement | null)?.naturalWidth ?? 0 > 0,
    );
    const href = await page.getByText('下载 PNG').first().getAttribute('href');
    const png = await page.evaluate(
      async (u) => new Uint8Array(await (await fetch(u as string)).arrayBuffer()).slice(0, 4).join(','),
      href,
    );
    assert.equal(png, '137,80,78,71');
    await context.close();
  });

  it('会员导入: a LibreOffice-written file is dropped in, its report shown, and its progress followed to the final report', async function () {
    requireOrSkip(this, 'libreoffice-calc-nogui', '/usr/bin/soffice');
    const header = ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'];
    const rows = [
      header,
      ...Array.from({ length: 30 }, (_, i) => [
        `导入员${'甲乙丙丁戊己庚辛壬癸'[i % 10]}${'子丑寅'[Math.floor(i / 10)]}`,
        '居民身份证',
        catalogueId(7200 + i),
        `1390007${String(2000 + i)}`,
        '',
      ]),
      ['坏行', '居民身份证', '123', '13900079999', ''],
    ];
    const xlsx = convertWithLibreOffice(flatOds(rows), 'members.fods', 'xlsx');
    const { context, page } = await freshPage();
    await login(page, GRASSROOTS_ADMIN);
    await page.waitForURL(/#\/dashboard$/);
    await page.locator('.t-menu__item', { hasText: '会员导入' }).click();
    await page.getByTestId('file-input').setInputFiles({
      name: '会员名单.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: xlsx,
    });
    const summary = page.getByTestId('validation-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /共 31 行，可导入 30 行.*有问题 1 行/);
    assert.match(await page.locator('.t-table tbody').innerText(), /证件号码/);
    await page.getByRole('button', { name: '导入 30 行' }).click();
    await page.locator('.t-progress').waitFor();
    const result = page.getByTestId('import-result');
    await result.waitFor();
    assert.match(await result.innerText(), /新导入\s*30/);
    const imported = await world.docs<{ name: string }>('members', {
      unionId: world.union('grassroots'),
      realName: false,
      status: 'active',
      source: 'import',
    });
    assert.equal(imported.filter((m) => m.name.startsWith('导入员')).length, 30);
    await context.close();
  });

  it('role checks: an operator sees only the menus of their rights, a typed-in address is refused, and the API refuses the rest', async () => {
    await grantReviewOperator(world);
    const { context, page } = await freshPage();
    await login(page, PLAIN_USER);
    await page.waitForURL(/#\/dashboard$/);
    const menu = (await menuItems(page)).join('|');
    assert.match(menu, /审核管理/);
    assert.doesNotMatch(menu, /会员信息管理|会员导入|管理员设置|操作日志/);
    await page.goto(`${world.emulator.consoleUrl}#/member/real`);
    await page.getByText('当前工会中您没有此菜单的权限').waitFor();
    // The page's own session, asking the function directly: refused there too.
    const answer = await page.evaluate(async (unionId) => {
      const me = await (
        await fetch('/api/account', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'me', payload: {} }),
        })
      ).json();
      const res = await fetch('/api/member', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ action: 'list', payload: { unionId, realName: true } }),
      });
      return res.json();
    }, world.union('grassroots'));
    assert.equal(answer.ok, false);
    assert.equal(answer.error.code, 'PERMISSION_DENIED');
    await context.close();
  });

  it('下级工会会员: a superior opens a subordinate’s members from 工会详情, read-only', async () => {
    const { context, page } = await freshPage();
    await login(page, COUNTY_ADMIN);
    await page.waitForURL(/#\/dashboard$/);
    await page.goto(`${world.emulator.consoleUrl}#/org/detail/${world.union('grassroots')}`);
    await page.getByRole('button', { name: '查看已实名会员' }).click();
    await page.getByText('下级工会会员 · 仅可查看，信息已脱敏').waitFor();
    await page.locator('.t-table tbody').getByText('刘会员').waitFor();
    assert.equal(
      await page.locator('.t-table .t-checkbox').count(),
      0,
      'no selection: nothing can be changed from above',
    );
    assert.equal(await page.getByRole('button', { name: /移出会员/ }).count(), 0);
    assert.match(await page.locator('.t-table tbody').innerText(), /\*{4}/);
    await context.close();
  });

  it('工会详情: a change goes to the superior for review and can be withdrawn; a deregistration without a reason is explained', async () => {
    const { context, page } = await freshPage();
    await login(page, demoPhone(3)); // 张街管, admin of the street union
    await page.waitForURL(/#\/dashboard$/);
    await page.goto(`${world.emulator.consoleUrl}#/org/detail/${world.union('street')}`);
    await page.getByRole('button', { name: '变更信息' }).click();
    const dialog = page.locator('.t-dialog', { hasText: '变更工会信息' });
    await dialog.getByLabel('单位地址').fill('广州市天河区五山路 8 号');
    await dialog.getByRole('button', { name: '提交变更申请' }).click();
    await page.locator('.t-message', { hasText: '已提交变更申请，等待上级工会审核' }).waitFor();
    const pending = page.locator('.pending', { hasText: '工会组织变更' });
    await pending.waitFor();
    const [app] = await world.docs<{ status: string; kind: string }>('applications', {
      kind: 'orgChange',
      reviewerUnionId: world.union('county'),
    });
    assert.equal(app.status, 'pending');
    await pending.getByText('撤回申请').click();
    await page.locator('.t-message', { hasText: '已撤回' }).waitFor();
    assert.equal((await world.docs<{ status: string }>('applications', { kind: 'orgChange' }))[0].status, 'withdrawn');

    await page.getByRole('button', { name: '申请注销' }).click();
    const dereg = page.locator('.t-dialog', { hasText: '申请注销工会' });
    await dereg.getByRole('button', { name: '提交注销申请' }).click();
    await dereg.getByRole('alert').waitFor();
    assert.match(await dereg.getByRole('alert').innerText(), /原因/);
    assert.equal((await world.docs('applications', { kind: 'orgDeregister' })).length, 0);
    await context.close();
  });

  it('管理员设置: a superior enters an operator for a subordinate directly; a wrong ID number is explained', async () => {
    const { context, page } = await freshPage();
    await login(page, COUNTY_ADMIN);
    await page.waitForURL(/#\/dashboard$/);
    await page.locator('.t-menu__item', { hasText: '管理员设置' }).click();
    await page.locator('.t-table tbody').getByText('陈区管').waitFor();
    await page.getByRole('button', { name: '下级工会权限设置' }).click();
    const dialog = page.locator('.t-dialog', { hasText: '上级工会可直接为下级工会设置' });
    await dialog.getByLabel('下级工会').click();
    await page.locator('.t-select-option', { hasText: '天河区五山街道工会工作委员会' }).click();
    await dialog.getByText('操作员', { exact: true }).click();
    await dialog.getByText('会员审核').click();
    await dialog.getByLabel('姓名').fill('新操作员');
    await dialog.getByLabel('证件号码').fill('440106199001011234');
    await dialog.getByLabel('手机号').fill('13700071234');
    await dialog.getByRole('button', { name: '确认设置' }).click();
    await dialog.getByRole('alert').waitFor();
    assert.match(await dialog.getByRole('alert').innerText(), /身份证号码校验位不正确/);
    await dialog.getByLabel('证件号码').fill(catalogueId(7300));
    await dialog.getByRole('button', { name: '确认设置' }).click();
    await page.locator('.t-message', { hasText: '已设置，对方实名注册后自动生效' }).waitFor();
    const roles = await world.docs<{ role: string; permissions: string[]; userId: string | null }>('roles', {
      unionId: world.union('street'),
      role: 'operator',
    });
    assert.deepEqual(
      roles.map((r) => [r.permissions, r.userId]),
      [[['reviewMembers'], null]],
    );
    await context.close();
  });

  it('the province office sees its review menu only, and a 证件注册 application with its document photo', async () => {
    const { context, page } = await freshPage();
    await login(page, demoPhone(7)); // 吴审核, 省总智慧工会办公室
    await page.waitForURL(/#\/dashboard$/);
    assert.deepEqual(await menuItems(page), ['工作台', '审核管理']);
    await page.locator('.t-menu__item', { hasText: '审核管理' }).click();
    await page.getByText('暂无待审核的申请').waitFor();

    // A Hong Kong resident registers with a photo of the permit, as the mini-program's register page uploads it.
    const hk = world.as('wx-console-hk');
    await hk.ok('account', 'sendSmsCode', { phone: '13700074001', purpose: 'register' });
    const photo = await world.admin.uploadFile({
      cloudPath: 'uploads/documents/console-hk.png',
      fileContent: TINY_PNG,
    });
    await hk.ok('review', 'submit', {
      kind: 'documentAccount',
      data: {
        name: '陈港生',
        docType: 'hkMacaoPermit',
        docNumber: 'H23456789',
        phone: '13700074001',
        smsCode: await lastSmsCode(world, '13700074001'),
        password: 'Union2026ok',
        photoFileId: photo.fileID,
      },
    });
    await page.reload();
    const row = page.locator('.t-table tbody tr', { hasText: '陈港生' });
    await row.getByText('查看').click();
    const img = page.locator('.t-drawer').getByAltText('证件照片 1');
    await img.waitFor();
    await page.waitForFunction(
      () =>
        ((document.querySelector('.t-drawer img[alt="证件照片 1"]') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0,
    );
    // The address is a signed, expiring one, never the cloud:// id.
    assert.doesNotMatch((await img.getAttribute('src')) ?? '', /^cloud:/);
    // Nobody else's session gets the address: the applicant's own union admin is not its reviewer.
    const [app] = await world.docs<{ _id: string }>('applications', {
      kind: 'documentAccount',
      applicantName: '陈港生',
    });
    assert.equal(
      (await world.as('demo-admin-grassroots').fails('review', 'attachments', { id: app._id })).code,
      'PERMISSION_DENIED',
    );
    await page.goto(`${world.emulator.consoleUrl}#/org/directory`);
    await page.getByText('当前工会中您没有此菜单的权限').waitFor();
    await context.close();
  });

  it('someone without any union role is told why they cannot use the back office', async () => {
    const { context, page } = await freshPage();
    await login(page, demoPhone(8)); // 刘会员: a member, not an admin
    await page.getByRole('alert').filter({ hasText: '不是任何工会的管理员或操作员' }).waitFor();
    assert.match(page.url(), /#\/login/);
    await context.close();
  });
  it('工作台: a county admin sees members and unions rolled up over the whole subtree, and each direct subordinate’s share', async () => {
    const { context, page } = await freshPage();
    await login(page, COUNTY_ADMIN);
    await page.waitForURL(/#\/dashboard$/);
    // What the roll-ups must add up to, counted from the rows themselves.
    const subtree = await world.docs<{ _id: string; parentId: string | null; name: string }>('unions', {
      ancestors: world.union('county'),
      status: 'active',
    });
    const ids = [world.union('county'), ...subtree.map((u) => u._id)];
    const members = await world.docs<{ unionId: string; realName: boolean; joinedAt: Date }>('members', {
      unionId: world.admin.database().command.in(ids),
      status: 'active',
    });
    const real = members.filter((m) => m.realName).length;
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=stat-real]')?.textContent === String(n),
      real,
    );
    assert.equal(await page.getByTestId('stat-unreal').innerText(), String(members.length - real));
    assert.equal(await page.getByTestId('stat-children').innerText(), String(subtree.length));
    assert.match(await page.locator('.stat', { hasText: '已实名会员（含下级）' }).innerText(), /其中本级 0 人/);
    // The street below the county carries the grassroots union's members in its row.
    const street = page.getByTestId('children-table').locator('tbody tr', { hasText: '天河区五山街道工会工作委员会' });
    const belowStreet = await world.docs<{ _id: string }>('unions', {
      ancestors: world.union('street'),
      status: 'active',
    });
    const streetIds = new Set([world.union('street'), ...belowStreet.map((u) => u._id)]);
    const streetReal = members.filter((m) => m.realName && streetIds.has(m.unionId)).length;
    assert.match(await street.innerText(), new RegExp(`天河区五山街道工会工作委员会\\s+${streetReal}\\s`));
    // The trend covers the same subtree, labelled so: the members still here who joined in the last twelve
    // months (China time), and this month's own share (none: a county holds no members) in the tooltip.
    const months = lastMonths();
    const chinaMonth = (d: Date) => new Date(new Date(d).getTime() + 8 * 3600_000).toISOString().slice(0, 7);
    const recent = members.filter((m) => chinaMonth(m.joinedAt) >= months[0]);
    const recentReal = recent.filter((m) => m.realName).length;
    await page.getByText('近 12 个月新入会会员（含下级工会）').waitFor();
    const chart = page.getByRole('img', {
      name: `近 12 个月新入会（含下级工会）：已实名 ${recentReal} 人，未实名 ${recent.length - recentReal} 人`,
    });
    await chart.locator('canvas').waitFor();
    const box = (await chart.boundingBox()) as { x: number; y: number; width: number; height: number };
    // The last month's column (the grid leaves 40 px on the left and 16 px on the right).
    await page.mouse.move(box.x + 40 + (box.width - 56) * (11.5 / 12), box.y + box.height / 2);
    const thisMonth = recent.filter((m) => chinaMonth(m.joinedAt) === months[11]);
    const thisReal = thisMonth.filter((m) => m.realName).length;
    await chart.getByText(`${months[11]} 入会`).waitFor();
    assert.match(
      await chart.innerText(),
      new RegExp(`已实名 ${thisReal} 人（本级 0 人）\\s*未实名 ${thisMonth.length - thisReal} 人（本级 0 人）`),
    );
    await context.close();
  });

  it('member lists page by cursor: 下一页, a refresh and 上一页 show the same rows, and the search stays in the address', async () => {
    // 25 more members through the importer, so the 未实名 list has a second page.
    const total = await importMembers(world, '翻页员', 25, 7500);
    assert.ok(total > 20, `more than one page of 20 (${total})`);
    const secondPage = Math.min(20, total - 20);

    const { context, page } = await freshPage();
    await login(page, GRASSROOTS_ADMIN);
    await page.waitForURL(/#\/dashboard$/);
    await page.locator('.t-menu__item', { hasText: '未实名会员' }).click();
    const names = () => page.locator('.t-table tbody tr td:nth-child(2)').allInnerTexts();
    const pager = page.getByTestId('pager-total');
    await page.waitForFunction(() => document.querySelectorAll('.t-table tbody tr').length === 20);
    assert.equal(await pager.innerText(), `共 ${total} 条 · 第 1 页`);
    const first = await names();
    assert.equal(await page.getByRole('button', { name: '上一页' }).isDisabled(), true);

    await page.getByRole('button', { name: '下一页' }).click();
    await page.waitForURL(/page=2&cursor=/);
    // Page 2 may have 20 rows too: wait for other rows, not for a row count.
    await page.waitForFunction(
      ([n, top]) =>
        document.querySelectorAll('.t-table tbody tr').length === n &&
        document.querySelector('.t-table tbody tr td:nth-child(2)')?.textContent !== top,
      [secondPage, first[0]] as const,
    );
    const second = await names();
    assert.equal(second.filter((n) => first.includes(n)).length, 0, 'no row twice');
    assert.equal(await page.getByRole('button', { name: '下一页' }).isDisabled(), total <= 40);

    // Nothing is lost on a refresh: the page, its rows and the way back.
    await page.reload();
    await page.waitForFunction(
      (top) => document.querySelector('.t-table tbody tr td:nth-child(2)')?.textContent === top,
      second[0],
    );
    assert.deepEqual(await names(), second);
    assert.equal(await pager.innerText(), `共 ${total} 条 · 第 2 页`);
    await page.getByRole('button', { name: '上一页' }).click();
    await page.waitForFunction(
      (top) => document.querySelector('.t-table tbody tr td:nth-child(2)')?.textContent === top,
      first[0],
    );
    assert.deepEqual(await names(), first);
    assert.doesNotMatch(page.url(), /cursor=/);

    await page.getByLabel('搜索会员').fill('翻页员零三');
    await page.getByLabel('搜索会员').press('Enter');
    await page.waitForURL(/q=/);
    await page.waitForFunction(() => document.querySelectorAll('.t-table tbody tr').length === 1);
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('.t-table tbody tr').length === 1);
    assert.equal(await page.getByLabel('搜索会员').inputValue(), '翻页员零三');
    assert.deepEqual(await names(), ['翻页员零三']);
    await context.close();
  });

  it('管理员设置: the last admin cannot be revoked; a handover names the successor for the superior to approve, then the outgoing admin’s revocation goes for review', async () => {
    const { context, page } = await freshPage();
    await login(page, GRASSROOTS_ADMIN);
    await page.waitForURL(/#\/dashboard$/);
    await page.locator('.t-menu__item', { hasText: '管理员设置' }).click();
    const me = page.locator('.t-table tbody tr', { hasText: '王基管' });
    await me.waitFor();
    const revokeDialog = page.locator('.t-dialog', { hasText: '工会至少要保留一名管理员' });

    await me.getByText('撤销').click();
    await revokeDialog.getByLabel('撤销原因').fill('工作调动');
    await revokeDialog.getByRole('button', { name: '提交撤销申请' }).click();
    await revokeDialog
      .getByRole('alert')
      .filter({ hasText: '撤销后该工会将没有管理员，请先添加新的管理员并待上级审核通过' })
      .waitFor();
    await revokeDialog.getByRole('button', { name: '取消' }).click();

    await page.getByRole('button', { name: '移交管理员' }).click();
    const dialog = page.locator('.t-dialog', { hasText: '填写接任人的信息' });
    await dialog.getByLabel('姓名').fill('接任人');
    await dialog.getByLabel('证件号码').fill(catalogueId(7600));
    await dialog.getByLabel('手机号').fill('13700076000');
    await dialog.getByRole('button', { name: '确认移交' }).click();
    await page.locator('.t-message', { hasText: '移交申请已提交' }).waitFor();
    const [grant] = await world.docs<{
      _id: string;
      status: string;
      reviewerUnionId: string;
      payload: { role: string; name: string };
    }>('applications', { kind: 'roleGrant', unionId: world.union('grassroots') });
    assert.deepEqual(
      [grant.status, grant.reviewerUnionId, grant.payload.role, grant.payload.name],
      ['pending', world.union('street'), 'admin', '接任人'],
    );
    await world.as('demo-admin-street').ok('review', 'approve', { id: grant._id });

    // Two admins now: the outgoing one's own revocation goes to the superior.
    await page.reload();
    await page.locator('.t-table tbody tr', { hasText: '接任人' }).waitFor();
    await me.getByText('撤销').click();
    await revokeDialog.getByLabel('撤销原因').fill('工作调动');
    await revokeDialog.getByRole('button', { name: '提交撤销申请' }).click();
    await page.locator('.t-message', { hasText: '撤销申请已提交，等待上级工会审核' }).waitFor();
    const [revoke] = await world.docs<{ status: string; payload: { reason: string } }>('applications', {
      kind: 'roleRevoke',
      unionId: world.union('grassroots'),
    });
    assert.deepEqual([revoke.status, revoke.payload.reason], ['pending', '工作调动']);
    await context.close();
  });
});
