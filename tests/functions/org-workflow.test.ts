import assert from 'node:assert/strict';
import { demoCreditCode } from '../../fixtures/demo';
import { PLATFORM_SCOPE, type MemberDoc, type UnionDoc } from '../../cloudfunctions/shared/documents';
import { demoWorld, registerPerson, type DemoWorld } from '../helpers/api';
import { demoResidentId } from '../../fixtures/demo';

describe('union organisations and the application workflow (through the SDK)', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  const form = {
    name: '广州新例软件有限公司工会委员会',
    unitName: '广州新例软件有限公司',
    creditCode: demoCreditCode(77),
    category: 'grassroots' as const,
    address: '广州市天河区五山路 88 号',
    chairName: '孙注册',
    contactPhone: '020-87009999',
    declaredMembers: 35,
  };
  let orgCode = '';
  let registrationId = '';
  let newUnionId = '';

  it('gives each above-grassroots union a registration QR: a signed URL and a PNG in storage', async () => {
    const qr = await world.as('demo-admin-street').ok('org', 'qr', { unionId: world.union('street'), purpose: 'org' });
    assert.match(qr.url, /^https:\/\/.+\?p=org&t=[0-9a-f]{32}&s=/);
    const png = Buffer.from(await (await fetch(qr.imageUrl)).arrayBuffer());
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG image');
    const again = await world
      .as('demo-admin-street')
      .ok('org', 'qr', { unionId: world.union('street'), purpose: 'org' });
    assert.equal(again.url, qr.url, 'the same code until someone regenerates it');
    orgCode = qr.url;
    const grassroots = await world
      .as('demo-admin-grassroots')
      .fails('org', 'qr', { unionId: world.union('grassroots'), purpose: 'org' });
    assert.match(grassroots.message, /基层工会没有下级/);
    const stranger = await world
      .as('demo-admin-federation')
      .fails('org', 'qr', { unionId: world.union('street'), purpose: 'org' });
    assert.equal(stranger.code, 'PERMISSION_DENIED');
  });

  it('scanning leads to the right form, from wx.scanCode or WeChat’s own scanner (q)', async () => {
    const user = world.as('demo-user');
    const scanned = await user.ok('org', 'scan', { code: orgCode });
    assert.equal(scanned.purpose, 'org');
    assert.equal(scanned.union.name, '天河区五山街道工会工作委员会');
    const viaQ = await user.ok('org', 'scan', { code: encodeURIComponent(orgCode) });
    assert.equal(viaQ.union.id, world.union('street'));
  });

  it('refuses a forged code and a code that is not ours', async () => {
    const forged = orgCode.replace(/s=.{4}/, 's=AAAA');
    assert.equal(
      (await world.as('demo-user').fails('org', 'scan', { code: forged })).message,
      '二维码无效，请扫描工会提供的正式二维码',
    );
    assert.match(
      (await world.as('demo-user').fails('org', 'scan', { code: 'hello world' })).message,
      /这不是工会二维码/,
    );
  });

  it('validates the registration form field by field', async () => {
    const err = await world.as('demo-user').fails('review', 'submit', {
      kind: 'orgRegister',
      data: { code: orgCode, ...form, creditCode: '91440106MA5000077X' },
    });
    assert.equal(err.field, 'creditCode');
    assert.match(err.message, /统一社会信用代码/);
    // The contract refuses the extra field at compile time; a client that sends it anyway meets the server's check.
    const withExtra = { code: orgCode, ...form, isAdmin: true };
    const extra = await world.as('demo-user').fails('review', 'submit', { kind: 'orgRegister', data: withExtra });
    assert.equal(extra.message, '不支持的字段：isAdmin');
    const anon = await world
      .as('wx-nobody')
      .fails('review', 'submit', { kind: 'orgRegister', data: { code: orgCode, ...form } });
    assert.equal(anon.code, 'NOT_LOGGED_IN');
  });

  it('a replayed submit with the same request id creates one application', async () => {
    const user = world.as('demo-user');
    const [a, b] = await Promise.all([
      user.call('review', 'submit', { kind: 'orgRegister', data: { code: orgCode, ...form } }, 'tap-1'),
      user.call('review', 'submit', { kind: 'orgRegister', data: { code: orgCode, ...form } }, 'tap-1'),
    ]);
    assert.ok(a.ok && b.ok, JSON.stringify([a, b]));
    if (!a.ok || !b.ok) return;
    assert.equal(a.data.application.id, b.data.application.id);
    const later = await user.ok('review', 'submit', { kind: 'orgRegister', data: { code: orgCode, ...form } }, 'tap-1');
    assert.equal(later.replayed, true);
    const apps = await world.docs('applications', { kind: 'orgRegister' });
    assert.equal(apps.length, 1);
    registrationId = a.data.application.id;
    const second = await user.fails('review', 'submit', { kind: 'orgRegister', data: { code: orgCode, ...form } });
    assert.match(second.message, /已有待审核的工会登记申请/);
  });

  it('only the superior union’s admin reviews: not an ancestor further up, not a sibling', async () => {
    for (const outsider of ['demo-admin-county', 'demo-admin-federation', 'demo-admin-grassroots', 'demo-member']) {
      const err = await world.as(outsider).fails('review', 'approve', { id: registrationId });
      assert.equal(err.code, 'PERMISSION_DENIED', outsider);
    }
    const countyInbox = await world.as('demo-admin-county').ok('review', 'listInbox', {});
    assert.equal(countyInbox.items.length, 0);
    const [app] = await world.docs<{ status: string }>('applications', { _id: registrationId });
    assert.equal(app.status, 'pending', 'refusals changed nothing');
  });

  it('approval creates the union under its superior and makes the registrant its admin', async () => {
    const street = world.as('demo-admin-street');
    const inbox = await street.ok('review', 'listInbox', { kind: 'orgRegister' });
    assert.equal(inbox.total, 1);
    assert.equal(inbox.counts.orgRegister, 1);
    assert.equal(inbox.items[0].title, '广州新例软件有限公司工会委员会（基层工会）');
    assert.ok(!(await world.as('demo-user').ok('account', 'me', {})).showAdminTab);
    await street.ok('review', 'approve', { id: registrationId });
    const me = await world.as('demo-user').ok('account', 'me', {});
    assert.equal(me.showAdminTab, true);
    const mine = await world.as('demo-user').ok('org', 'myUnions', {});
    assert.equal(mine.unions.length, 1);
    assert.equal(mine.unions[0].role, 'admin');
    // 我的工会 names the superior union without a second call per union.
    const [streetDoc] = await world.docs<UnionDoc>('unions', { _id: world.union('street') });
    assert.equal(mine.unions[0].union.parentName, streetDoc.name);
    const [top] = (await world.as('demo-admin-province').ok('org', 'myUnions', {})).unions;
    assert.equal(top.union.parentName, '', 'the province has no superior');
    newUnionId = mine.unions[0].union.id;
    const [stored] = await world.docs<UnionDoc>('unions', { _id: newUnionId });
    assert.deepEqual(stored.ancestors, [
      world.union('province'),
      world.union('city'),
      world.union('county'),
      world.union('street'),
    ]);
    const timeline = (await world.as('demo-user').ok('review', 'listMine', {})).items[0].history.map(
      (h) => h.actionName,
    );
    assert.deepEqual(timeline, ['提交申请', '审核通过']);
    const again = await street.fails('review', 'approve', { id: registrationId });
    assert.equal(again.message, '该申请已被处理');
    const duplicate = await world
      .as('demo-member')
      .fails('review', 'submit', { kind: 'orgRegister', data: { code: orgCode, ...form } });
    assert.match(duplicate.message, /已被“广州新例软件有限公司工会委员会”使用/);
  });

  it('a change is reviewed by the superior and keeps the old values', async () => {
    const admin = world.as('demo-user');
    const change = await admin.ok('review', 'submit', {
      kind: 'orgChange',
      data: { unionId: newUnionId, changes: { contactPhone: '020-87008888', chairName: '刘会员' } },
    });
    assert.equal(change.application.lines.find((l) => l.label === '联系电话')?.value, '020-87009999 → 020-87008888');
    const notMine = await world.as('demo-member').fails('review', 'submit', {
      kind: 'orgChange',
      data: { unionId: newUnionId, changes: { contactPhone: '020-87007777' } },
    });
    assert.equal(notMine.code, 'PERMISSION_DENIED');
    await world.as('demo-admin-street').ok('review', 'approve', { id: change.application.id });
    const detail = await admin.ok('org', 'detail', { unionId: newUnionId });
    assert.equal(detail.union.contactPhone, '020-87008888');
    assert.deepEqual(detail.changeLog[0].before, { contactPhone: '020-87009999', chairName: '孙注册' });
  });

  it('registration, change and deregistration can be withdrawn while pending, only by the applicant', async () => {
    const admin = world.as('demo-user');
    const dereg = await admin.ok('review', 'submit', {
      kind: 'orgDeregister',
      data: { unionId: newUnionId, reason: '单位已注销' },
    });
    const notMine = await world.as('demo-admin-street').fails('review', 'withdraw', { id: dereg.application.id });
    assert.equal(notMine.code, 'PERMISSION_DENIED');
    const withdrawn = await admin.ok('review', 'withdraw', { id: dereg.application.id });
    assert.equal(withdrawn.application.statusName, '已撤回');
    assert.equal(
      (await admin.fails('review', 'withdraw', { id: dereg.application.id })).message,
      '该申请已被处理，无法撤回',
    );
    assert.equal(
      (await world.as('demo-admin-street').fails('review', 'approve', { id: dereg.application.id })).code,
      'ALREADY_PROCESSED',
    );
  });

  it('deregistration with members or subordinates is refused with the reason; otherwise it closes the union and its codes', async () => {
    const busy = await world.as('demo-admin-grassroots').fails('review', 'submit', {
      kind: 'orgDeregister',
      data: { unionId: world.union('grassroots'), reason: '测试' },
    });
    assert.match(busy.message, /不能注销：仍有 \d+ 名在册会员/);
    const parent = await world
      .as('demo-admin-street')
      .fails('review', 'submit', { kind: 'orgDeregister', data: { unionId: world.union('street'), reason: '测试' } });
    assert.match(parent.message, /未注销的下级工会/);
    const top = await world
      .as('demo-admin-province')
      .fails('review', 'submit', { kind: 'orgDeregister', data: { unionId: world.union('province'), reason: '测试' } });
    assert.equal(top.message, '最高一级工会没有上级工会审核，不能在线申请注销，请联系省总工会线下办理');

    const admin = world.as('demo-user');
    const memberQr = await admin.ok('org', 'qr', { unionId: newUnionId, purpose: 'member' });
    const dereg = await admin.ok('review', 'submit', {
      kind: 'orgDeregister',
      data: { unionId: newUnionId, reason: '单位已注销' },
    });
    await world.as('demo-admin-street').ok('review', 'approve', { id: dereg.application.id });
    const scan = await world.as('demo-member').fails('org', 'scan', { code: memberQr.url });
    assert.match(scan.message, /已失效|已注销/);
    const [street] = await world.docs<UnionDoc>('unions', { _id: world.union('street') });
    assert.equal(street.childCount, 2, 'the street again has its two demo subordinates');
  });

  it('regenerating a code revokes the old one', async () => {
    const admin = world.as('demo-admin-grassroots');
    const old = await admin.ok('org', 'qr', { unionId: world.union('grassroots'), purpose: 'member' });
    const fresh = await admin.ok('org', 'regenerateQr', { unionId: world.union('grassroots'), purpose: 'member' });
    assert.notEqual(fresh.url, old.url);
    const revoked = await world.as('demo-user').fails('org', 'scan', { code: old.url });
    assert.match(revoked.message, /该二维码已失效/);
    assert.equal((await world.as('demo-user').ok('org', 'scan', { code: fresh.url })).purpose, 'member');
    const logs = await world.docs<{ action: string }>('auditLogs', { action: 'qr:regenerate' });
    assert.equal(logs.length, 1);
  });

  it('of 50 concurrent approvals exactly one wins, its effect runs once, the rest hear 该申请已被处理', async () => {
    const person = { name: '并发测', docNumber: demoResidentId(301), phone: '13900000301' };
    await registerPerson(world, 'wx-concurrent', person);
    const applied = await world.as('wx-concurrent').ok('review', 'submit', {
      kind: 'memberJoin',
      data: { unionId: world.union('grassroots'), unitName: '广州示例科技有限公司' },
    });
    const admin = world.as('demo-admin-grassroots');
    const results = await Promise.all(
      Array.from({ length: 50 }, () => admin.call('review', 'approve', { id: applied.application.id })),
    );
    const wins = results.filter((r) => r.ok);
    const losses = results.filter((r) => !r.ok);
    assert.equal(wins.length, 1);
    for (const l of losses) if (!l.ok) assert.equal(l.error.message, '该申请已被处理');
    const rows = await world.docs<MemberDoc>('members', { name: '并发测' });
    assert.equal(rows.length, 1);
    const audits = await world.docs('auditLogs', { action: 'approve:memberJoin', targetId: applied.application.id });
    assert.equal(audits.length, 1);
  });

  it('reject needs a reason, and the applicant sees it; batch approve reports per application', async () => {
    const a = { name: '驳回测', docNumber: demoResidentId(302), phone: '13900000302' };
    const b = { name: '批量测', docNumber: demoResidentId(303), phone: '13900000303' };
    await registerPerson(world, 'wx-reject', a);
    await registerPerson(world, 'wx-batch', b);
    const ra = await world.as('wx-reject').ok('review', 'submit', {
      kind: 'memberRegister',
      data: { unionId: world.union('federation'), unitName: '示例产业园甲公司' },
    });
    const rb = await world.as('wx-batch').ok('review', 'submit', {
      kind: 'memberRegister',
      data: { unionId: world.union('federation'), unitName: '示例产业园乙公司' },
    });
    const admin = world.as('demo-admin-federation');
    assert.match(
      (await admin.fails('review', 'reject', { id: ra.application.id, reason: '' })).message,
      /请填写驳回原因/,
    );
    await admin.ok('review', 'reject', { id: ra.application.id, reason: '单位名称与登记不符' });
    const mine = await world.as('wx-reject').ok('review', 'listMine', {});
    assert.equal(mine.items[0].statusName, '已驳回');
    assert.equal(mine.items[0].rejectReason, '单位名称与登记不符');
    const batch = await admin.ok('review', 'batchApprove', { ids: [ra.application.id, rb.application.id] });
    assert.deepEqual(
      batch.results.map((r) => [r.ok, r.message]),
      [
        [false, '该申请已被处理'],
        [true, '已通过'],
      ],
    );
  });

  it('the directory shows subordinates apart by type, searchable and paginated', async () => {
    const county = world.as('demo-admin-county');
    const grassroots = await county.ok('org', 'directory', { unionId: world.union('county'), category: 'grassroots' });
    assert.equal(grassroots.self.name, '广州市天河区总工会');
    assert.ok(grassroots.items.some((u) => u.name === '广州示例科技有限公司工会委员会'));
    const above = await county.ok('org', 'directory', { unionId: world.union('county'), category: 'above' });
    assert.deepEqual(
      above.items.map((u) => u.name).sort(),
      ['五山街道示例产业园工会联合会', '天河区五山街道工会工作委员会'].sort(),
    );
    const search = await county.ok('org', 'directory', {
      unionId: world.union('county'),
      category: 'above',
      keyword: '产业园',
      pageSize: 1,
    });
    assert.equal(search.total, 1);
    assert.equal(search.items[0].typeName, '基层以上工会·工联会');
    const upward = await world
      .as('demo-admin-street')
      .fails('org', 'directory', { unionId: world.union('county'), category: 'grassroots' });
    assert.equal(upward.code, 'PERMISSION_DENIED');
  });
});

