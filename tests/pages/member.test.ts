import assert from 'node:assert/strict';
import { demoPhone, demoResidentId, DEMO_PASSWORD } from '../../fixtures/demo';
import { catalogueId } from '../helpers/catalogue';
import { demoWorld, lastSmsCode, registerPerson, type DemoWorld } from '../helpers/api';
import {
  connectToEmulator,
  emit,
  find,
  findAll,
  openPage,
  pageText,
  tap,
  textOf,
  texts,
  type,
  until,
  usePageEnvironment,
  wxCalls,
} from '../helpers/page';

describe('pages: member side, rendered with miniprogram-simulate against the emulator', function () {
  this.timeout(120_000);
  usePageEnvironment();
  let world: DemoWorld;
  let link: ReturnType<typeof connectToEmulator>;
  before(async () => {
    world = await demoWorld();
    link = connectToEmulator(world.emulator);
  });
  after(() => world.close());

  it('home: a stranger is invited to register; a member sees the card; only role holders see 管理', async () => {
    link.actAs('wx-page-stranger');
    let page = openPage('pages/index/index');
    await until(page, () => pageText(page).includes('您还未实名注册'), 'the invitation to register');
    await tap(page, '#go-register');
    assert.deepEqual(wxCalls.navigations.at(-1), { kind: 'navigateTo', url: '/pages/register/index' });
    const tabs = () => texts(openPage('custom-tab-bar/index'), '.tab');
    assert.deepEqual(tabs(), ['首页', '我的'], 'a stranger has no 管理 tab');

    link.actAs('demo-member');
    page = openPage('pages/index/index');
    await until(page, () => texts(page, '.union-name')[0] === '广州示例科技有限公司工会委员会', 'the membership card');
    assert.match(pageText(page), /在册/);
    assert.deepEqual(tabs(), ['首页', '我的'], 'a plain member has no 管理 tab');
    assert.match(
      String((page.data.membership as { card: { memberQr: string } }).card.memberQr),
      /^data:image\/png;base64,/,
    );
    assert.ok(page.querySelector('.qr'), 'the member QR is shown');

    link.actAs('demo-admin-grassroots');
    page = openPage('pages/index/index');
    await until(page, () => Boolean(page.data.loaded), 'home');
    assert.deepEqual(tabs(), ['首页', '管理', '我的'], 'a role holder has the 管理 tab');
    const manage = openPage('pages/manage/index');
    await until(manage, () => Boolean(manage.data.loaded), 'the admin menu');
    await tap(manage, '#admin-inbox');
    assert.deepEqual(wxCalls.navigations.at(-1), { kind: 'navigateTo', url: '/admin/inbox/index' });
  });

  it('register: a wrong ID number is explained; the local face check passes; SMS and password finish it', async () => {
    link.actAs('wx-page-register');
    const page = openPage('pages/register/index');
    await type(page, '#name', '页面测');
    await type(page, '#docNumber', catalogueId(3001).slice(0, 17) + 'Y');
    await tap(page, '#start-face');
    assert.match(pageText(page), /请先阅读并勾选同意/, 'no face check before the separate consent');
    await tap(page, '#consent-rules');
    await tap(page, '#start-face');
    assert.match(pageText(page), /请先阅读并勾选同意/, 'the general agreement alone is not the separate consent');
    await tap(page, '#consent-sensitive');
    await tap(page, '#start-face');
    await until(page, () => pageText(page).includes('前 17 位应为数字'), 'the document error');
    assert.match(textOf(find(page, '#docNumber')!), /前 17 位应为数字/, 'the message sits next to the field');
    await type(page, '#docNumber', catalogueId(3001));
    await tap(page, '#start-face');
    await until(page, () => Boolean(page.querySelector('#phone')), 'the account step');
    await type(page, '#phone', '13700003001');
    await tap(page, '#send-code >>> .sms-code');
    await until(
      page,
      () => wxCalls.toasts.some((t) => t.title.includes('验证码已发送至 137****3001')),
      'the code sent',
    );
    // The button counts down second by second, then offers to send again.
    const seconds = () => Number(/(\d+) 秒后重发/.exec(textOf(find(page, '#send-code >>> .sms-code')!))?.[1] ?? 0);
    await until(page, () => seconds() > 0, 'the countdown');
    const first = seconds();
    await until(page, () => seconds() > 0 && seconds() < first, 'the countdown to tick');
    await type(page, '#smsCode', await lastSmsCode(world, '13700003001'));
    await type(page, '#password', 'Union2026ok');
    await type(page, '#password2', 'Union2026no');
    await tap(page, '#submit');
    assert.match(textOf(find(page, '#password2')!), /两次输入的密码不一致/);
    await type(page, '#password2', 'Union2026ok');
    await tap(page, '#submit');
    await until(page, () => pageText(page).includes('注册完成'), 'registration done');
    assert.match(pageText(page), /办理会员登记或入会/);
  });

  it('register (HK/Macao/Taiwan and foreign): document photo, SMS, password, then review', async () => {
    link.actAs('wx-page-hk');
    const page = openPage('pages/register/index');
    await tap(page, '#doc-type');
    assert.equal(page.data.docPickerVisible, true, 'the picker opens');
    await emit(page, '#doc-type-picker', 'confirm', { value: ['hkMacaoPermit'], label: ['港澳居民来往内地通行证'] });
    assert.match(textOf(find(page, '#doc-type')!), /港澳居民来往内地通行证/);
    await type(page, '#name', '陈小文');
    await type(page, '#docNumber', 'H55667788');
    await tap(page, '#consent-rules');
    await tap(page, '#consent-sensitive');
    await tap(page, '#next-document');
    assert.match(pageText(page), /请上传证件照片/, 'the photo is required before the next step');
    wxCalls.pickFiles.push({ name: 'permit.jpg', content: Buffer.from('photo of the permit') });
    await tap(page, '#choose-photo');
    await until(page, () => String(page.data.photoFileId).startsWith('cloud://'), 'the uploaded photo');
    await tap(page, '#next-document');
    await type(page, '#phone', '13700003002');
    await tap(page, '#send-code >>> .sms-code');
    await until(page, () => /秒后重发/.test(textOf(find(page, '#send-code >>> .sms-code')!)), 'the code sent');
    await type(page, '#smsCode', await lastSmsCode(world, '13700003002'));
    await type(page, '#password', 'Union2026ok');
    await type(page, '#password2', 'Union2026ok');
    await tap(page, '#submit');
    await until(page, () => pageText(page).includes('已提交，等待审核'), 'the submitted state');
    const inbox = await world.as('demo-province-office').ok('review', 'listInbox', { kind: 'documentAccount' });
    assert.equal(inbox.items[0].title, '港澳居民来往内地通行证注册：陈小文');
  });

  it('login: the spec’s messages for a wrong password and an unknown phone; success goes home', async () => {
    link.actAs('wx-page-login');
    const page = openPage('pages/login/index');
    await type(page, '#phone', '13600000000');
    await type(page, '#password', 'Whatever12');
    await tap(page, '#login');
    await until(page, () => pageText(page).includes('该手机号未注册'), 'unknown phone');
    await type(page, '#phone', demoPhone(8));
    await tap(page, '#login');
    await until(page, () => pageText(page).includes('账号或密码错误'), 'wrong password');
    await type(page, '#password', DEMO_PASSWORD);
    await tap(page, '#login');
    await until(page, () => wxCalls.navigations.some((n) => n.kind === 'reLaunch'), 'going home');
  });

  it('login: 忘记密码 resets the password by SMS, then the new password logs in', async () => {
    // A person of their own: resetting a password ends that account's other logins.
    const phone = '13700003010';
    await registerPerson(world, 'wx-page-forgot-old', { name: '页忘密', docNumber: catalogueId(3010), phone });
    link.actAs('wx-page-forgot');
    const page = openPage('pages/login/index');
    await tap(page, '#forgot');
    await type(page, '#phone', phone);
    await world.rewindSms();
    await tap(page, '#send-reset-code >>> .sms-code');
    await until(page, () => wxCalls.toasts.some((t) => t.title.startsWith('验证码已发送至')), 'the reset code');
    await type(page, '#smsCode', await lastSmsCode(world, phone));
    await type(page, '#newPassword', 'Reset2026ok');
    await type(page, '#newPassword2', 'Reset2026no');
    await tap(page, '#reset');
    assert.match(textOf(find(page, '#newPassword2')!), /两次输入的密码不一致/);
    await type(page, '#newPassword2', 'Reset2026ok');
    await tap(page, '#reset');
    await until(page, () => pageText(page).includes('密码已重置，请用新密码登录'), 'the reset');
    await type(page, '#password', 'Reset2026ok');
    await tap(page, '#login');
    await until(page, () => wxCalls.navigations.some((n) => n.kind === 'reLaunch'), 'logged in with the new password');
  });

  it('a dropped connection reads 访问超时，请重试', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const transport = require('../../dist/miniprogram/api/transport.js') as { setTransport(t: unknown): void };
    transport.setTransport(() => Promise.reject(new Error('socket hang up')));
    try {
      const page = openPage('pages/login/index');
      await type(page, '#phone', demoPhone(8));
      await type(page, '#password', DEMO_PASSWORD);
      await tap(page, '#login');
      await until(page, () => pageText(page).includes('访问超时，请重试'), 'the timeout message');
    } finally {
      link = connectToEmulator(world.emulator);
    }
  });

  it('an outdated client hears 版本过低 from the server and what to do, as a modal', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const transport = require('../../dist/miniprogram/api/transport.js') as {
      setTransport(t: (n: string, d: Record<string, unknown>) => Promise<unknown>): void;
    };
    transport.setTransport(
      async (name, data) =>
        (await world.emulator.functions.invoke(name, { ...data, clientVersion: '0.1.0' }, { openid: 'demo-member' }))
          .result,
    );
    try {
      const page = openPage('pages/index/index');
      await until(page, () => wxCalls.modals.some((m) => m.title === '版本过低'), 'the update modal');
      assert.match(wxCalls.modals[0].content ?? '', /删除小程序后重新进入/);
    } finally {
      link = connectToEmulator(world.emulator);
    }
  });

  it('scan: WeChat’s own scanner (q) and wx.scanCode both lead to the right page; a revoked code is explained', async () => {
    link.actAs('demo-user');
    const qr = await world.as('demo-admin-street').ok('org', 'qr', { unionId: world.union('street'), purpose: 'org' });
    let page = openPage('pages/scan/index', { q: encodeURIComponent(qr.url) });
    await until(page, () => wxCalls.navigations.length > 0, 'the redirect');
    assert.match(wxCalls.navigations[0].url, /^\/pages\/org-register\/index\?code=/);
    const member = await world
      .as('demo-admin-grassroots')
      .ok('org', 'qr', { unionId: world.union('grassroots'), purpose: 'member' });
    page = openPage('pages/scan/index');
    wxCalls.scanResults.push(member.url);
    await tap(page, '#scan');
    await until(page, () => wxCalls.navigations.length > 1, 'the second redirect');
    assert.match(wxCalls.navigations[1].url, /^\/pages\/membership\/apply\?code=/);
    await world
      .as('demo-admin-grassroots')
      .ok('org', 'regenerateQr', { unionId: world.union('grassroots'), purpose: 'member' });
    page = openPage('pages/scan/index');
    wxCalls.scanResults.push(member.url);
    await tap(page, '#scan');
    await until(page, () => pageText(page).includes('该二维码已失效'), 'the revoked message');
  });

  it('apply: search explains a miss, picks a union, submits with a notice request; the status page withdraws and calls', async () => {
    link.actAs('demo-user');
    const page = openPage('pages/membership/apply');
    const search = '#union-picker >>> #keyword >>> .t-search__search-action';
    await tap(page, '#submit');
    assert.match(pageText(page), /请先搜索并选择要加入的工会/);
    await type(page, '#union-picker >>> #keyword', '不存在的单位名');
    await tap(page, search);
    await until(page, () => pageText(page).includes('没有找到“不存在的单位名”相关的工会'), 'the not-found explanation');
    assert.equal(findAll(page, '#union-picker >>> .reason').length, 3);
    await type(page, '#union-picker >>> #keyword', '示例科技');
    await tap(page, search);
    await until(page, () => findAll(page, '#union-picker >>> .hit').length === 1, 'one hit');
    assert.equal(findAll(page, '#union-picker >>> .picked').length, 0);
    await tap(page, '#union-picker >>> .hit');
    assert.equal(findAll(page, '#union-picker >>> .picked').length, 1, 'the picked union is marked');
    assert.equal(page.data.unitName, '广州示例科技有限公司');
    await tap(page, '#kinds >>> .t-tabs__item', 1);
    assert.equal(page.data.kind, 'memberJoin');
    await tap(page, '#submit');
    await until(page, () => wxCalls.navigations.some((n) => n.url === '/pages/membership/status'), 'the status page');
    assert.equal(wxCalls.subscribeRequests.length, 1, 'asked to be told of the result');

    const status = openPage('pages/membership/status');
    await until(status, () => pageText(status).includes('审核中'), 'the pending state');
    assert.match(pageText(status), /单位名称\s*广州示例科技有限公司/);
    const steps = texts(status, '.app-timeline >>> .timeline-item');
    assert.match(
      steps[0],
      /^提交申请 · 孙注册\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
      'the timeline shows the submission in Beijing time',
    );
    assert.match(steps[1], /等待审核/);
    await tap(status, '#call');
    assert.match(wxCalls.phoneCalls[0], /^020-8700\d{4}$/);
    wxCalls.modalAnswers.push(false);
    await tap(status, '#withdraw');
    assert.match(pageText(status), /审核中/, 'cancelling the confirmation keeps the application');
    await tap(status, '#withdraw');
    await until(status, () => pageText(status).includes('没有审核中的申请'), 'the withdrawn state');
    assert.equal(wxCalls.modals.filter((m) => m.title === '撤销申请').length, 2);
  });

  it('transfer: search and submit; my applications show the timeline', async () => {
    link.actAs('demo-member');
    const page = openPage('pages/membership/transfer');
    await type(page, '#union-picker >>> #keyword', '产业园');
    await tap(page, '#union-picker >>> #keyword >>> .t-search__search-action');
    await until(page, () => findAll(page, '#union-picker >>> .hit').length > 0, 'hits');
    await tap(page, '#union-picker >>> .hit');
    await type(page, '#unitName', '示例产业园丁公司');
    await tap(page, '#submit');
    await until(page, () => wxCalls.navigations.some((n) => n.url === '/pages/membership/status'), 'the status page');
    const apps = openPage('pages/applications/index');
    await until(apps, () => apps.querySelectorAll('.application').length > 0, 'the list');
    assert.match(pageText(apps), /会籍转移\s*审核中/);
    assert.match(pageText(apps), /提交申请 · 刘会员/);
    const mine = await world.as('demo-member').ok('review', 'listMine', {});
    const at = new Date(Date.parse(mine.items[0].history[0].at) + 8 * 3600_000).toISOString();
    assert.ok(
      texts(apps, '.app-timeline >>> .timeline-item')[0].endsWith(`${at.slice(0, 10)} ${at.slice(11, 16)}`),
      'times are Beijing time (UTC+8)',
    );
    assert.ok(apps.querySelector('.withdraw'));
  });

  it('account: the masked identity, a phone change by SMS with the current password, and logout after confirmation', async () => {
    link.actAs('demo-member-rare');
    const page = openPage('pages/account/index');
    await until(page, () => pageText(page).includes('𠇔䶮·阿依古丽'), 'the rare-character name');
    assert.match(pageText(page), new RegExp(`${demoResidentId(9).slice(0, 4)}\\*{10}${demoResidentId(9).slice(-4)}`));
    await world.rewindSms();
    await tap(page, '#open-phone');
    await type(page, '#newPhone', '13700003009');
    await tap(page, '#send-code >>> .sms-code');
    await until(page, () => wxCalls.toasts.some((t) => t.title === '验证码已发送'), 'the code');
    await type(page, '#smsCode', await lastSmsCode(world, '13700003009'));
    await type(page, '#proofPassword', DEMO_PASSWORD);
    await tap(page, '#change-phone');
    await until(page, () => textOf(find(page, '#phone-cell')!).includes('137****3009'), 'the new phone');
    wxCalls.modalAnswers.push(true);
    await tap(page, '#logout');
    await until(page, () => wxCalls.navigations.some((n) => n.kind === 'reLaunch'), 'back home');
    assert.equal((await world.as('demo-member-rare').ok('account', 'me', {})).registered, false);
  });

  it('account: an unregistered WeChat user is asked to register or log in, not shown empty forms', async () => {
    link.actAs('wx-page-nobody');
    const page = openPage('pages/account/index');
    await until(page, () => Boolean(page.data.loaded), 'the page');
    assert.match(pageText(page), /还没有绑定工会会员账号/);
    assert.ok(!find(page, '#open-phone') && !find(page, '#logout'), 'no account forms');
    await tap(page, '#go-register');
    assert.equal(wxCalls.navigations.at(-1)?.url, '/pages/register/index');
  });

  it('scanning a 会员登记 code opens the application on 会员登记 for that union', async () => {
    link.actAs('demo-user');
    const qr = await world
      .as('demo-admin-grassroots')
      .ok('org', 'qr', { unionId: world.union('grassroots'), purpose: 'member' });
    const page = openPage('pages/membership/apply', { code: encodeURIComponent(qr.url) });
    await until(page, () => Boolean(page.data.fromCode), 'the union from the code');
    assert.equal(page.data.kind, 'memberRegister');
    assert.match(pageText(page), /申请加入：广州示例科技有限公司工会委员会/);
  });
});
