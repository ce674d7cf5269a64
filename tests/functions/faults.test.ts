import assert from 'node:assert/strict';
import type { MemberDoc, RoleDoc, UnionDoc, UserDoc } from '../../cloudfunctions/shared/documents';
import { demoCreditCode } from '../../fixtures/demo';
import { catalogueId } from '../helpers/catalogue';
import { demoWorld, registerPerson, type DemoWorld } from '../helpers/api';
import { xlsxOf } from '../helpers/files';
import { snapshot } from '../helpers/snapshot';

/**
 * Multi-document effects under injected database faults: each attempt either completes or leaves
 * the data exactly as it was — no half-moved member, no union without its admin, no duplicate rows.
 */
describe('faults: approval effects, transfer and import under failing database requests', function () {
  this.timeout(300_000);
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  const faults = (rule: Record<string, unknown> | null) =>
    fetch(`${world.emulator.baseUrl}/_/faults`, {
      method: rule ? 'PUT' : 'DELETE',
      body: rule ? JSON.stringify(rule) : undefined,
    });

  it('a transfer approval either moves the member completely or not at all', async () => {
    const outcomes = { completed: 0, untouched: 0 };
    for (let seed = 1; seed <= 12; seed++) {
      const openid = `wx-fault-transfer-${seed}`;
      const reg = await registerPerson(world, openid, {
        name: '转移测',
        docNumber: catalogueId(700 + seed),
        phone: `1370000${String(700 + seed).padStart(4, '0')}`,
      });
      const me = world.as(openid);
      const join = await me.ok('review', 'submit', {
        kind: 'memberJoin',
        data: { unionId: world.union('grassroots'), unitName: '广州示例科技有限公司' },
      });
      await world.as('demo-admin-grassroots').ok('review', 'approve', { id: join.application.id });
      const transfer = await me.ok('review', 'submit', {
        kind: 'memberTransfer',
        data: { unionId: world.union('federation'), unitName: '示例产业园' },
      });
      const before = snapshot(world.emulator);
      await faults({ action: 'database.', failRate: 0.05, seed });
      await world.as('demo-admin-federation').call('review', 'approve', { id: transfer.application.id });
      await faults(null);
      const [app] = await world.docs<{ status: string }>('applications', { _id: transfer.application.id });
      const rows = await world.docs<MemberDoc>('members', { userId: reg.account.userId });
      const [user] = await world.docs<UserDoc>('users', { _id: reg.account.userId });
      if (app.status === 'approved') {
        outcomes.completed += 1;
        const active = rows.filter((r) => r.status === 'active');
        assert.equal(active.length, 1);
        assert.equal(active[0].unionId, world.union('federation'));
        assert.equal(user.activeMemberId, active[0]._id);
        assert.equal(rows.filter((r) => r.status === 'transferred').length, 1);
      } else {
        outcomes.untouched += 1;
        assert.equal(app.status, 'pending');
        assert.equal(snapshot(world.emulator), before, `seed ${seed}: a failed approval changed data`);
      }
    }
    assert.ok(
      outcomes.completed > 0 && outcomes.untouched > 0,
      `both outcomes should occur: ${JSON.stringify(outcomes)}`,
    );
  });

  it('a union registration approval creates the union, its admin and the counts together, or nothing', async () => {
    const code = (
      await world.as('demo-admin-street').ok('org', 'qr', { unionId: world.union('street'), purpose: 'org' })
    ).url;
    const outcomes = { completed: 0, untouched: 0 };
    for (let seed = 1; seed <= 12; seed++) {
      const openid = `wx-fault-org-${seed}`;
      const reg = await registerPerson(world, openid, {
        name: '登记测',
        docNumber: catalogueId(800 + seed),
        phone: `1370000${String(800 + seed).padStart(4, '0')}`,
      });
      const submitted = await world.as(openid).ok('review', 'submit', {
        kind: 'orgRegister',
        data: {
          code,
          name: `故障测试${seed}号公司工会委员会`,
          unitName: `故障测试${seed}号公司`,
          creditCode: demoCreditCode(500 + seed),
          category: 'grassroots',
          address: '广州市天河区',
          chairName: '登记测',
          contactPhone: '020-87001234',
          declaredMembers: 5,
        },
      });
      const [streetBefore] = await world.docs<UnionDoc>('unions', { _id: world.union('street') });
      const before = snapshot(world.emulator);
      await faults({ action: 'database.', failRate: 0.05, seed: seed + 100 });
      await world.as('demo-admin-street').call('review', 'approve', { id: submitted.application.id });
      await faults(null);
      const [app] = await world.docs<{ status: string }>('applications', { _id: submitted.application.id });
      if (app.status === 'approved') {
        outcomes.completed += 1;
        const [union] = await world.docs<UnionDoc>('unions', { creditCode: demoCreditCode(500 + seed) });
        const roles = await world.docs<RoleDoc>('roles', { unionId: union._id, status: 'active' });
        assert.deepEqual(
          roles.map((r) => [r.userId, r.role]),
          [[reg.account.userId, 'admin']],
          'the new union has its admin',
        );
        assert.equal(union.adminCount, 1);
        const [streetAfter] = await world.docs<UnionDoc>('unions', { _id: world.union('street') });
        assert.equal(streetAfter.childCount, streetBefore.childCount + 1);
      } else {
        outcomes.untouched += 1;
        assert.equal(snapshot(world.emulator), before, `seed ${seed}: a failed approval changed data`);
      }
    }
    assert.ok(
      outcomes.completed > 0 && outcomes.untouched > 0,
      `both outcomes should occur: ${JSON.stringify(outcomes)}`,
    );
  });

  it('who is calling is looked up again after a failed read: a member sees their card, not 系统繁忙', async () => {
    const member = world.as('demo-member');
    const expected = await member.ok('member', 'my', {});
    // The first database request of the call is the caller's binding.
    await faults({ action: 'database.', failNth: 1 });
    const res = await member.call('member', 'my', {});
    const injected = (await (await fetch(`${world.emulator.baseUrl}/_/faults`)).json()) as { failed: number };
    await faults(null);
    assert.equal(injected.failed, 1);
    assert.ok(res.ok, `the call answered ${JSON.stringify(res)}`);
    assert.deepEqual(res.data, expected);
  });

  it('an import job under failing database requests retries inside: the admin sees no error, and every row is written exactly once', async () => {
    const admin = world.as('demo-admin-grassroots');
    const rows: Array<Array<string>> = [['姓名', '证件类型', '证件号码', '手机号码', '单位名称']];
    for (let i = 0; i < 1500; i++)
      rows.push([`断${String.fromCodePoint(0x4e00 + i)}`, '', catalogueId(2000 + i), `137${String(30000000 + i)}`, '']);
    const up = await world.admin.uploadFile({ cloudPath: 'uploads/imports/faults.xlsx', fileContent: xlsxOf(rows) });
    // The count the admin sees (org.detail), which includes member-count shards not folded yet.
    const shown = async () =>
      (await admin.ok('org', 'detail', { unionId: world.union('grassroots') })).union.memberCount;
    const before = await shown();
    let jobId = '';
    const refused: string[] = [];
    await faults({ action: 'database.', failRate: 0.05, seed: 7 });
    for (let attempt = 0; attempt < 50; attempt++) {
      const res = jobId
        ? await admin.call('importer', 'run', { jobId })
        : await admin.call('importer', 'submit', { unionId: world.union('grassroots'), fileId: up.fileID });
      if (!res.ok) {
        refused.push(res.error.message);
        continue;
      }
      jobId = res.data.jobId;
      if (res.data.status === 'done') break;
    }
    const injected = (await (await fetch(`${world.emulator.baseUrl}/_/faults`)).json()) as { failed: number };
    await faults(null);
    assert.ok(injected.failed > 5, `faults were injected: ${injected.failed}`);
    assert.deepEqual(refused, [], 'no transient fault reached the admin');
    const job = await admin.ok('importer', 'run', { jobId });
    assert.equal(job.status, 'done');
    assert.deepEqual([job.imported, job.rowsDone], [1500, 1500]);
    const count = await world.admin.database().collection('members').where({ importJobId: jobId }).count();
    assert.equal(count.total, 1500);
    assert.equal(await shown(), before + 1500);
  });
});
