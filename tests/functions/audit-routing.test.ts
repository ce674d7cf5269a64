import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { APPLICATION_KIND_NAMES } from '../../typings/models';
import { actionName } from '../../cloudfunctions/shared/audit-view';
import { newUnion } from '../../cloudfunctions/shared/documents';
import { REFUSED_CAPS } from '../../cloudfunctions/shared/refused';
import { tsSources } from '../helpers/sources';
import { demoPhone, demoResidentId } from '../../fixtures/demo';
import { demoWorld, lastSmsCode, registerPerson, type DemoWorld } from '../helpers/api';

describe('audit log that names people; no orphaned applications; the waiting page', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  describe('audit log', () => {
    it('each row says who (name and role in the union) did what to whom, in words', async () => {
      await registerPerson(world, 'wx-audit-joiner', {
        name: '林审计',
        docNumber: demoResidentId(340),
        phone: '13900000340',
      });
      const applied = await world.as('wx-audit-joiner').ok('review', 'submit', {
        kind: 'memberJoin',
        data: { unionId: world.union('grassroots'), unitName: '广州示例科技有限公司' },
      });
      await world.as('demo-admin-grassroots').ok('review', 'approve', { id: applied.application.id });
      const log = await world
        .as('demo-admin-grassroots')
        .ok('admin', 'auditLog', { unionId: world.union('grassroots') });
      const approval = log.items.find(
        (r) => r.action === 'approve:memberJoin' && r.targetId === applied.application.id,
      );
      assert.ok(approval);
      assert.equal(approval.actorName, '王基管');
      assert.equal(approval.actorRoleName, '管理员');
      assert.equal(approval.actionName, '审核通过·会员入会');
      assert.equal(approval.targetLabel, applied.application.title);
      assert.match(approval.targetLabel ?? '', /林审计/);
      const submitted = log.items.find(
        (r) => r.action === 'submit:memberJoin' && r.targetId === applied.application.id,
      );
      assert.equal(submitted?.actorName, '林审计');
      assert.equal(submitted?.actorRoleName, '会员');
    });

    it('every action the functions record reads in words, not as its code', () => {
      // Every literal action written to the log, found in the sources, so a new one without words fails here.
      const literal = new Set<string>();
      for (const file of tsSources(path.join(__dirname, '../../cloudfunctions/shared')))
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/action: [`']([a-z]+:[A-Za-z:]+)[`']/g))
          literal.add(m[1]);
      assert.ok(literal.has('import:done') && literal.has('role:grant'), [...literal].join(', '));
      // The actions built from a value: every value they can take.
      const kinds = Object.keys(APPLICATION_KIND_NAMES);
      const built = [
        ...['submit', 'approve', 'reject', 'withdraw'].flatMap((verb) => kinds.map((k) => `${verb}:${k}`)),
        ...['register', 'join', 'transfer'].map((source) => `member:${source}`),
        ...['changePassword', 'resetPassword', 'logout'].map((a) => `account:${a}`),
        ...['register', 'password', 'sms', 'recover', 'document', 'qr'].map((via) => `account:bind:${via}`),
        ...['face', 'document', 'builtin'].map((by) => `account:create:${by}`),
      ];
      const unnamed = [...literal, ...built].filter((a) => /[A-Za-z]/.test(actionName(a)));
      assert.deepEqual(unnamed, []);
      assert.equal(actionName('import:done'), '会员导入完成');
      assert.equal(actionName('account:create:builtin'), '创建账号（内置账号）');
    });

    it('refused privileged calls are recorded as refused, capped per caller under 30 parallel attempts', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 30 }, () =>
          world.as('demo-member').call('member', 'list', { unionId: world.union('grassroots'), realName: true }),
        ),
      );
      assert.ok(attempts.every((a) => !a.ok && a.error.code === 'PERMISSION_DENIED'));
      const log = await world
        .as('demo-admin-grassroots')
        .ok('admin', 'auditLog', { unionId: world.union('grassroots'), pageSize: 100 });
      const refused = log.items.filter((r) => r.result === 'refused');
      assert.equal(refused.length, REFUSED_CAPS.perCaller, 'the cap holds however many arrive at once');
      assert.equal(refused[0].actorName, '刘会员');
      assert.equal(refused[0].action, 'member.list');
      assert.equal(refused[0].targetLabel, '广州示例科技有限公司工会委员会');
      // Another union's admin does not see them; the province office reads everything.
      const office = await world
        .as('demo-province-office')
        .ok('admin', 'auditLog', { unionId: world.union('grassroots'), pageSize: 100 });
      assert.equal(office.items.filter((r) => r.result === 'refused').length, REFUSED_CAPS.perCaller);
    });

    it('a refusal aimed at the platform is kept for the province office, not shown to union admins', async () => {
      await world.as('demo-user').fails('admin', 'auditLog', { unionId: 'platform' });
      const log = await world
        .as('demo-province-office')
        .ok('admin', 'auditLog', { unionId: 'platform', pageSize: 100 });
      const row = log.items.find((r) => r.result === 'refused' && r.action === 'admin.auditLog');
      assert.equal(row?.actorName, '孙注册');
      assert.equal(row?.actorRoleName, '会员');
      // Being refused is not privileged itself: an anonymous caller's NOT_LOGGED_IN is not logged.
      await world.as('wx-nobody').fails('member', 'list', { unionId: world.union('grassroots'), realName: true });
      const all = await world.docs<{ result: string; actorUserId: string | null }>('auditLogs', {
        result: 'refused',
        actorUserId: null,
      });
      assert.equal(all.length, 0);
    });
  });

  describe('applications to a union without an admin', () => {
    it('go to the nearest ancestor with an admin, and the inbox says why', async () => {
      await registerPerson(world, 'wx-branch-worker', {
        name: '何分厂',
        docNumber: demoResidentId(341),
        phone: '13900000341',
      });
      const applied = await world.as('wx-branch-worker').ok('review', 'submit', {
        kind: 'memberJoin',
        data: { unionId: world.union('groupBranch'), unitName: '广州示例集团有限公司第一分公司' },
      });
      assert.equal(applied.application.reviewerUnionId, world.union('group'));
      assert.equal(
        applied.application.routedFrom?.reason,
        '“广州示例集团第一分公司工会委员会”暂无管理员，由上级工会代为审核',
      );
      const inbox = await world.as('demo-admin-group').ok('review', 'listInbox', { kind: 'memberJoin' });
      const item = inbox.items.find((a) => a.id === applied.application.id);
      assert.ok(item, 'the group admin sees it');
      assert.match(item.routedFrom?.reason ?? '', /暂无管理员/);
      await world.as('demo-admin-group').ok('review', 'approve', { id: applied.application.id });
      const mine = await world.as('wx-branch-worker').ok('member', 'my', {});
      assert.equal(
        mine.card?.unionName,
        '广州示例集团第一分公司工会委员会',
        'the membership is in the union applied to',
      );
    });

    it('is refused up front, naming whom to contact, when no union up the tree has an admin', async () => {
      const lone = newUnion(
        'lone-root',
        {
          name: '无人值守工会',
          unitName: '无人值守单位',
          creditCode: '',
          category: 'grassroots',
          subtype: null,
          address: '',
          chairName: '',
          contactPhone: '020-12345678',
          declaredMembers: 1,
        },
        null,
      );
      await world.admin.database().collection('unions').add(lone);
      await registerPerson(world, 'wx-lone', { name: '曹孤', docNumber: demoResidentId(342), phone: '13900000342' });
      const err = await world
        .as('wx-lone')
        .fails('review', 'submit', { kind: 'memberJoin', data: { unionId: 'lone-root', unitName: '无人值守单位' } });
      assert.equal(err.code, 'CONFLICT');
      assert.equal(
        err.message,
        '“无人值守工会”及其上级工会暂无管理员，暂时无法审核，请联系“无人值守工会”（电话 020-12345678）设置管理员，或联系省总智慧工会办公室',
      );
      assert.equal((await world.docs('applications', { applicantName: '曹孤' })).length, 0, 'nothing was stored');
    });
  });

  describe('the waiting page', () => {
    it('offers the reviewing admin’s phone once the admin agrees, else the union’s', async () => {
      await registerPerson(world, 'wx-waiting', {
        name: '韩等待',
        docNumber: demoResidentId(343),
        phone: '13900000343',
      });
      const applied = await world.as('wx-waiting').ok('review', 'submit', {
        kind: 'memberJoin',
        data: { unionId: world.union('federation'), unitName: '五山示例产业园' },
      });
      assert.equal(applied.application.reviewerContactKind, 'union');
      const [federation] = await world.docs<{ contactPhone: string }>('unions', { _id: world.union('federation') });
      assert.equal(applied.application.reviewerContactPhone, federation.contactPhone);

      assert.equal(
        (
          await world
            .as('demo-member')
            .fails('admin', 'setPhoneShown', { unionId: world.union('federation'), shown: true })
        ).code,
        'PERMISSION_DENIED',
      );
      await world
        .as('demo-admin-federation')
        .ok('admin', 'setPhoneShown', { unionId: world.union('federation'), shown: true });
      const { application } = await world.as('wx-waiting').ok('review', 'detail', { id: applied.application.id });
      assert.equal(application.reviewerContactKind, 'admin');
      assert.equal(application.reviewerContactName, '管理员 赵联管');
      assert.equal(application.reviewerContactPhone, demoPhone(5));
      await world
        .as('demo-admin-federation')
        .ok('admin', 'setPhoneShown', { unionId: world.union('federation'), shown: false });
      assert.equal(
        (await world.as('wx-waiting').ok('review', 'detail', { id: applied.application.id })).application
          .reviewerContactKind,
        'union',
      );
    });

    it('a pending HK/Macao registration can be withdrawn by its applicant, who sees the permit masked', async () => {
      const hk = world.as('wx-hk-applicant');
      await world.rewindSms();
      await hk.ok('account', 'sendSmsCode', { phone: '13900000344', purpose: 'register' });
      const photo = await world.admin.uploadFile({
        cloudPath: 'uploads/documents/hk-1.png',
        fileContent: Buffer.from('permit photo'),
      });
      const submitted = await hk.ok('review', 'submit', {
        kind: 'documentAccount',
        data: {
          name: '陈港生',
          docType: 'hkMacaoPermit',
          docNumber: 'H12345678',
          phone: '13900000344',
          smsCode: await lastSmsCode(world, '13900000344'),
          password: 'Union2026ok',
          photoFileId: photo.fileID,
        },
      });
      assert.equal(submitted.application.canWithdraw, true);
      assert.ok(
        submitted.application.lines.some((l) => l.value === 'H1*****78'),
        'the permit shows 4 of 9 characters',
      );
      const mine = await hk.ok('review', 'listMine', {});
      assert.equal(mine.items[0].canWithdraw, true);
      const withdrawn = await hk.ok('review', 'withdraw', { id: submitted.application.id });
      assert.equal(withdrawn.application.status, 'withdrawn');
      assert.equal(withdrawn.application.canWithdraw, false);
      assert.equal((await world.as('wx-someone-else').ok('review', 'listMine', {})).items.length, 0);
    });
  });
});
