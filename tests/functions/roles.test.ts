import assert from 'node:assert/strict';
import type { RoleDoc } from '../../cloudfunctions/shared/documents';
import { demoPhone, demoResidentId } from '../../fixtures/demo';
import { demoWorld, registerPerson, type DemoWorld } from '../helpers/api';

describe('admins, operators and their review (through the SDK)', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  const operator = { name: '刘会员', docNumber: demoResidentId(8), phone: demoPhone(8) }; // demo-member

  it('same-level setting: an operator with chosen rights, approved by the superior; no rights until then', async () => {
    const admin = world.as('demo-admin-grassroots');
    const submitted = await admin.ok('review', 'submit', {
      kind: 'roleGrant',
      data: {
        unionId: world.union('grassroots'),
        role: 'operator',
        name: operator.name,
        docType: 'resident',
        docNumber: operator.docNumber,
        phone: operator.phone,
        permissions: ['manageMembers'],
      },
    });
    assert.equal(submitted.application.reviewerUnionId, world.union('street'));
    assert.equal(submitted.application.lines.find((l) => l.label === '权限')?.value, '会员管理');
    const member = world.as('demo-member');
    assert.equal(
      (await member.fails('member', 'list', { unionId: world.union('grassroots'), realName: true })).code,
      'PERMISSION_DENIED',
    );
    assert.equal(
      (await admin.fails('review', 'approve', { id: submitted.application.id })).code,
      'PERMISSION_DENIED',
      'a union does not approve its own admins',
    );
    const queue = await world.as('demo-admin-street').ok('review', 'listInbox', { kind: 'roleGrant' });
    assert.deepEqual(
      queue.items.map((i) => i.id),
      [submitted.application.id],
    );
    await world.as('demo-admin-street').ok('review', 'approve', { id: submitted.application.id });
    assert.equal(
      (await member.ok('member', 'list', { unionId: world.union('grassroots'), realName: true })).scope,
      'own',
    );
    assert.equal(
      (await member.fails('member', 'export', { unionId: world.union('grassroots'), realName: false })).code,
      'PERMISSION_DENIED',
      'only the chosen rights',
    );
    const me = await member.ok('account', 'me', {});
    assert.deepEqual(
      me.roles.map((r) => [r.unionName, r.role, r.permissions]),
      [['广州示例科技有限公司工会委员会', 'operator', ['manageMembers']]],
    );
  });

  it('a name that does not match the document is refused', async () => {
    const err = await world.as('demo-admin-grassroots').fails('review', 'submit', {
      kind: 'roleGrant',
      data: {
        unionId: world.union('grassroots'),
        role: 'admin',
        name: '冒名者',
        docType: 'resident',
        docNumber: operator.docNumber,
        phone: operator.phone,
        permissions: [],
      },
    });
    assert.equal(err.message, '姓名与证件号码不匹配，请核对');
  });

  it('superior direct entry takes effect at once, is audited, and waits for a person who has not registered', async () => {
    const person = { name: '新管理', docNumber: demoResidentId(401), phone: '13900000401' };
    const county = world.as('demo-admin-county');
    const res = await county.ok('admin', 'appointSubordinate', {
      person: {
        unionId: world.union('federation'),
        role: 'admin',
        name: person.name,
        docType: 'resident',
        docNumber: person.docNumber,
        phone: person.phone,
        permissions: [],
      },
    });
    assert.equal(res.attached, false);
    const roles = await world
      .as('demo-admin-federation')
      .ok('admin', 'listRoles', { unionId: world.union('federation') });
    assert.deepEqual(roles.roles.map((r) => [r.name, r.registered]).sort(), [
      ['新管理', false],
      ['赵联管', true],
    ]);
    assert.equal(roles.adminCount, 2);
    const registered = await registerPerson(world, 'wx-new-admin', person);
    assert.equal(registered.rolesAttached, 1);
    assert.equal((await world.as('wx-new-admin').ok('account', 'me', {})).showAdminTab, true);
    const audit = await world.docs<{ action: string; detail: { via: string } }>('auditLogs', {
      action: 'role:grant',
      unionId: world.union('federation'),
    });
    assert.equal(audit[0].detail.via, 'superior');
  });

  it('never upwards or sideways: a subordinate or sibling cannot enter admins', async () => {
    const person = {
      unionId: world.union('street'),
      role: 'admin' as const,
      name: '某人',
      docType: 'resident' as const,
      docNumber: demoResidentId(402),
      phone: '13900000402',
      permissions: [],
    };
    assert.equal(
      (await world.as('demo-admin-grassroots').fails('admin', 'appointSubordinate', { person })).code,
      'PERMISSION_DENIED',
    );
    assert.equal(
      (
        await world
          .as('demo-admin-federation')
          .fails('admin', 'appointSubordinate', { person: { ...person, unionId: world.union('grassroots') } })
      ).code,
      'PERMISSION_DENIED',
    );
    assert.equal(
      (await world.as('demo-admin-street').fails('admin', 'appointSubordinate', { person })).code,
      'PERMISSION_DENIED',
      'not even one’s own union: that goes through review',
    );
  });

  it('handover: A adds B, B revokes A, the superior approves both; the last admin cannot be revoked', async () => {
    const b = { name: '接任者', docNumber: demoResidentId(403), phone: '13900000403' };
    await registerPerson(world, 'wx-admin-b', b);
    const a = world.as('demo-admin-street');
    const grant = await a.ok('review', 'submit', {
      kind: 'roleGrant',
      data: {
        unionId: world.union('street'),
        role: 'admin',
        name: b.name,
        docType: 'resident',
        docNumber: b.docNumber,
        phone: b.phone,
        permissions: [],
      },
    });
    const county = world.as('demo-admin-county');
    await county.ok('review', 'approve', { id: grant.application.id });
    const bCaller = world.as('wx-admin-b');
    const roles = await bCaller.ok('admin', 'listRoles', { unionId: world.union('street') });
    const roleOfA = roles.roles.find((r) => r.name === '张街管');
    assert.ok(roleOfA);
    const revoke = await bCaller.ok('review', 'submit', {
      kind: 'roleRevoke',
      data: { unionId: world.union('street'), roleId: roleOfA.id, reason: '工作调动' },
    });
    assert.deepEqual(
      (await county.ok('review', 'listInbox', { kind: 'roleRevoke' })).items.map((i) => i.id),
      [revoke.application.id],
    );
    await county.ok('review', 'approve', { id: revoke.application.id });
    assert.equal((await a.fails('admin', 'listRoles', { unionId: world.union('street') })).code, 'PERMISSION_DENIED');
    assert.equal((await a.ok('account', 'me', {})).showAdminTab, false);

    const self = (await bCaller.ok('admin', 'listRoles', { unionId: world.union('street') })).roles.find((r) => r.isMe);
    const last = await bCaller.fails('review', 'submit', {
      kind: 'roleRevoke',
      data: { unionId: world.union('street'), roleId: self!.id, reason: '离职' },
    });
    assert.match(last.message, /撤销后该工会将没有管理员/);
    const [stored] = await world.docs<RoleDoc>('roles', { _id: roleOfA.id });
    assert.equal(stored.status, 'revoked', 'the role is kept, marked revoked');
  });

  it('two concurrent revokes of the last two admins cannot leave a union with none', async () => {
    const x = { name: '甲管', docNumber: demoResidentId(404), phone: '13900000404' };
    await registerPerson(world, 'wx-admin-x', x);
    await world.as('demo-admin-city').ok('admin', 'appointSubordinate', {
      person: {
        unionId: world.union('group'),
        role: 'admin',
        name: x.name,
        docType: 'resident',
        docNumber: x.docNumber,
        phone: x.phone,
        permissions: [],
      },
    });
    const roles = (await world.as('wx-admin-x').ok('admin', 'listRoles', { unionId: world.union('group') })).roles;
    assert.equal(roles.length, 2);
    const [r1, r2] = roles;
    const s1 = await world.as('wx-admin-x').ok('review', 'submit', {
      kind: 'roleRevoke',
      data: { unionId: world.union('group'), roleId: r1.id, reason: '交接' },
    });
    const s2 = await world.as('demo-admin-group').ok('review', 'submit', {
      kind: 'roleRevoke',
      data: { unionId: world.union('group'), roleId: r2.id, reason: '交接' },
    });
    const city = world.as('demo-admin-city');
    const outcomes = await Promise.all([
      city.call('review', 'approve', { id: s1.application.id }),
      city.call('review', 'approve', { id: s2.application.id }),
    ]);
    assert.equal(outcomes.filter((o) => o.ok).length, 1);
    const refused = outcomes.find((o) => !o.ok);
    if (refused && !refused.ok) assert.match(refused.error.message, /没有管理员/);
    const active = await world.docs<RoleDoc>('roles', {
      unionId: world.union('group'),
      status: 'active',
      role: 'admin',
    });
    assert.equal(active.length, 1);
  });
});
