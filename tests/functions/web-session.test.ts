import assert from 'node:assert/strict';
import { DEMO_PASSWORD, demoPhone } from '../../fixtures/demo';
import { openidOfToken, SESSION_COOKIE } from '../../cloudfunctions/shared/web/session';
import { qrLoginUrl } from '../../cloudfunctions/shared/web/qr-login';
import { demoWorld, type DemoWorld } from '../helpers/api';
import { WebClient } from '../../fixtures/web';

// Demo people by their seat in the seed (their phone is demoPhone(seat)).
const COUNTY_ADMIN = demoPhone(2);
const MEMBER = demoPhone(8);

function tokenOf(client: WebClient): string {
  return client.cookie.slice(`${SESSION_COOKIE}=`.length);
}

/** The back office's door: /api/<function> as CloudBase's HTTP access service, with web sessions. */
describe('web sessions through the HTTP-trigger door', function () {
  this.timeout(120_000);
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  it('a password login sets an HttpOnly, SameSite=Strict session cookie (not Secure on plain http localhost) and answers the CSRF token', async () => {
    const web = new WebClient(world.emulator);
    const res = await web.login(COUNTY_ADMIN, DEMO_PASSWORD);
    assert.equal(res.status, 200);
    assert.ok(res.body.ok);
    assert.match(res.setCookie ?? '', /^ump_sid=[\w-]{40,}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    assert.ok(res.body.csrfToken && res.body.csrfToken.length > 20);
    // The database holds only the token's hash.
    const sessions = await world.docs<{ _id: string; web?: boolean; userId: string }>('bindings', { web: true });
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]._id, openidOfToken(tokenOf(web)));
    assert.ok(!JSON.stringify(sessions).includes(tokenOf(web)));
  });

  it('the same actions answer as for the mini-program: the county admin sees the county’s members', async () => {
    const web = new WebClient(world.emulator);
    await web.login(COUNTY_ADMIN, DEMO_PASSWORD);
    const res = await web.call('org', 'detail', { unionId: world.union('county') });
    assert.ok(res.body.ok, JSON.stringify(res.body));
    assert.equal(res.body.data.union.name, '广州市天河区总工会');
  });

  it('refuses a request without the CSRF token, and one without a session', async () => {
    const web = new WebClient(world.emulator);
    await web.login(COUNTY_ADMIN, DEMO_PASSWORD);
    const noCsrf = await web.post('org', { action: 'myUnions', payload: {} }, { csrf: null });
    assert.equal(noCsrf.status, 403);
    assert.ok(!noCsrf.body.ok && noCsrf.body.error.message === '页面已过期，请刷新页面后重试');
    const wrong = await web.post('org', { action: 'myUnions', payload: {} }, { csrf: 'x'.repeat(43) });
    assert.equal(wrong.status, 403);
    const stranger = new WebClient(world.emulator);
    const anon = await stranger.call('org', 'myUnions', {});
    assert.equal(anon.status, 401);
    assert.ok(
      !anon.body.ok && anon.body.error.code === 'NOT_LOGGED_IN' && anon.body.error.message === '请先登录后台系统',
    );
  });

  it('accepts only JSON POSTs (a cross-site form cannot reach an action)', async () => {
    const web = new WebClient(world.emulator);
    await web.login(COUNTY_ADMIN, DEMO_PASSWORD);
    const form = await web.post('org', 'action=myUnions', { contentType: 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    const get = await fetch(`${world.emulator.baseUrl}/api/org`, { headers: { cookie: web.cookie } });
    assert.equal(get.status, 405);
  });

  it('a cookie planted before the login never becomes the session (a fresh token is issued)', async () => {
    const web = new WebClient(world.emulator);
    web.cookie = `${SESSION_COOKIE}=planted-by-someone-else-0000000000000000000`;
    await web.login(COUNTY_ADMIN, DEMO_PASSWORD);
    assert.notEqual(tokenOf(web), 'planted-by-someone-else-0000000000000000000');
    const planted = new WebClient(world.emulator);
    planted.cookie = `${SESSION_COOKIE}=planted-by-someone-else-0000000000000000000`;
    assert.equal((await planted.call('org', 'myUnions', {})).status, 401);
  });

  it('logout ends the session: the cookie is cleared and the old token no longer works', async () => {
    const web = new WebClient(world.emulator);
    await web.login(COUNTY_ADMIN, DEMO_PASSWORD);
    const old = web.cookie;
    const csrf = web.csrf;
    const out = await web.call('account', 'logout', {});
    assert.ok(out.body.ok);
    assert.match(out.setCookie ?? '', /Max-Age=0/);
    const replay = new WebClient(world.emulator);
    replay.cookie = old;
    replay.csrf = csrf;
    const res = await replay.call('org', 'myUnions', {});
    assert.equal(res.status, 401);
  });

  it('a changed users.sessionEpoch (password change, recovery …) ends every web session with a reason', async () => {
    const web = new WebClient(world.emulator);
    const login = await web.login(COUNTY_ADMIN, DEMO_PASSWORD);
    assert.ok(login.body.ok);
    const userId = login.body.data ? (login.body.data as { account: { userId: string } }).account.userId : '';
    await world.admin.database().collection('users').doc(userId).update({ sessionEpoch: 1 });
    const res = await web.call('org', 'myUnions', {});
    assert.equal(res.status, 401);
    assert.ok(!res.body.ok && res.body.error.message === '账号安全设置已变更，请重新登录');
    assert.match(res.setCookie ?? '', /Max-Age=0/);
    // A login after the change carries the new epoch and works.
    await web.login(COUNTY_ADMIN, DEMO_PASSWORD);
    assert.ok((await web.call('org', 'myUnions', {})).body.ok);
    await world.admin.database().collection('users').doc(userId).update({ sessionEpoch: 0 });
  });

  it('an idle session ends after 30 minutes', async () => {
    const web = new WebClient(world.emulator);
    await web.login(COUNTY_ADMIN, DEMO_PASSWORD);
    const id = openidOfToken(tokenOf(web));
    await world.admin
      .database()
      .collection('bindings')
      .doc(id)
      .update({ lastSeenAt: new Date(Date.now() - 31 * 60_000) });
    const res = await web.call('org', 'myUnions', {});
    assert.equal(res.status, 401);
    assert.ok(!res.body.ok && /超过 30 分钟未操作/.test(res.body.error.message));
    assert.equal((await world.docs('bindings', { _id: id })).length, 0);
  });

  it('the app’s lockout holds on the web: five wrong passwords lock the account', async () => {
    const web = new WebClient(world.emulator);
    const phone = demoPhone(6);
    for (let i = 0; i < 5; i++) {
      const r = await web.login(phone, 'wrong-password');
      assert.ok(!r.body.ok && r.body.error.code === 'LOGIN_FAILED');
    }
    const locked = await web.login(phone, DEMO_PASSWORD);
    assert.ok(!locked.body.ok && locked.body.error.code === 'ACCOUNT_LOCKED', JSON.stringify(locked.body));
    assert.equal(web.cookie, '');
  });

  it('the API refuses what the role does not allow: a plain member cannot list a union’s members', async () => {
    const web = new WebClient(world.emulator);
    assert.ok((await web.login(MEMBER, DEMO_PASSWORD)).body.ok);
    const res = await web.call('member', 'list', { unionId: world.union('grassroots'), realName: true });
    assert.ok(!res.body.ok && res.body.error.code === 'PERMISSION_DENIED');
  });

  it('CloudBase’s own HTTP access event (no WeChat identity) behind https gets a Secure cookie', async () => {
    const event = {
      path: '/api/account',
      httpMethod: 'POST',
      headers: { host: 'union.example.cn', 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'loginPassword', payload: { phone: COUNTY_ADMIN, password: DEMO_PASSWORD } }),
      isBase64Encoded: false,
    };
    const res = await world.admin.callFunction({ name: 'account', data: event });
    const out = res.result as { statusCode: number; headers: Record<string, string> };
    assert.equal(out.statusCode, 200);
    assert.match(out.headers['set-cookie'], /; Secure$/);
  });

  it('a mini-program caller sending an HTTP-shaped event stays a WeChat caller', async () => {
    const res = await world
      .as('demo-admin-county')
      .raw('org', { path: '/api/org', httpMethod: 'POST', headers: {}, action: 'myUnions', payload: {} });
    assert.ok(res.ok, JSON.stringify(res));
  });
});

