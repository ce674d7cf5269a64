import assert from 'node:assert/strict';
import { qrLoginUrl } from '../../cloudfunctions/shared/web/qr-login';
import { find, openPage, pageText, tap, until, usePageWorld, wxCalls } from '../helpers/page';
import { WebClient } from '../../fixtures/web';

/** 扫码登录后台系统: the PC console shows a code, an admin scans it in WeChat and confirms on this page. */
describe('pages: web-login — confirming a back office login from WeChat', function () {
  this.timeout(120_000);
  const pages = usePageWorld();

  /** The console on a PC asks for a login code, as its login screen does. */
  async function consoleCode(): Promise<{ browser: WebClient; qrId: string; pollToken: string; code: string }> {
    const browser = new WebClient(pages.world.emulator);
    const start = await browser.call('account', 'qrLoginStart', {});
    assert.ok(start.body.ok);
    const { qrId, pollToken } = start.body.data;
    return { browser, qrId, pollToken, code: qrLoginUrl(qrId) };
  }

  /** What the scan page opens for a scanned code. */
  async function scanned(code: string): Promise<Record<string, string>> {
    const scan = openPage('pages/scan/index');
    wxCalls.scanResults.push(code);
    await tap(scan, '#scan');
    await until(
      scan,
      () => wxCalls.navigations.some((n) => n.url.startsWith('/pages/web-login/index?')),
      'the confirmation page',
    );
    const url = wxCalls.navigations.filter((n) => n.url.startsWith('/pages/web-login/index?')).at(-1)?.url ?? '';
    return Object.fromEntries(new URLSearchParams(url.split('?')[1]));
  }

  it('scan → 确认登录 → the console on the PC is logged in; the code cannot be used again', async () => {
    pages.actAs('demo-admin-county');
    const pc = await consoleCode();
    const page = openPage('pages/web-login/index', await scanned(pc.code));
    assert.match(pageText(page), /确认在电脑上登录后台系统？.*他人发来的二维码请勿确认/);
    const waiting = await pc.browser.call('account', 'qrLoginPoll', { qrId: pc.qrId, pollToken: pc.pollToken });
    assert.deepEqual(waiting.body.ok && waiting.body.data, { status: 'waiting' }, 'nothing happens before the tap');

    await tap(page, '#confirm');
    await until(page, () => pageText(page).includes('已确认登录'), 'the confirmation');
    assert.ok(!find(page, '#confirm'), 'no second confirm');
    const done = await pc.browser.call('account', 'qrLoginPoll', { qrId: pc.qrId, pollToken: pc.pollToken });
    assert.ok(done.body.ok && done.body.data.status === 'confirmed', 'the console is logged in');
    await tap(page, '#back');
    assert.deepEqual(wxCalls.navigations.at(-1), { kind: 'reLaunch', url: '/pages/index/index' });

    const again = openPage('pages/web-login/index', { code: encodeURIComponent(pc.code) });
    await tap(again, '#confirm');
    await until(
      again,
      () => pageText(again).includes('该二维码已被使用，请在电脑上刷新二维码'),
      'the used code explained',
    );
    assert.match(pageText(again), /无法登录/);
    assert.ok(!find(again, '#confirm'), 'a used code offers no confirm button');
    assert.ok(
      wxCalls.toasts.some((t) => t.title === '该二维码已被使用，请在电脑上刷新二维码'),
      'the toast says it too',
    );
  });

  it('an expired code, a member without a role, and a missing code each say what to do', async () => {
    pages.actAs('demo-admin-county');
    const late = await consoleCode();
    await pages.world.admin
      .database()
      .collection('webLogins')
      .doc(late.qrId)
      .update({ expiresAt: new Date(Date.now() - 1000) });
    const expired = openPage('pages/web-login/index', await scanned(late.code));
    await tap(expired, '#confirm');
    await until(
      expired,
      () => pageText(expired).includes('二维码已过期，请在电脑上点击“刷新二维码”后重新扫码'),
      'the expired code explained',
    );
    assert.ok(!find(expired, '#confirm'));

    pages.actAs('demo-member');
    const pc = await consoleCode();
    const member = openPage('pages/web-login/index', await scanned(pc.code));
    await tap(member, '#confirm');
    await until(
      member,
      () => pageText(member).includes('您不是任何工会的管理员或操作员，无法登录后台系统'),
      'no role explained',
    );
    const poll = await pc.browser.call('account', 'qrLoginPoll', { qrId: pc.qrId, pollToken: pc.pollToken });
    assert.deepEqual(poll.body.ok && poll.body.data, { status: 'waiting' }, 'the console stays logged out');

    const none = openPage('pages/web-login/index');
    assert.match(pageText(none), /没有读到登录二维码，请回到电脑上刷新二维码后重新扫码/);
    assert.ok(!find(none, '#confirm'));
  });
});
