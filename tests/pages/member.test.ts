import assert from 'node:assert/strict';
import { demoPhone, demoResidentId, DEMO_PASSWORD } from '../../emulator/seed';
import { catalogueId } from '../helpers/catalogue';
import { demoWorld, lastSmsCode, type DemoWorld } from '../helpers/api';
import { connectToEmulator, openPage, pageText, tap, texts, type, until, usePageEnvironment, wxCalls } from '../helpers/page';

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
    assert.ok(!page.querySelector('#admin-tab'));

    link.actAs('demo-member');
    page = openPage('pages/index/index');
    await until(page, () => texts(page, '.union-name')[0] === '广州示例科技有限公司工会委员会', 'the membership card');
    assert.match(pageText(page), /在册/);
    assert.ok(!page.querySelector('#admin-tab'), 'a plain member has no admin tab');
    assert.match(String((page.data.membership as { card: { memberQr: string } }).card.memberQr), /^data:image\/png;base64,/);
    assert.ok(page.querySelector('.qr'), 'the member QR is shown');

    link.actAs('demo-admin-grassroots');
    page = openPage('pages/index/index');
    await until(page, () => Boolean(page.querySelector('#admin-tab')), 'the admin tab');
    await tap(page, '#admin-tab');
    await tap(page, '#admin-inbox');
    assert.deepEqual(wxCalls.navigations.at(-1), { kind: 'navigateTo', url: '/admin/inbox/index' });
  });

  it('register: a wrong ID number is explained; the local face check passes; SMS and password finish it', async () => {
    link.actAs('wx-page-register');
    const page = openPage('pages/register/index');
    await type(page, '#name', '页面测');
    await type(page, '#docNumber', catalogueId(3001).slice(0, 17) + 'Y');
    await tap(page, '#start-face');
    await until(page, () => pageText(page).includes('前 17 位应为数字'), 'the document error');
    await type(page, '#docNumber', catalogueId(3001));
    await tap(page, '#start-face');
    await until(page, () => Boolean(page.querySelector('#phone')), 'the account step');
    await type(page, '#phone', '13700003001');
    await tap(page, '#send-code');
    await until(page, () => wxCalls.toasts.some((t) => t.title.includes('验证码已发送至 137****3001')), 'the code sent');
    await type(page, '#smsCode', await lastSmsCode(world, '13700003001'));
    await type(page, '#password', 'Union2026ok');
    await type(page, '#password2', 'Union2026no');
    await tap(page, '#submit');
    assert.match(pageText(page), /两次输入的密码不一致/);
    await type(page, '#password2', 'Union2026ok');
    await tap(page, '#submit');
    await until(page, () => pageText(page).includes('注册完成'), 'registration done');
    assert.match(pageText(page), /办理会员登记或入会/);
  });

  it('register (HK/Macao/Taiwan and foreign): document photo, SMS, password, then review', async () => {
    link.actAs('wx-page-hk');
    wxCalls.uploader = async (cloudPath, content) => (await world.admin.uploadFile({ cloudPath, fileContent: content })).fileID;
    const page = openPage('pages/register/index');
    await type(page, '#doc-type', 1, 'change');
    await type(page, '#name', '陈小文');
    await type(page, '#docNumber', 'H55667788');
    wxCalls.pickFiles.push({ name: 'permit.jpg', content: Buffer.from('photo of the permit') });
    await tap(page, '#choose-photo');
    await until(page, () => String(page.data.photoFileId).startsWith('cloud://'), 'the uploaded photo');
    await tap(page, '#next-document');
    await type(page, '#phone', '13700003002');
    await tap(page, '#send-code');
    await until(page, () => Number(page.data.countdown) > 0, 'the code sent');
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
    const transport = require('../../dist/miniprogram/api/transport.js') as { setTransport(t: (n: string, d: Record<string, unknown>) => Promise<unknown>): void };
    transport.setTransport(async (name, data) => (await world.emulator.functions.invoke(name, { ...data, clientVersion: '0.1.0' }, { openid: 'demo-member' })).result);
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
    const member = await world.as('demo-admin-grassroots').ok('org', 'qr', { unionId: world.union('grassroots'), purpose: 'member' });
    page = openPage('pages/scan/index');
    wxCalls.scanResults.push(member.url);
    await tap(page, '#scan');
    await until(page, () => wxCalls.navigations.length > 1, 'the second redirect');
    assert.match(wxCalls.navigations[1].url, /^\/pages\/membership\/apply\?code=/);
    await world.as('demo-admin-grassroots').ok('org', 'regenerateQr', { unionId: world.union('grassroots'), purpose: 'member' });
    page = openPage('pages/scan/index');
    wxCalls.scanResults.push(member.url);
    await tap(page, '#scan');
    await until(page, () => pageText(page).includes('该二维码已失效'), 'the revoked message');
  });

  it('apply: search explains a miss, picks a union, submits with a notice request; the status page withdraws and calls', async () => {
    link.actAs('demo-user');
    const page = openPage('pages/membership/apply');
    await type(page, '#keyword', '不存在的单位名');
    await tap(page, '#search');
    await until(page, () => pageText(page).includes('没有找到相关工会'), 'the not-found explanation');
    assert.equal(page.querySelectorAll('.reason').length, 3);
    await type(page, '#keyword', '示例科技');
    await tap(page, '#search');
    await until(page, () => page.querySelectorAll('.hit').length === 1, 'one hit');
    await tap(page, '.hit');
    assert.equal(page.data.unitName, '广州示例科技有限公司');
    await tap(page, '#kind-join');
    await tap(page, '#submit');
    await until(page, () => wxCalls.navigations.some((n) => n.url === '/pages/membership/status'), 'the status page');
    assert.equal(wxCalls.subscribeRequests.length, 1, 'asked to be told of the result');

    const status = openPage('pages/membership/status');
    await until(status, () => pageText(status).includes('审核中'), 'the pending state');
    assert.match(pageText(status), /单位名称\s*广州示例科技有限公司/);
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
    await type(page, '#keyword', '产业园');
    await tap(page, '#search');
    await until(page, () => page.querySelectorAll('.hit').length > 0, 'hits');
    await tap(page, '.hit');
    await type(page, '#unitName', '示例产业园丁公司');
    await tap(page, '#submit');
    await until(page, () => wxCalls.navigations.some((n) => n.url === '/pages/membership/status'), 'the status page');
    const apps = openPage('pages/applications/index');
    await until(apps, () => apps.querySelectorAll('.application').length > 0, 'the list');
    assert.match(pageText(apps), /会籍转移 · 审核中/);
    assert.match(pageText(apps), /提交申请 · 刘会员/);
    assert.ok(apps.querySelector('.withdraw'));
  });

  it('account: the masked identity, a phone change by SMS with the current password, and logout after confirmation', async () => {
    link.actAs('demo-member-rare');
    const page = openPage('pages/account/index');
    await until(page, () => pageText(page).includes('𠇔䶮·阿依古丽'), 'the rare-character name');
    assert.match(pageText(page), new RegExp(`${demoResidentId(9).slice(0, 4)}\\*{10}${demoResidentId(9).slice(-4)}`));
    await world.rewindSms();
    await type(page, '#newPhone', '13700003009');
    await tap(page, '#send-code');
    await until(page, () => wxCalls.toasts.some((t) => t.title === '验证码已发送'), 'the code');
    await type(page, '#smsCode', await lastSmsCode(world, '13700003009'));
    await type(page, '#proofPassword', DEMO_PASSWORD);
    await tap(page, '#change-phone');
    await until(page, () => texts(page, '.phone')[0] === '137****3009', 'the new phone');
    wxCalls.modalAnswers.push(true);
    await tap(page, '#logout');
    await until(page, () => wxCalls.navigations.some((n) => n.kind === 'reLaunch'), 'back home');
    assert.equal((await world.as('demo-member-rare').ok('account', 'me', {})).registered, false);
  });
});
