import assert from 'node:assert/strict';
import * as XLSX from 'xlsx';
import type { MemberDoc, UserDoc } from '../../cloudfunctions/shared/documents';
import { demoPhone, demoResidentId } from '../../fixtures/demo';
import { demoWorld, registerPerson, type DemoWorld } from '../helpers/api';

describe('membership: registration, joining, transfer and member management (through the SDK)', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  it('offers only unions that may hold members, finds 其他/集团/工联会 through their parent, explains a miss', async () => {
    const user = world.as('demo-user');
    const direct = await user.ok('member', 'searchUnions', { keyword: '示例科技' });
    assert.deepEqual(
      direct.hits.map((h) => h.name),
      ['广州示例科技有限公司工会委员会'],
    );
    const viaParent = await user.ok('member', 'searchUnions', { keyword: '五山街道工会工作委员会' });
    assert.deepEqual(
      viaParent.hits.map((h) => [h.name, h.viaParent]),
      [['五山街道示例产业园工会联合会', '天河区五山街道工会工作委员会']],
    );
    const county = await user.ok('member', 'searchUnions', { keyword: '天河区总工会' });
    assert.equal(county.hits.length, 0, 'a county union cannot hold members');
    assert.equal(county.notFoundReasons.length, 3);
    assert.match(county.notFoundReasons.join('\n'), /尚未进行工会组织登记[\s\S]*基层以上工会[\s\S]*名称/);
    const refused = await user.fails('review', 'submit', {
      kind: 'memberJoin',
      data: { unionId: world.union('county'), unitName: '天河区某单位' },
    });
    assert.match(refused.message, /是基层以上工会，不能直接登记会员/);
  });

  it('a non-member joins by the member QR; the pending page shows unit, union, status, withdraw and the phone', async () => {
    const user = world.as('demo-user');
    const qr = await world
      .as('demo-admin-grassroots')
      .ok('org', 'qr', { unionId: world.union('grassroots'), purpose: 'member' });
    const scan = await user.ok('org', 'scan', { code: qr.url });
    assert.match(scan.next, /^\/pages\/membership\/apply\?code=/);
    const applied = await user.ok('review', 'submit', {
      kind: 'memberJoin',
      data: { code: qr.url, unitName: '广州示例科技有限公司' },
    });
    const my = await user.ok('member', 'my', {});
    assert.equal(my.card, null);
    assert.ok(my.pending);
    assert.equal(my.pending?.statusName, '审核中');
    assert.deepEqual(my.pending?.lines.slice(0, 2), [
      { label: '单位名称', value: '广州示例科技有限公司' },
      { label: '工会名称', value: '广州示例科技有限公司工会委员会' },
    ]);
    assert.equal(my.pending?.canWithdraw, true);
    assert.match(my.pending?.reviewerContactPhone ?? '', /^020-8700\d{4}$/);

    const second = await user.fails('review', 'submit', {
      kind: 'memberRegister',
      data: { unionId: world.union('federation'), unitName: '示例产业园' },
    });
    assert.match(second.message, /已有一条审核中的会员申请/);
    await user.ok('review', 'withdraw', { id: applied.application.id });
    assert.equal((await user.ok('member', 'my', {})).pending, null);
  });

  it('one active membership and one pending application, even under concurrent applications', async () => {
    const user = world.as('demo-user');
    const tries = await Promise.all([
      user.call('review', 'submit', {
        kind: 'memberJoin',
        data: { unionId: world.union('grassroots'), unitName: '广州示例科技有限公司' },
      }),
      user.call('review', 'submit', {
        kind: 'memberJoin',
        data: { unionId: world.union('federation'), unitName: '示例产业园' },
      }),
      user.call('review', 'submit', {
        kind: 'memberRegister',
        data: { unionId: world.union('groupBranch'), unitName: '示例集团第一分公司' },
      }),
      user.call('review', 'submit', {
        kind: 'memberRegister',
        data: { unionId: world.union('group'), unitName: '示例集团' },
      }),
    ]);
    const accepted = tries.filter((t) => t.ok);
    assert.equal(accepted.length, 1, JSON.stringify(tries.map((t) => (t.ok ? 'ok' : t.error.message))));
    for (const t of tries) if (!t.ok) assert.match(t.error.message, /已有一条审核中的会员申请/);
    const app = accepted[0].ok ? accepted[0].data.application : assert.fail();
    const reviewer = {
      [world.union('grassroots')]: 'demo-admin-grassroots',
      [world.union('federation')]: 'demo-admin-federation',
      [world.union('group')]: 'demo-admin-group',
    }[app.reviewerUnionId];
    if (!reviewer) {
      // groupBranch has no demo admin: withdraw and apply where one exists.
      await user.ok('review', 'withdraw', { id: app.id });
      const again = await user.ok('review', 'submit', {
        kind: 'memberJoin',
        data: { unionId: world.union('grassroots'), unitName: '广州示例科技有限公司' },
      });
      await world.as('demo-admin-grassroots').ok('review', 'approve', { id: again.application.id });
    } else {
      await world.as(reviewer).ok('review', 'approve', { id: app.id });
    }
    const card = (await user.ok('member', 'my', {})).card;
    assert.ok(card);
    assert.match(card.memberCode, /^UMC:/);
    const twice = await user.fails('review', 'submit', {
      kind: 'memberJoin',
      data: { unionId: world.union('federation'), unitName: '示例产业园' },
    });
    assert.match(twice.message, /您已是“.+”的会员，如需更换工会请办理会籍转移/);
    const [u] = await world.docs<UserDoc>('users', { name: '孙注册' });
    const active = await world.docs<MemberDoc>('members', { userId: u._id, status: 'active' });
    assert.equal(active.length, 1);
  });

  it('transfers a member: the receiving union reviews, the old row stays in the history', async () => {
    const member = world.as('demo-member');
    const to = world.union('federation');
    const first = await member.ok('review', 'submit', {
      kind: 'memberTransfer',
      data: { unionId: to, unitName: '示例产业园丙公司' },
    });
    assert.equal(first.application.reviewerUnionId, to);
    await member.ok('review', 'withdraw', { id: first.application.id });
    const same = await member.fails('review', 'submit', {
      kind: 'memberTransfer',
      data: { unionId: world.union('grassroots'), unitName: 'x公司' },
    });
    assert.match(same.message, /请选择要转入的新工会/);
    const sent = await member.ok('review', 'submit', {
      kind: 'memberTransfer',
      data: { unionId: to, unitName: '示例产业园丙公司' },
    });
    const wrongReviewer = await world
      .as('demo-admin-grassroots')
      .fails('review', 'approve', { id: sent.application.id });
    assert.equal(wrongReviewer.code, 'PERMISSION_DENIED', 'the union the member leaves does not decide');
    // The count the admin sees (org.detail), which adds member-count shards not folded yet.
    const shown = async () =>
      (await world.as('demo-admin-grassroots').ok('org', 'detail', { unionId: world.union('grassroots') })).union
        .memberCount;
    const before = await shown();
    await world.as('demo-admin-federation').ok('review', 'approve', { id: sent.application.id });
    const my = await member.ok('member', 'my', {});
    assert.equal(my.card?.unionName, '五山街道示例产业园工会联合会');
    assert.deepEqual(
      my.history.map((h) => [h.unionName, h.statusName]),
      [
        ['五山街道示例产业园工会联合会', '在册'],
        ['广州示例科技有限公司工会委员会', '已转出'],
      ],
    );
    assert.equal(await shown(), before - 1);
  });

  it('an imported person who registers joins automatically, with no review, on the real-name list', async () => {
    const admin = world.as('demo-admin-grassroots');
    const before = await admin.ok('member', 'list', { unionId: world.union('grassroots'), realName: false });
    assert.ok(before.items.some((m) => m.name === '钱导入'));
    const res = await registerPerson(world, 'wx-qian', {
      name: '钱导入',
      docNumber: demoResidentId(11),
      phone: '13900000411',
    });
    assert.deepEqual(res.autoJoined, {
      unionId: world.union('grassroots'),
      unionName: '广州示例科技有限公司工会委员会',
    });
    const after = await admin.ok('member', 'list', { unionId: world.union('grassroots'), realName: false });
    assert.ok(!after.items.some((m) => m.name === '钱导入'));
    const registered = await admin.ok('member', 'list', {
      unionId: world.union('grassroots'),
      realName: true,
      keyword: '钱导入',
    });
    assert.equal(registered.items.length, 1);
    assert.equal(registered.items[0].phoneMasked, '139****0411');
    assert.ok((await world.as('wx-qian').ok('member', 'my', {})).card);
    assert.equal(
      (await world.docs('applications', { applicantUserId: res.account.userId })).length,
      0,
      'no application was needed',
    );
  });

  it('searches members by name, full phone, full ID number and the masked tail', async () => {
    const admin = world.as('demo-admin-grassroots');
    const list = (keyword: string) =>
      admin.ok('member', 'list', { unionId: world.union('grassroots'), realName: true, keyword });
    assert.deepEqual(
      (await list('王基')).items.map((m) => m.name),
      ['王基管'],
    );
    assert.deepEqual(
      (await list(demoPhone(4))).items.map((m) => m.name),
      ['王基管'],
    );
    assert.deepEqual(
      (await list(demoResidentId(4))).items.map((m) => m.name),
      ['王基管'],
    );
    assert.deepEqual(
      (await list(demoResidentId(4).slice(-4))).items.map((m) => m.name),
      ['王基管'],
    );
    const page = await admin.ok('member', 'list', { unionId: world.union('grassroots'), realName: true, pageSize: 1 });
    assert.equal(page.items.length, 1);
    assert.ok(page.total >= 2);
  });

  it('a superior sees a subordinate union’s members, always masked; a sibling sees nothing', async () => {
    const street = world.as('demo-admin-street');
    const res = await street.call('member', 'list', { unionId: world.union('grassroots'), realName: true });
    assert.ok(res.ok);
    if (!res.ok) return;
    assert.equal(res.data.scope, 'subordinate');
    const raw = JSON.stringify(res);
    for (let seq = 0; seq < 14; seq++) {
      assert.ok(!raw.includes(demoResidentId(seq)), 'no full ID number in the raw response');
      assert.ok(!raw.includes(demoPhone(seq)), 'no full phone in the raw response');
    }
    assert.match(res.data.items[0].docMasked, /^\d{4}\*{10}[\dX]{4}$/);
    assert.equal(
      (
        await world
          .as('demo-admin-federation')
          .fails('member', 'list', { unionId: world.union('grassroots'), realName: true })
      ).code,
      'PERMISSION_DENIED',
    );
    assert.equal(
      (
        await world
          .as('demo-admin-grassroots')
          .fails('member', 'list', { unionId: world.union('street'), realName: true })
      ).code,
      'PERMISSION_DENIED',
    );
    const removal = await street.fails('member', 'remove', {
      unionId: world.union('grassroots'),
      memberIds: [res.data.items[0].id],
      reason: '上级误操作',
    });
    assert.equal(removal.code, 'PERMISSION_DENIED');
  });

  it('removes members singly and in batches, deletes not-real-name rows, and keeps every trace', async () => {
    const admin = world.as('demo-admin-grassroots');
    const real = await admin.ok('member', 'list', {
      unionId: world.union('grassroots'),
      realName: true,
      keyword: '孙注册',
    });
    const one = await admin.ok('member', 'remove', {
      unionId: world.union('grassroots'),
      memberIds: [real.items[0].id],
      reason: '本人离职',
    });
    assert.deepEqual(
      one.results.map((r) => r.ok),
      [true],
    );
    const my = await world.as('demo-user').ok('member', 'my', {});
    assert.equal(my.card, null);
    assert.equal(my.history[0].statusName, '已移出');
    assert.equal(my.history[0].endReason, '本人离职');

    const unregistered = await admin.ok('member', 'list', { unionId: world.union('grassroots'), realName: false });
    const batch = await admin.ok('member', 'remove', {
      unionId: world.union('grassroots'),
      memberIds: [...unregistered.items.map((m) => m.id), real.items[0].id],
      reason: '导入有误',
    });
    assert.deepEqual(
      batch.results.map((r) => r.message),
      [...unregistered.items.map(() => '已移出'), '该会员已被移出'],
    );
    const rows = await world.docs<MemberDoc>('members', { _id: real.items[0].id });
    assert.equal(rows[0].status, 'removed', 'the row is kept, marked removed');
    const audit = await world.docs<{ action: string }>('auditLogs', { unionId: world.union('grassroots') });
    assert.ok(audit.some((a) => a.action === 'member:remove'));
    assert.ok(audit.some((a) => a.action === 'member:deleteUnregistered'));
  });

  it('exports not-real-name members for the same union only, never real-name members, as text cells read back exactly', async () => {
    const branch = world.union('groupBranch');
    await world.admin
      .database()
      .collection('members')
      .add({
        userId: null,
        unionId: branch,
        realName: false,
        status: 'active',
        name: '注入测',
        docType: 'resident',
        doc: {
          cipher: (await import('../../cloudfunctions/shared/security/pii')).encrypt('=HYPERLINK("http://x","y")'),
          index: 'x-test',
          masked: '=HYP',
        },
        docIndex: 'x-test',
        phone: null,
        phoneIndex: null,
        source: 'import',
        unitName: '+SUM(1,2)',
        joinedAt: new Date(),
        updatedAt: new Date(),
        version: 1,
      });
    // The group admin is the branch's superior, not its own admin: refused.
    const superior = await world.as('demo-admin-group').fails('member', 'export', { unionId: branch, realName: false });
    assert.match(superior.message, /只有本级工会管理员可以导出/);
    const realName = await world
      .as('demo-admin-grassroots')
      .fails('member', 'export', { unionId: world.union('grassroots'), realName: true });
    assert.match(realName.message, /已实名注册会员的信息受保护，不支持导出/);

    // Make the group admin the branch's admin too, through the superior's direct entry.
    const seq = 6; // demo-admin-group
    await world.as('demo-admin-city').ok('admin', 'appointSubordinate', {
      person: {
        unionId: branch,
        role: 'admin',
        name: '周集管',
        docType: 'resident',
        docNumber: demoResidentId(seq),
        phone: demoPhone(seq),
        permissions: [],
      },
    });
    const exported = await world.as('demo-admin-group').ok('member', 'export', { unionId: branch, realName: false });
    const file = Buffer.from(await (await fetch(exported.url)).arrayBuffer());
    const sheet = XLSX.read(file).Sheets['未实名会员'];
    const rows = XLSX.utils.sheet_to_json<string[]>(sheet, { header: 1 });
    assert.deepEqual(rows[0], ['姓名', '证件类型', '证件号码', '手机号码', '单位名称', '导入时间']);
    const injected = rows.find((r) => r[0] === '注入测');
    assert.ok(injected);
    // Text cells: never run as formulas, and read back as stored, with no visible `'` added.
    assert.equal(injected[2], '=HYPERLINK("http://x","y")');
    assert.equal(injected[4], '+SUM(1,2)');
    assert.ok(rows.some((r) => r[0] === '冯导入' && r[2] === demoResidentId(13)));
    for (const cell of Object.keys(sheet).filter((k) => !k.startsWith('!')))
      assert.equal(sheet[cell].f, undefined, `${cell} holds no formula`);
    assert.equal((await world.docs('auditLogs', { action: 'member:export', unionId: branch })).length, 1);
  });
});
