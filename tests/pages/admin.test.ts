import assert from 'node:assert/strict';
import * as XLSX from 'xlsx';
import { demoResidentId } from '../../fixtures/demo';
import { catalogueId } from '../helpers/catalogue';
import { demoWorld, registerPerson, type DemoWorld } from '../helpers/api';
import { xlsxOf } from '../helpers/files';
import { showJobAsRunningFromCount } from './states';
import {
  answerReason,
  connectToEmulator,
  openPage,
  pageText,
  tap,
  texts,
  type,
  until,
  usePageEnvironment,
  wxCalls,
} from '../helpers/page';

const tabs = (sel: string) => `${sel} >>> .t-tabs__item`;
const searchAction = (sel: string) => `${sel} >>> .t-search__search-action`;

describe('pages: the admin subpackage, rendered with miniprogram-simulate against the emulator', function () {
  this.timeout(120_000);
  usePageEnvironment();
  let world: DemoWorld;
  let link: ReturnType<typeof connectToEmulator>;
  before(async () => {
    world = await demoWorld();
    link = connectToEmulator(world.emulator);
  });
  after(() => world.close());

  it('inbox: empty state, approve after confirmation, reject with a reason, batch approve', async () => {
    link.actAs('demo-admin-federation');
    let page = openPage('admin/inbox/index');
    await until(page, () => pageText(page).includes('暂无待审核的申请'), 'the empty state');
    const people = [1, 2, 3].map((i) => ({
      openid: `wx-inbox-${i}`,
      name: `审核${'甲乙丙'[i - 1]}`,
      docNumber: catalogueId(4000 + i),
      phone: `1370000${4000 + i}`,
    }));
    for (const p of people) {
      await registerPerson(world, p.openid, p);
      await world.as(p.openid).ok('review', 'submit', {
        kind: 'memberJoin',
        data: { unionId: world.union('federation'), unitName: '示例产业园' },
      });
    }
    page = openPage('admin/inbox/index');
    await until(page, () => page.querySelectorAll('.application').length === 3, 'three applications');
    // Only kinds waiting for this reviewer get a tab, with their count.
    assert.deepEqual(texts(page, tabs('#kinds')), ['全部', '会员入会 3']);
    assert.match(texts(page, '.application .muted')[0] ?? pageText(page), /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    wxCalls.modalAnswers.push(true);
    await tap(page, '.approve');
    await until(page, () => page.querySelectorAll('.application').length === 2, 'one approved');
    await tap(page, '.reject');
    await tap(page, '#reason-dialog >>> #reason-confirm');
    assert.match(
      texts(page, '#reason-dialog >>> .reason-error')[0] ?? '',
      /请填写驳回原因/,
      'an empty reason is asked for, not sent',
    );
    await answerReason(page, '单位名称与实际不符');
    await until(page, () => page.querySelectorAll('.application').length === 1, 'one rejected');
    const rejected = (await world.as('wx-inbox-2').ok('review', 'listMine', {})).items.concat(
      (await world.as('wx-inbox-1').ok('review', 'listMine', {})).items,
    );
    assert.ok(rejected.some((a) => a.rejectReason === '单位名称与实际不符'));
  });

  it('inbox: batch approve reports the outcome', async () => {
    for (const i of [5, 6]) {
      const p = {
        openid: `wx-batch-${i}`,
        name: `批量${i === 5 ? '戊' : '己'}`,
        docNumber: catalogueId(4000 + i),
        phone: `1370000${4000 + i}`,
      };
      await registerPerson(world, p.openid, p);
      await world.as(p.openid).ok('review', 'submit', {
        kind: 'memberJoin',
        data: { unionId: world.union('grassroots'), unitName: '广州示例科技有限公司' },
      });
    }
    link.actAs('demo-admin-grassroots');
    const page = openPage('admin/inbox/index');
    await until(page, () => page.querySelectorAll('.application').length === 2, 'two applications');
    await tap(page, '.pick', 0);
    await tap(page, '.pick', 1);
    assert.equal((page.data.selected as string[]).length, 2, 'both ticked');
    await tap(page, '#batch');
    await until(page, () => wxCalls.modals.some((m) => m.title === '批量审核结果'), 'the batch result');
    assert.match(wxCalls.modals.find((m) => m.title === '批量审核结果')?.content ?? '', /已全部通过（2 条）/);
  });

  it('my unions: details, both QR codes with save and regenerate (confirmed), a change submitted', async () => {
    link.actAs('demo-admin-federation');
    const page = openPage('admin/unions/index');
    await until(page, () => Boolean(page.querySelector('.member-qr')), 'the QR codes');
    assert.ok(page.querySelector('.org-qr'), 'a 工联会 is above-grassroots: it has the org code too');
    assert.equal(texts(page, '.union-name')[0], '五山街道示例产业园工会联合会');
    assert.equal(texts(page, '.parent-name')[0], '天河区五山街道工会工作委员会', 'the superior union is named');
    const before = String((page.data.memberQr as { url: string }).url);
    wxCalls.modalAnswers.push(false);
    await tap(page, '.member-qr .regenerate');
    assert.equal(String((page.data.memberQr as { url: string }).url), before, 'cancelled: nothing changed');
    await tap(page, '.member-qr .regenerate');
    await until(page, () => String((page.data.memberQr as { url: string }).url) !== before, 'a new code');
    await type(page, '#contactPhone', '020-87006666');
    await tap(page, '#submit-change');
    await until(page, () => wxCalls.toasts.some((t) => t.title === '已提交，待上级审核'), 'the change submitted');
    const inbox = await world.as('demo-admin-street').ok('review', 'listInbox', { kind: 'orgChange' });
    assert.equal(inbox.items[0].lines[0].value, '020-87001005 → 020-87006666');
    assert.ok(page.querySelector('#deregister'), 'a union with a superior can apply to deregister');
    assert.match(pageText(page), /信息变更（上级工会审核）/);
  });

  it('my unions, the top-level union: no deregistration it could only be refused, changes reviewed by the province office', async () => {
    link.actAs('demo-admin-province');
    const page = openPage('admin/unions/index');
    await until(page, () => texts(page, '.parent-name')[0] === '无（最高一级）', 'the top-level union');
    assert.ok(!page.querySelector('#deregister'), 'no deregistration button');
    assert.ok(page.querySelector('#submit-change'));
    assert.match(pageText(page), /信息变更（省总智慧工会办公室审核）/);
  });

  it('directory: subordinates by type with search; drilling in shows masked members only', async () => {
    link.actAs('demo-admin-street');
    const page = openPage('admin/directory/index');
    await until(page, () => page.querySelectorAll('.union').length > 0, 'grassroots unions');
    assert.equal(texts(page, '.union').length, 1);
    assert.match(texts(page, '.union')[0], /^广州示例科技有限公司工会委员会/);
    await tap(page, tabs('#categories'), 1);
    await until(
      page,
      () => texts(page, '.union').some((t) => t.startsWith('五山街道示例产业园工会联合会')),
      'above-grassroots unions',
    );
    await type(page, '#keyword', '没有这个');
    await tap(page, searchAction('#keyword'));
    await until(page, () => pageText(page).includes('没有符合条件的下级工会'), 'the empty state');
    await tap(page, tabs('#categories'), 0);
    await type(page, '#keyword', '');
    await tap(page, searchAction('#keyword'));
    await until(page, () => page.querySelectorAll('.union').length > 0, 'the list again');
    await tap(page, '.union');
    const url = wxCalls.navigations.at(-1)?.url ?? '';
    assert.match(url, /^\/admin\/members\/index\?unionId=/);
    const members = openPage('admin/members/index', { unionId: url.split('=')[1] });
    await until(members, () => members.querySelectorAll('.member').length > 0, 'the subordinate members');
    assert.match(pageText(members), /仅可查看，证件号码和手机号已隐藏/);
    assert.ok(!members.querySelector('.remove'), 'no removal in a subordinate union');
    assert.ok(!pageText(members).includes(demoResidentId(4)));
  });

  it('members: search, remove one after confirmation and a reason, delete not-real-name rows, export', async () => {
    link.actAs('demo-admin-grassroots');
    const page = openPage('admin/members/index');
    await until(page, () => page.querySelectorAll('.member').length > 0, 'real-name members');
    await type(page, '#keyword', '刘会员');
    await tap(page, searchAction('#keyword'));
    await until(page, () => texts(page, '.member-name').join() === '刘会员', 'the search hit');
    wxCalls.modalAnswers.push(true);
    await tap(page, '.remove');
    await answerReason(page, '本人离职');
    await until(page, () => wxCalls.toasts.some((t) => t.title === '已移出'), 'removed');
    assert.ok(
      wxCalls.modals.some((m) => m.title === '移出会员'),
      'confirmed first',
    );
    await tap(page, tabs('#real-name'), 1);
    await type(page, '#keyword', '');
    await tap(page, searchAction('#keyword'));
    await until(page, () => page.querySelectorAll('.member').length === 2, 'the not-real-name rows');
    assert.match(pageText(page), /共 2 人/);
    await tap(page, '#export');
    await until(page, () => wxCalls.documents.length > 0, 'the export opened');
    assert.deepEqual(
      { fileType: wxCalls.documents[0].fileType, showMenu: wxCalls.documents[0].showMenu },
      { fileType: 'xlsx', showMenu: true },
      'opened as a sheet that can be forwarded',
    );
    const book = XLSX.read(Buffer.from(await (await fetch(wxCalls.documents[0].url)).arrayBuffer()));
    assert.equal(XLSX.utils.sheet_to_json<string[]>(book.Sheets['未实名会员'], { header: 1 }).length, 3);
    await tap(page, '.pick', 0);
    await tap(page, '.pick', 1);
    wxCalls.modalAnswers.push(true);
    await tap(page, '#remove-selected');
    await answerReason(page, '导入有误');
    await until(page, () => pageText(page).includes('没有未实名的导入会员'), 'the empty list');
  });

  it('import: template, choose a file, the per-row report, submit with progress, the final report', async () => {
    link.actAs('demo-admin-grassroots');
    const page = openPage('admin/import/index');
    await until(page, () => Boolean(page.data.unionId), 'the union');
    await tap(page, '#template');
    await until(page, () => wxCalls.documents.length > 0, 'the template opened');
    const template = XLSX.read(Buffer.from(await (await fetch(wxCalls.documents[0].url)).arrayBuffer()));
    assert.ok(template.SheetNames.length > 0, 'the template is a workbook');
    const rows = [
      ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'],
      ['页导甲', '居民身份证', catalogueId(4100), '13700004100', ''],
      ['页导乙', '居民身份证', '440106', '13700004101', ''],
    ];
    for (let i = 0; i < 700; i++)
      rows.push([
        `页导${String.fromCodePoint(0x4e00 + i)}`,
        '',
        catalogueId(4200 + i),
        `137${String(40000000 + i)}`,
        '',
      ]);
    wxCalls.pickFiles.push({ name: '会员.xlsx', content: xlsxOf(rows) });
    await tap(page, '#choose');
    await until(page, () => Boolean(page.data.fileId), 'the upload');
    await tap(page, '#validate');
    await until(page, () => Boolean(page.querySelector('.report')), 'the report');
    assert.match(pageText(page), /共 702 行，可导入 701 行/);
    assert.match(texts(page, '.problem')[0], /^第 3 行 证件号码：居民身份证号码应为 18 位，当前为 6 位/);
    await tap(page, '#open-report');
    await until(page, () => wxCalls.documents.length > 1, 'the full report opened');
    const report = XLSX.read(Buffer.from(await (await fetch(wxCalls.documents[1].url)).arrayBuffer()));
    assert.match(
      JSON.stringify(XLSX.utils.sheet_to_json(report.Sheets[report.SheetNames[0]], { header: 1 })),
      /错误原因/,
    );
    await tap(page, '#submit');
    await until(page, () => pageText(page).includes('导入完成'), 'the final report', 30_000);
    assert.match(pageText(page), /新增未实名会员 701 人，自动入会 0 人，未导入 1 行/);
    assert.equal((page.data.job as { percent: number }).percent, 100);
    assert.match(texts(page, '.problem')[0], /^第 3 行：/);
    // Every row not imported, with its reason, for the clerk to correct and import again.
    await tap(page, '#open-job-report');
    await until(page, () => wxCalls.documents.length > 2, 'the job report opened');
    const jobReport = XLSX.read(Buffer.from(await (await fetch(wxCalls.documents[2].url)).arrayBuffer()));
    const jobRows = XLSX.utils.sheet_to_json<string[]>(jobReport.Sheets[jobReport.SheetNames[0]], { header: 1 });
    assert.match(JSON.stringify(jobRows), /错误原因/);
    assert.match(JSON.stringify(jobRows), /居民身份证号码应为 18 位/);
    // A job submitted after 校验 in the same container starts from 校验's count: while it runs, the
    // rejected rows are counted but not yet listed (they are read again at the end), and the page says so.
    showJobAsRunningFromCount(page);
    assert.match(pageText(page), /有 1 行未通过校验，不会导入，完成后列出/);
    assert.ok(!page.querySelector('#open-job-report'), 'no report before the job is done');
  });

  it('roles: add an operator with chosen rights (reviewed above), enter a subordinate’s admin directly, revoke', async () => {
    link.actAs('demo-admin-street');
    const page = openPage('admin/roles/index');
    await until(page, () => page.querySelectorAll('.role').length > 0, 'the roles');
    await type(page, '#name', '刘会员');
    await type(page, '#docNumber', demoResidentId(8));
    await type(page, '#phone', '13800131008');
    await tap(page, '.permission', 1);
    await tap(page, '.permission', 3);
    assert.deepEqual(page.data.chosen, ['import', 'export']);
    await tap(page, '#add');
    await until(page, () => wxCalls.toasts.some((t) => t.title === '已提交，待上级审核'), 'the grant submitted');
    const queue = await world.as('demo-admin-county').ok('review', 'listInbox', { kind: 'roleGrant' });
    assert.equal(queue.items[0].lines.find((l) => l.label === '权限')?.value, '会员导入、会员导出');

    await tap(page, '#role-admin');
    await type(page, '#name', '新基管');
    await type(page, '#docNumber', catalogueId(4300));
    await type(page, '#phone', '13700004300');
    await tap(page, '.sub');
    wxCalls.modalAnswers.push(true);
    await tap(page, '#appoint');
    await until(page, () => wxCalls.modals.some((m) => m.title === '已设置'), 'the direct entry');
    assert.match(wxCalls.modals.find((m) => m.title === '已设置')?.content ?? '', /注册后自动生效/);

    // The new admin of the 工联会 (entered above) is there; its old admin may hand over to them.
    link.actAs('demo-admin-federation');
    const fed = openPage('admin/roles/index');
    await until(fed, () => fed.querySelectorAll('.role').length === 2, 'federation roles');
    assert.equal(fed.querySelectorAll('.revoke').length, 1, 'one cannot revoke oneself from the list');
    wxCalls.modalAnswers.push(true);
    await tap(fed, '.revoke');
    await answerReason(fed, '岗位调整');
    await until(
      fed,
      () => wxCalls.toasts.filter((t) => t.title === '已提交，待上级审核').length === 2,
      'the revoke submitted',
    );
    const revokes = await world.as('demo-admin-street').ok('review', 'listInbox', { kind: 'roleRevoke' });
    assert.match(revokes.items[0].title, /撤销管理员：新基管/);
  });

  it('built-in account: a union admin applies with the stamped certificate; the province office sees it', async () => {
    link.actAs('demo-admin-grassroots');
    const page = openPage('admin/builtin/index');
    await until(page, () => Boolean(page.data.unionId), 'the union');
    await type(page, '#name', '𪚥页测');
    await type(page, '#docNumber', catalogueId(4400));
    await type(page, '#phone', '13700004400');
    await type(page, '#reason', '姓名含生僻字，人脸核身无法通过');
    wxCalls.pickFiles.push({ name: 'cert.jpg', content: Buffer.from('stamped') });
    await tap(page, '#certificate');
    await until(page, () => Boolean(page.data.certificateFileId), 'the certificate');
    await tap(page, '#submit');
    await until(page, () => pageText(page).includes('等待省总智慧工会办公室审核'), 'submitted');
    link.actAs('demo-province-office');
    const office = openPage('admin/builtin/index');
    await until(office, () => Boolean(office.querySelector('#office-inbox')), 'the office entry');
    await tap(office, '#office-inbox');
    assert.equal(wxCalls.navigations.at(-1)?.url, '/admin/inbox/index?kind=builtinAccount');
    const inbox = openPage('admin/inbox/index', { kind: 'builtinAccount' });
    await until(inbox, () => inbox.querySelectorAll('.application').length === 1, 'the application');
    assert.match(pageText(inbox), /内置账号申请：𪚥页测/);
  });
});