describe('the review inbox with more pending applications than one query returns', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
    const at = new Date('2026-01-01T00:00:00Z');
    const pending = (i: number, kind: 'builtinAccount' | 'documentAccount') => ({
      _id: `bulk-${kind}-${i}`,
      kind,
      status: 'pending',
      version: 1,
      reviewerUnionId: PLATFORM_SCOPE,
      unionId: null,
      applicantUserId: null,
      applicantOpenid: `wx-bulk-${i}`,
      applicantName: `申请人${i}`,
      payload: {},
      title: `待审核 ${i}`,
      lines: [],
      attachments: [],
      locks: [],
      history: [{ at, action: 'submit', byName: `申请人${i}` }],
      createdAt: new Date(at.getTime() + i * 1000),
      updatedAt: at,
      decidedAt: null,
      decidedBy: null,
      rejectReason: null,
    });
    const docs = [
      ...Array.from({ length: 1200 }, (_, i) => pending(i, 'documentAccount')),
      ...Array.from({ length: 5 }, (_, i) => pending(i, 'builtinAccount')),
    ];
    for (let i = 0; i < docs.length; i += 250)
      await world.admin
        .database()
        .collection('applications')
        .add(docs.slice(i, i + 250));
  });
  after(() => world.close());

  it('counts every pending application by kind, past 1000', async () => {
    const inbox = await world.as('demo-province-office').ok('review', 'listInbox', {});
    assert.equal(inbox.total, 1205);
    assert.deepEqual(inbox.counts, { documentAccount: 1200, builtinAccount: 5 });
    assert.equal(inbox.items[0].title, '待审核 0', 'oldest first');
  });
});