describe('QR login through the HTTP-trigger door', function () {
  this.timeout(120_000);
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  it('only the browser holding the poll token gets the session, once; an unconfirmed code expires', async () => {
    const browser = new WebClient(world.emulator);
    const start = await browser.call('account', 'qrLoginStart', {});
    assert.ok(start.body.ok);
    const { qrId, pollToken } = start.body.data;
    const waiting = await browser.call('account', 'qrLoginPoll', { qrId, pollToken });
    assert.deepEqual(waiting.body.ok && waiting.body.data, { status: 'waiting' });
    assert.equal(waiting.setCookie, null, 'a waiting poll starts no session');
    await world.as('demo-admin-county').ok('account', 'qrLoginConfirm', { code: qrLoginUrl(qrId) });
    const thief = new WebClient(world.emulator);
    const stolen = await thief.call('account', 'qrLoginPoll', { qrId, pollToken: 'guessed-token-000000000000' });
    assert.ok(!stolen.body.ok && stolen.body.error.code === 'NOT_FOUND');
    const done = await browser.call('account', 'qrLoginPoll', { qrId, pollToken });
    assert.ok(done.body.ok && done.body.data.status === 'confirmed');
    assert.ok((await browser.call('org', 'myUnions', {})).body.ok);
    const replay = await new WebClient(world.emulator).call('account', 'qrLoginPoll', { qrId, pollToken });
    assert.ok(!replay.body.ok && replay.body.error.code === 'ALREADY_PROCESSED');

    const late = await browser.call('account', 'qrLoginStart', {});
    assert.ok(late.body.ok);
    await world.admin
      .database()
      .collection('webLogins')
      .doc(late.body.data.qrId)
      .update({ expiresAt: new Date(Date.now() - 1000) });
    const expired = await world
      .as('demo-admin-county')
      .fails('account', 'qrLoginConfirm', { code: qrLoginUrl(late.body.data.qrId) });
    assert.match(expired.message, /二维码已过期/);
    const polled = await browser.call('account', 'qrLoginPoll', {
      qrId: late.body.data.qrId,
      pollToken: late.body.data.pollToken,
    });
    assert.deepEqual(polled.body.ok && polled.body.data, { status: 'expired' });
  });

  it('a mini-program caller cannot poll a console code into its own WeChat session', async () => {
    const err = await world
      .as('demo-admin-county')
      .fails('account', 'qrLoginPoll', { qrId: '0'.repeat(32), pollToken: 'x'.repeat(32) });
    assert.equal(err.code, 'PERMISSION_DENIED');
  });
});
