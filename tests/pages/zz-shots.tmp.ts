import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { demoResidentId } from '../../emulator/seed';
import { demoWorld, registerPerson, type DemoWorld } from '../helpers/api';
import { connectToEmulator, MP_OUT, openPage, until, usePageEnvironment, type PageComponent } from '../helpers/page';

function html(page: PageComponent, wxssFiles: string[]): string {
  const css = wxssFiles.map((f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '')).join('\n').replace(/(\d+(\.\d+)?)rpx/g, (_, n) => `${Number(n) / 2}px`).replace(/\bpage\b/g, 'body');
  const body = page.dom.outerHTML.replace(/main--/g, "").replace(/<wx-view/g, '<div').replace(/<\/wx-view>/g, '</div>').replace(/<wx-button/g, '<button').replace(/<\/wx-button>/g, '</button>').replace(/<wx-text/g, '<span').replace(/<\/wx-text>/g, '</span>').replace(/<wx-input([^>]*)>/g, '<input$1 placeholder-x>').replace(/<t-tag[^>]*>/g, '<span style="background:#f2f3ff;color:#0052d9;padding:2px 6px;border-radius:3px;font-size:12px">').replace(/<\/t-tag>/g, '</span>');
  return `<html><head><meta charset="utf-8"><style>body{width:375px;margin:0;font-family:sans-serif} button{display:block;width:100%;padding:10px;border:1px solid #ddd;border-radius:5px;background:#fff;font-size:16px} input{display:block;width:95%;border:0} ${css}</style></head><body>${body}</body></html>`;
}

describe('shots', function () {
  this.timeout(120_000);
  usePageEnvironment();
  let world: DemoWorld;
  let link: ReturnType<typeof connectToEmulator>;
  before(async () => {
    world = await demoWorld();
    link = connectToEmulator(world.emulator);
  });
  after(() => world.close());
  it('renders', async () => {
    await registerPerson(world, 'wx-shot', { name: '张三', docNumber: demoResidentId(370), phone: '13900000370', password: 'Shot2026ok' });
    await world.as('wx-shot-b').ok('account', 'loginPassword', { phone: '13900000370', password: 'Shot2026ok' });
    await world.as('demo-member').fails('member', 'export', { unionId: world.union('grassroots'), realName: false });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
    const shots: Array<[string, string, string, (p: PageComponent) => boolean]> = [
      ['wx-shot', 'pages/account/sessions', 'sessions', (p) => p.querySelectorAll('.session').length > 0],
      ['wx-shot', 'pages/account/delete', 'delete', (p) => Boolean(p.data.statement)],
      ['wx-shot', 'pages/recover/index', 'recover', () => true],
      ['demo-admin-grassroots', 'admin/audit/index', 'audit', (p) => p.querySelectorAll('.audit-row').length > 0],
      ['wx-shot', 'pages/account/index', 'account', (p) => Boolean(p.data.account)],
    ];
    for (const [who, pagePath, name, ready] of shots) {
      link.actAs(who);
      const page = openPage(pagePath);
      await until(page, () => ready(page), name);
      const file = path.join('/tmp/shots15', `${name}.html`);
      fs.writeFileSync(file, html(page, [path.join(MP_OUT, 'app.wxss'), path.join(MP_OUT, `${pagePath}.wxss`)]));
      const tab = await browser.newPage({ viewport: { width: 375, height: 700 } });
      await tab.goto(`file://${file}`);
      await tab.screenshot({ path: path.join('/tmp/shots15', `${name}.png`), fullPage: true });
      await tab.close();
    }
    await browser.close();
  });
});
