import assert from 'node:assert/strict';
import { demoResidentId } from '../../fixtures/demo';
import { lastSmsCode, registerPerson, type DemoWorld } from '../helpers/api';
import { find, openPage, pageText, tap, textOf, texts, type, until, usePageWorld, wxCalls } from '../helpers/page';

describe('pages: 账号与安全 — login devices, account deletion, recovery, the audit log', function () {
  this.timeout(120_000);
  const pages = usePageWorld();
  let world: DemoWorld;
  before(() => {
    world = pages.world;
  });

  it('login devices: this WeChat is marked 本机; another is ended after confirmation', async () => {
    const person = { name: '页设备', docNumber: demoResidentId(360), phone: '13900000360', password: 'Device2026ok' };
    await registerPerson(world, 'wx-page-dev-a', person);
    await world.as('wx-page-dev-b').ok('account', 'loginPassword', { phone: person.phone, password: person.password });
    pages.actAs('wx-page-dev-a');
    const page = openPage('pages/account/sessions');
    await until(page, () => page.querySelectorAll('.session').length === 2, 'two logins');
    assert.equal(page.querySelectorAll('.current').length, 1);
    assert.deepEqual(texts(page, '.via').sort(), ['实名注册', '密码登录']);
    wxCalls.modalAnswers.push(true);
    await tap(page, '.end');
    await until(page, () => page.querySelectorAll('.session').length === 1, 'one login left');
    assert.deepEqual(
      wxCalls.modals[0],
      { title: '下线设备', content: '该微信将退出您的账号，需重新登录才能使用。确定下线吗？' },
      'the dialog asked first',
    );
    await until(page, () => wxCalls.toasts.some((t) => t.title === '已下线'), 'the toast');
    assert.ok(page.querySelector('.only-me'), 'the empty state says only this device is logged in');
    assert.equal((await world.as('wx-page-dev-b').ok('account', 'me', {})).registered, false);
  });

  it('注销账号: states what is deleted and kept, verifies the owner, confirms, deletes', async () => {
    const person = { name: '页注销', docNumber: demoResidentId(361), phone: '13900000361', password: 'Delete2026ok' };
    await registerPerson(world, 'wx-page-delete', person);
    pages.actAs('wx-page-delete');
    const page = openPage('pages/account/delete');
    await until(page, () => pageText(page).includes('注销后将删除'), 'the statement');
    assert.match(pageText(page), /注销后将删除.*证件号码（加密存储的原文）.*所有微信登录绑定/);
    assert.match(pageText(page), /工会将保留.*仅保留姓名和脱敏证件号码/);
    await tap(page, '#delete');
    assert.equal(
      textOf(find(page, '#password')!).includes('请输入当前登录密码'),
      true,
      'an empty password is explained under the field',
    );
    assert.equal(wxCalls.modals.length, 0, 'nothing is asked before the proof is there');
    await type(page, '#password', 'Wrong12345');
    wxCalls.modalAnswers.push(true);
    await tap(page, '#delete');
    await until(page, () => pageText(page).includes('当前密码不正确'), 'the wrong password explained');
    assert.match(textOf(find(page, '#password')!), /当前密码不正确/, 'under the password field');
    await type(page, '#password', person.password);
    wxCalls.modalAnswers.push(false);
    await tap(page, '#delete');
    assert.equal(
      (await world.as('wx-page-delete').ok('account', 'me', {})).registered,
      true,
      'cancelling the confirmation deletes nothing',
    );
    wxCalls.modalAnswers.push(true);
    await tap(page, '#delete');
    await until(page, () => wxCalls.navigations.some((n) => n.kind === 'reLaunch'), 'back home');
    assert.equal((await world.as('wx-page-delete').ok('account', 'me', {})).registered, false);
  });

  it('找回账号 from registration: the face check finds the ID registered, a new phone is bound', async () => {
    const person = { name: '页找回', docNumber: demoResidentId(362), phone: '13900000362', password: 'Lost2026ok' };
    await registerPerson(world, 'wx-page-lost-old', person);
    pages.actAs('wx-page-lost-new');
    const reg = openPage('pages/register/index');
    await type(reg, '#name', person.name);
    await type(reg, '#docNumber', person.docNumber);
    await tap(reg, '#consent-rules');
    await tap(reg, '#consent-sensitive');
    await tap(reg, '#start-face');
    await until(
      reg,
      () =>
        wxCalls.navigations.some((n) => n.kind === 'redirectTo' && n.url.startsWith('/pages/recover/index?sessionId=')),
      'sent to recovery',
    );
    const url = wxCalls.navigations.filter((n) => n.kind === 'redirectTo').at(-1)?.url ?? '';
    const page = openPage('pages/recover/index', { sessionId: url.split('sessionId=')[1] });
    await until(page, () => Boolean(page.querySelector('#phone')), 'the new phone step');
    await world.rewindSms();
    await type(page, '#phone', '13900000363');
    await tap(page, '#send-code >>> .sms-code');
    await until(page, () => wxCalls.toasts.some((t) => t.title === '验证码已发送至 139****0363'), 'the code sent');
    await type(page, '#smsCode', await lastSmsCode(world, '13900000363'));
    await tap(page, '#recover');
    await until(page, () => wxCalls.navigations.some((n) => n.kind === 'reLaunch'), 'home');
    const me = await world.as('wx-page-lost-new').ok('account', 'me', {});
    assert.equal(me.account?.phoneMasked, '139****0363');
    assert.equal((await world.as('wx-page-lost-old').ok('account', 'me', {})).registered, false);
  });

  it('a built-in account (no password) proves itself for a phone change with a code to its current phone', async () => {
    const person = {
      name: '页内置',
      docType: 'resident' as const,
      docNumber: demoResidentId(364),
      phone: '13900000364',
    };
    const up = await world.admin.uploadFile({
      cloudPath: 'uploads/certificates/page-builtin.png',
      fileContent: Buffer.from('stamped certificate'),
    });
    const applied = await world.as('demo-admin-grassroots').ok('review', 'submit', {
      kind: 'builtinAccount',
      data: { unionId: world.union('grassroots'), ...person, reason: '姓名含生僻字', certificateFileId: up.fileID },
    });
    await world.as('demo-province-office').ok('review', 'approve', { id: applied.application.id });
    await world.rewindSms();
    await world.as('wx-page-builtin').ok('account', 'sendSmsCode', { phone: person.phone, purpose: 'login' });
    await world
      .as('wx-page-builtin')
      .ok('account', 'loginSms', { phone: person.phone, smsCode: await lastSmsCode(world, person.phone) });

    pages.actAs('wx-page-builtin');
    const page = openPage('pages/account/index');
    await until(page, () => Boolean(page.data.loaded), 'the account');
    await tap(page, '#open-phone');
    await until(page, () => Boolean(find(page, '#send-owner-code')), 'the code-to-current-phone proof');
    assert.ok(!find(page, '#proofPassword'), 'no password to ask for');
    await world.rewindSms();
    await tap(page, '#send-owner-code');
    await until(page, () => pageText(page).includes('已发送至 139****0364'), 'the owner code sent');
    await type(page, '#ownerCode', await lastSmsCode(world, person.phone));
    await type(page, '#newPhone', '13900000365');
    await tap(page, '#send-code >>> .sms-code');
    await until(page, () => wxCalls.toasts.some((t) => t.title === '验证码已发送'), 'the new-phone code');
    await type(page, '#smsCode', await lastSmsCode(world, '13900000365'));
    await tap(page, '#change-phone');
    await until(page, () => textOf(find(page, '#phone-cell')!).includes('139****0365'), 'the new phone');
  });

  it('操作日志: names, roles, targets in words, refused attempts marked 已拒绝', async () => {
    await world.as('demo-member').fails('member', 'export', { unionId: world.union('grassroots'), realName: false });
    pages.actAs('demo-admin-grassroots');
    const page = openPage('admin/audit/index');
    await until(page, () => page.querySelectorAll('.audit-row').length > 0, 'the log');
    const refused = page.querySelectorAll('.audit-row.refused');
    assert.equal(refused.length, 1);
    assert.match(
      refused[0].dom.textContent ?? '',
      /刘会员（会员）.*已拒绝.*导出会员信息.*对象：广州示例科技有限公司工会委员会.*只有本级工会管理员可以导出/,
    );
  });
});
