import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  emit,
  find,
  launchApp,
  MP_OUT,
  openPage,
  settle,
  tap,
  textOf,
  usePageEnvironment,
  wxCalls,
} from '../helpers/page';
import { tsSources } from '../helpers/sources';

const SRC = path.join(__dirname, '..', '..', 'miniprogram');

/** WeChat's privacy consent (onNeedPrivacyAuthorization) and the PIPL texts, as a user meets them. */
describe('privacy: consent popup, declarations, sitemap', () => {
  usePageEnvironment();
  type Answer = { event: string; buttonId?: string };
  let ask: ((resolve: (a: Answer) => void) => void) | undefined;

  before(() => {
    const g = global as unknown as { wx: Record<string, unknown> };
    g.wx.onNeedPrivacyAuthorization = (cb: typeof ask) => (ask = cb);
    launchApp();
    // These pages are opened for their popup only: their calls fail at once instead of reaching a server.
    type Transport = { setTransport(t: () => Promise<unknown>): void };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built transport the pages use
    const transport = require(path.join(MP_OUT, 'api', 'transport.js')) as Transport;
    transport.setTransport(() => Promise.reject(new Error('offline')));
    assert.ok(ask, 'the app listens for WeChat’s privacy requests');
  });

  function request(): Promise<Answer> {
    return new Promise((resolve) => ask?.(resolve));
  }

  it('a privacy API on the register page shows the popup; 同意并继续 answers agree for that button', async () => {
    const page = openPage('pages/register/index');
    await settle();
    assert.equal(find(page, '#privacy')?.data.visible, false, 'hidden until WeChat asks');
    const answer = request();
    await settle();
    const popup = find(page, '#privacy')!;
    assert.equal(popup.data.visible, true);
    assert.match(textOf(find(page, '#privacy >>> .privacy-text')!), /《工会会员服务小程序隐私保护指引》/);
    // WeChat's own button fires agreeprivacyauthorization when tapped (open-type="agreePrivacyAuthorization").
    await emit(page, '#privacy >>> #agree-privacy', 'agreeprivacyauthorization', {});
    assert.deepEqual(await answer, { event: 'agree', buttonId: 'agree-privacy' });
    assert.equal(find(page, '#privacy')?.data.visible, false);
  });

  it('不同意 answers disagree and says what that means; the guideline opens from the popup', async () => {
    const page = openPage('admin/import/index');
    const opened: string[] = [];
    (global as unknown as { wx: Record<string, unknown> }).wx.openPrivacyContract = () => opened.push('contract');
    const answer = request();
    await settle();
    await tap(page, '#privacy >>> #contract');
    assert.deepEqual(opened, ['contract']);
    await tap(page, '#privacy >>> .disagree');
    assert.deepEqual(await answer, { event: 'disagree' });
    assert.match(wxCalls.toasts.at(-1)?.title ?? '', /未同意隐私保护指引/);
  });

  it('every privacy API the pages call is declared, and the rules page lists them', async () => {
    const used = new Set<string>();
    for (const file of tsSources(SRC, ['miniprogram_npm']))
      for (const m of fs
        .readFileSync(file, 'utf8')
        .matchAll(
          /wx\.(chooseMedia|chooseImage|chooseMessageFile|saveImageToPhotosAlbum|setClipboardData|getClipboardData|scanCode|openDocument|getLocation|chooseLocation)\(/g,
        ))
        used.add(m[1]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built table the pages show
    const { PRIVACY_DECLARATIONS } = require(path.join(MP_OUT, 'utils', 'privacy.js')) as {
      PRIVACY_DECLARATIONS: Array<{ api: string }>;
    };
    const declared = new Set(PRIVACY_DECLARATIONS.map((d) => d.api));
    assert.deepEqual(
      [...used].filter((api) => !declared.has(api)),
      [],
    );
    const page = openPage('pages/legal/index', { doc: 'privacy' });
    await settle();
    assert.equal(page.querySelectorAll('.declaration').length, PRIVACY_DECLARATIONS.length);
    assert.match(textOf(page), /敏感个人信息/);
    assert.match(textOf(page), /注销账号后 30 日内删除/);
  });

  it('the sitemap keeps admin and account pages out of WeChat search', () => {
    const sitemap = JSON.parse(fs.readFileSync(path.join(SRC, 'sitemap.json'), 'utf8')) as {
      rules: Array<{ action: string; page: string }>;
    };
    const rule = (page: string) =>
      sitemap.rules.find(
        (r) => r.page === page || (r.page.endsWith('/*') && page.startsWith(r.page.slice(0, -1))) || r.page === '*',
      );
    for (const page of [
      'admin/inbox/index',
      'admin/members/index',
      'pages/account/index',
      'pages/mine/index',
      'pages/manage/index',
      'pages/register/index',
    ]) {
      assert.equal(rule(page)?.action, 'disallow', `${page} must not be indexed`);
    }
    assert.equal(rule('pages/help/index')?.action, 'allow');
    const app = JSON.parse(fs.readFileSync(path.join(SRC, 'app.json'), 'utf8')) as { __usePrivacyCheck__?: boolean };
    assert.equal(app.__usePrivacyCheck__, true);
  });
});
