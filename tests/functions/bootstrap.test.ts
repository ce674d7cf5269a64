import assert from 'node:assert/strict';
import type { RoleDoc, UnionDoc } from '../../cloudfunctions/shared/documents';
import { demoCreditCode } from '../../fixtures/demo';
import { bootstrap, bootstrapUnionId, type BootstrapFile } from '../../scripts/cloud-bootstrap';
import { catalogueId } from '../helpers/catalogue';
import { demoWorld, registerPerson, type DemoWorld } from '../helpers/api';

/** npm run cloud:bootstrap against the emulator: the same SDK calls it makes to a real environment. */
describe('cloud:bootstrap: the first top-level union, its admin and the province office', function () {
  this.timeout(120_000);
  let world: DemoWorld;
  const chair = { name: '孙主席', docNumber: catalogueId(950), phone: '13700000950' };
  const office = { name: '周审核', docNumber: catalogueId(951), phone: '13700000951' };
  const file: BootstrapFile = {
    unions: [
      {
        name: '示例省总工会',
        unitName: '示例省总工会',
        creditCode: demoCreditCode(950),
        subtype: 'province',
        address: '示例市人民路 1 号',
        chairName: '孙主席',
        contactPhone: '020-87000950',
        admins: [chair],
      },
    ],
    provinceOffice: [office],
  };
  const lines: string[] = [];
  const quiet = { log: (l: string) => void lines.push(l) };

  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  it('refuses a file with mistakes, naming each, and writes nothing', async () => {
    const before = (await world.docs('unions')).length;
    const bad = {
      unions: [
        {
          ...file.unions[0],
          creditCode: '91440106MA5000950X',
          admins: [{ ...chair, docNumber: chair.docNumber.slice(0, 17) + (chair.docNumber[17] === '1' ? '2' : '1') }],
        },
      ],
      provinceOffice: [{ ...office, phone: '123' }],
    };
    await assert.rejects(bootstrap(bad, quiet), (err: Error) => {
      assert.match(err.message, /3 problem\(s\), nothing was written/);
      assert.match(err.message, /unions\[0\]\.creditCode: /);
      assert.match(err.message, /unions\[0\]\.admins\[0\]\.docNumber: .*校验位/);
      assert.match(err.message, /provinceOffice\[0\]\.phone: /);
      return true;
    });
    assert.equal((await world.docs('unions')).length, before);
  });

  it('creates the union with a waiting admin role and the province office role; a second run changes nothing', async () => {
    const changes = await bootstrap(file, quiet);
    assert.equal(changes.length, 3);
    const id = bootstrapUnionId(file.unions[0].creditCode);
    const [union] = await world.docs<UnionDoc>('unions', { _id: id });
    assert.equal(union.name, '示例省总工会');
    assert.equal(union.parentId, null);
    assert.equal(union.subtype, 'province');
    assert.equal(union.adminCount, 1);
    const roles = await world.docs<RoleDoc>('roles', { grantedBy: 'bootstrap' });
    assert.deepEqual(roles.map((r) => [r.unionId === id ? 'union' : r.unionId, r.role, r.userId]).sort(), [
      ['platform', 'provinceOffice', null],
      ['union', 'admin', null],
    ]);

    lines.length = 0;
    assert.deepEqual(await bootstrap(file, quiet), []);
    assert.equal(lines.at(-1), 'nothing to change');
    assert.equal((await world.docs<UnionDoc>('unions', { _id: id }))[0].adminCount, 1);
    assert.equal((await world.docs<RoleDoc>('roles', { grantedBy: 'bootstrap' })).length, 2);
  });

  it('20 runs at once still make one union with one admin, one role each and one audit entry per grant', async () => {
    const parallel: BootstrapFile = {
      unions: [
        {
          ...file.unions[0],
          name: '并发省总工会',
          unitName: '并发省总工会',
          creditCode: demoCreditCode(952),
          admins: [{ name: '郑并发', docNumber: catalogueId(952), phone: '13700000952' }],
        },
      ],
      provinceOffice: [{ name: '王并发', docNumber: catalogueId(953), phone: '13700000953' }],
    };
    await Promise.all(Array.from({ length: 20 }, () => bootstrap(parallel, quiet)));
    const id = bootstrapUnionId(parallel.unions[0].creditCode);
    assert.equal((await world.docs<UnionDoc>('unions', { _id: id }))[0].adminCount, 1);
    assert.equal((await world.docs<RoleDoc>('roles', { unionId: id })).length, 1);
    const grants = await world.docs<{ targetId: string }>('auditLogs', {
      action: 'role:grant',
      actorUserId: 'bootstrap',
    });
    assert.equal(new Set(grants.map((g) => g.targetId)).size, grants.length, 'no grant was recorded twice');
  });

  it('the admin and the province office get their roles when they register in the mini-program', async () => {
    const registered = await registerPerson(world, 'wx-first-admin', chair);
    assert.equal(registered.rolesAttached, 1);
    const me = await world.as('wx-first-admin').ok('account', 'me', {});
    assert.equal(me.showAdminTab, true);
    const mine = await world.as('wx-first-admin').ok('org', 'myUnions', {});
    assert.deepEqual(
      mine.unions.map((u) => [u.union.name, u.role]),
      [['示例省总工会', 'admin']],
    );

    await registerPerson(world, 'wx-first-office', office);
    const officer = await world.as('wx-first-office').ok('account', 'me', {});
    assert.ok(officer.roles.some((r) => r.role === 'provinceOffice'));
  });
});
