import assert from 'node:assert/strict';
import { demoCreditCode } from '../../fixtures/demo';
import { catalogueId } from '../helpers/catalogue';
import { demoWorld, lastSmsCode, type DemoWorld } from '../helpers/api';
import { xlsxOf } from '../helpers/files';
import {
  connectToEmulator,
  findAll,
  openPage,
  pageText,
  tap,
  texts,
  type,
  until,
  usePageEnvironment,
  wxCalls,
  type PageComponent,
} from '../helpers/page';

/** Whole journeys through the pages, each on a fresh emulator, as the people in the spec take them. */
describe('walk-throughs, page by page', function () {
  this.timeout(180_000);
  usePageEnvironment();
  let world: DemoWorld;
  let link: ReturnType<typeof connectToEmulator>;
  beforeEach(async () => {
    world = await demoWorld();
    link = connectToEmulator(world.emulator);
  });
  afterEach(() => world.close());

  async function registerThroughPage(
    openid: string,
    name: string,
    docNumber: string,
    phone: string,
  ): Promise<PageComponent> {
    link.actAs(openid);
    const page = openPage('pages/register/index');
    await type(page, '#name', name);
    await type(page, '#docNumber', docNumber);
    await tap(page, '#consent-rules');
    await tap(page, '#consent-sensitive');
    await tap(page, '#start-face');
    await until(page, () => Boolean(page.querySelector('#phone')), 'the account step');
    await type(page, '#phone', phone);
    await tap(page, '#send-code >>> .sms-code');
    await until(page, () => wxCalls.toasts.some((t) => t.title.includes('验证码已发送')), 'the SMS code');
    await type(page, '#smsCode', await lastSmsCode(world, phone));
    await type(page, '#password', 'Union2026ok');
    await type(page, '#password2', 'Union2026ok');
    await tap(page, '#submit');
    await until(page, () => pageText(page).includes('注册完成'), 'registration done');
    return page;
  }

  async function approveFirst(openid: string, kind?: string): Promise<void> {
    link.actAs(openid);
    const inbox = openPage('admin/inbox/index', kind ? { kind } : {});
    await until(inbox, () => inbox.querySelectorAll('.application').length > 0, `${openid}'s inbox`);
    wxCalls.modalAnswers.push(true);
    await tap(inbox, '.approve');
    await until(inbox, () => wxCalls.toasts.some((t) => t.title === '已通过'), 'the approval');
  }

  it('registration → membership application → admin approval', async () => {
    await registerThroughPage('wx-walk-1', '走查甲', catalogueId(5001), '13700005001');
    let home = openPage('pages/index/index');
    await until(home, () => pageText(home).includes('您还不是工会会员'), 'the non-member home');
    await tap(home, '#go-apply');
    const apply = openPage('pages/membership/apply');
    await tap(apply, '#kinds >>> .t-tabs__item', 1);
    await type(apply, '#union-picker >>> #keyword', '示例科技');
    await tap(apply, '#union-picker >>> #keyword >>> .t-search__search-action');
    await until(apply, () => findAll(apply, '#union-picker >>> .hit').length === 1, 'the union');
    await tap(apply, '#union-picker >>> .hit');
    await tap(apply, '#submit');
    await until(apply, () => wxCalls.navigations.some((n) => n.url === '/pages/membership/status'), 'the status page');

    await approveFirst('demo-admin-grassroots', 'memberJoin');

    link.actAs('wx-walk-1');
    home = openPage('pages/index/index');
    await until(home, () => texts(home, '.union-name')[0] === '广州示例科技有限公司工会委员会', 'the membership card');
  });

  it('import → later registration → auto-join', async () => {
    link.actAs('demo-admin-grassroots');
    const imp = openPage('admin/import/index');
    await until(imp, () => Boolean(imp.data.unionId), 'the union');
    wxCalls.pickFiles.push({
      name: 'members.xlsx',
      content: xlsxOf([
        ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'],
        ['走查乙', '居民身份证', catalogueId(5002), '13700005002', '广州示例科技有限公司'],
      ]),
    });
    await tap(imp, '#choose');
    await until(imp, () => Boolean(imp.data.fileId), 'the upload');
    await tap(imp, '#validate');
    await until(imp, () => Boolean(imp.querySelector('.report')), 'the report');
    await tap(imp, '#submit');
    await until(imp, () => pageText(imp).includes('导入完成'), 'the import');
    assert.match(pageText(imp), /新增未实名会员 1 人/);

    const done = await registerThroughPage('wx-walk-2', '走查乙', catalogueId(5002), '13700005002');
    assert.match(pageText(done), /您已被“广州示例科技有限公司工会委员会”导入，已自动入会/);
    const home = openPage('pages/index/index');
    await until(home, () => texts(home, '.union-name')[0] === '广州示例科技有限公司工会委员会', 'the membership card');

    link.actAs('demo-admin-grassroots');
    const members = openPage('admin/members/index');
    await until(members, () => texts(members, '.member-name').includes('走查乙'), 'the real-name list');
  });

  it('union registration by QR → superior approval → the new admin sees the admin tab', async () => {
    link.actAs('demo-admin-street');
    const unions = openPage('admin/unions/index');
    await until(unions, () => Boolean(unions.data.orgQr), 'the org QR');
    const url = String((unions.data.orgQr as { url: string }).url);

    await registerThroughPage('wx-walk-3', '走查丙', catalogueId(5003), '13700005003');
    const scan = openPage('pages/scan/index', { q: encodeURIComponent(url) });
    await until(scan, () => wxCalls.navigations.some((n) => n.url.startsWith('/pages/org-register/index')), 'the form');
    const formUrl = wxCalls.navigations.find((n) => n.url.startsWith('/pages/org-register/index'))?.url ?? '';
    const form = openPage('pages/org-register/index', { code: formUrl.split('code=')[1] });
    await until(form, () => pageText(form).includes('上级工会：天河区五山街道工会工作委员会'), 'the superior');
    await type(form, '#name', '广州走查科技有限公司工会委员会');
    await type(form, '#unitName', '广州走查科技有限公司');
    await type(form, '#creditCode', demoCreditCode(5003));
    await type(form, '#address', '广州市天河区五山路 5 号');
    await type(form, '#chairName', '走查丙');
    await type(form, '#contactPhone', '020-87005003');
    await type(form, '#declaredMembers', '12');
    await tap(form, '#submit');
    await until(form, () => pageText(form).includes('已提交，等待上级工会审核'), 'submitted');

    let home = openPage('pages/index/index');
    await until(home, () => Boolean(home.data.loaded), 'home');
    const tabs = () => texts(openPage('custom-tab-bar/index'), '.tab');
    assert.deepEqual(tabs(), ['首页', '我的'], 'no admin tab before approval');

    await approveFirst('demo-admin-street', 'orgRegister');

    link.actAs('wx-walk-3');
    home = openPage('pages/index/index');
    await until(home, () => Boolean(home.data.loaded), 'home');
    assert.deepEqual(tabs(), ['首页', '管理', '我的'], 'the admin tab');
    const mine = openPage('admin/unions/index');
    await until(mine, () => texts(mine, '.union-name')[0] === '广州走查科技有限公司工会委员会', 'the new union');
    await until(mine, () => Boolean(mine.data.memberQr) && !mine.data.busy, 'its QR codes');
  });

  it('transfer', async () => {
    link.actAs('demo-member');
    let home = openPage('pages/index/index');
    await until(home, () => Boolean(home.querySelector('#go-transfer')), 'the member home');
    await tap(home, '#go-transfer');
    const transfer = openPage('pages/membership/transfer');
    await type(transfer, '#union-picker >>> #keyword', '集团');
    await tap(transfer, '#union-picker >>> #keyword >>> .t-search__search-action');
    await until(transfer, () => findAll(transfer, '#union-picker >>> .hit').length > 0, 'hits');
    const target = texts(transfer, '#union-picker >>> .hit').findIndex((h) => h.startsWith('广州示例集团有限公司工会'));
    assert.ok(target >= 0, 'the group union is among the hits');
    await tap(transfer, `#union-picker >>> #hit-${target}`);
    await type(transfer, '#unitName', '广州示例集团有限公司');
    await tap(transfer, '#submit');
    await until(
      transfer,
      () => wxCalls.navigations.some((n) => n.url === '/pages/membership/status'),
      'the status page',
    );

    await approveFirst('demo-admin-group', 'memberTransfer');

    link.actAs('demo-member');
    home = openPage('pages/index/index');
    await until(home, () => texts(home, '.union-name')[0] === '广州示例集团有限公司工会', 'the new union on the card');
  });
});
