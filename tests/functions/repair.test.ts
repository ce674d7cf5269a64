import assert from 'node:assert/strict';
import type { UnionDoc } from '../../cloudfunctions/shared/documents';
import { checkInvariants, sdkSource } from '../../scripts/invariants';
import { repairDrifts } from '../../scripts/repair';
import { demoWorld, type DemoWorld } from '../helpers/api';
import { insertRegisteredPeople } from '../../fixtures/people';
import { demoPhone } from '../../fixtures/demo';

const PARALLEL = 24;

/** `npm run check -- --repair`: drifted counters and roll-ups go back to what the rows say. */
describe('npm run check -- --repair (through the SDK)', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  const plant = (unionId: string, inc: Record<string, number>) =>
    world.emulator.engine.modify({
      collection: 'unions',
      query: { _id: unionId },
      data: { $inc: inc },
      multi: false,
      merge: true,
      upsert: false,
    });

  async function drifts() {
    const source = sdkSource(world.emulator.serviceUrl, world.emulator.envId);
    try {
      return (await checkInvariants(source)).drifts;
    } finally {
      await source.close();
    }
  }

  it('planted drifts in a member count, an admin count, a union roll-up and a subtree roll-up are each repaired to the rows', async () => {
    assert.deepEqual(await drifts(), []);
    const [grassroots] = await world.docs<UnionDoc>('unions', { _id: world.union('grassroots') });
    plant(world.union('grassroots'), { memberCount: 3, 'stats.realName': -2 });
    plant(world.union('federation'), { adminCount: 1 });
    plant(world.union('province'), { 'stats.subtreeRealName': 5 });
    const planted = await drifts();
    assert.deepEqual(
      planted.map((d) => d.check).sort(),
      [
        'unions.adminCount = active admin roles',
        'unions.memberCount (+ counter shards) = active member rows',
        'unions.memberCount (+ shards) = stats.realName + stats.notRealName',
        'unions.stats.realName = its member / union rows',
        'unions.stats.subtreeRealName = its member / union rows',
      ].sort(),
    );

    const { repairs, after } = await repairDrifts(world.emulator.serviceUrl, world.emulator.envId);
    assert.deepEqual(after.drifts, []);
    const said = repairs
      .map((r) => `${r.check} | ${/\(([^()]+)\)$/.exec(r.target)?.[1]} | ${String(r.from)} → ${String(r.to)}`)
      .sort();
    const own = grassroots.memberCount;
    const [province] = await world.docs<UnionDoc>('unions', { _id: world.union('province') });
    const subtree = province.stats?.subtreeRealName ?? 0;
    assert.deepEqual(
      said,
      [
        `unions.adminCount = active admin roles | ${world.union('federation')} | 2 → 1`,
        `unions.memberCount (+ counter shards) = active member rows | ${world.union('grassroots')} | ${own + 3} → ${own}`,
        `unions.stats.realName = its member / union rows | ${world.union('grassroots')} | ${(grassroots.stats?.realName ?? 0) - 2} → ${grassroots.stats?.realName ?? 0}`,
        `unions.stats.subtreeRealName = its member / union rows | ${world.union('province')} | ${subtree + 5} → ${subtree}`,
      ].sort(),
    );
  });

  it(`a member-count repair racing ${PARALLEL} approvals on the same union leaves the count equal to the rows`, async () => {
    const people = insertRegisteredPeople(world.emulator, PARALLEL, 'repair', 50);
    const sent = await Promise.all(
      people.map((_, i) =>
        world.as(`repair-openid-${i}`).ok('review', 'submit', {
          kind: 'memberJoin',
          data: { unionId: world.union('federation'), unitName: '修复测试单位' },
        }),
      ),
    );
    plant(world.union('federation'), { memberCount: 7 });
    const [approvals, repaired] = await Promise.all([
      Promise.all(
        sent.map((s) => world.as('demo-admin-federation').call('review', 'approve', { id: s.application.id })),
      ),
      repairDrifts(world.emulator.serviceUrl, world.emulator.envId),
    ]);
    assert.deepEqual(
      approvals.filter((a) => !a.ok),
      [],
    );
    assert.ok(
      repaired.repairs.some(
        (r) =>
          r.check.startsWith('unions.memberCount (+ counter shards)') &&
          r.target.endsWith(`(${world.union('federation')})`),
      ),
    );
    assert.deepEqual(await drifts(), []);
  });

  it('member rows written before search tokens existed are found again after the repair, and a second repair has nothing to do', async () => {
    const admin = world.as('demo-admin-grassroots');
    const search = async (keyword: string) =>
      (await admin.ok('member', 'list', { unionId: world.union('grassroots'), realName: true, keyword })).items.map(
        (m) => m.name,
      );
    assert.deepEqual(await search('王基'), ['王基管']);
    const rows = world.emulator.engine.find('members', {}).length;
    // An old data folder: no member has tokens.
    world.emulator.engine.modify({
      collection: 'members',
      query: {},
      data: { $unset: { searchTokens: '' } },
      multi: true,
      merge: true,
      upsert: false,
    });
    assert.deepEqual(await search('王基'), [], 'an old row is not found by the token search');
    const planted = (await drifts()).filter((d) => d.check.startsWith('members.searchTokens'));
    assert.equal(planted.length, 1, 'one line for all the rows');
    assert.equal(planted[0].stored, rows);

    const { repairs, after } = await repairDrifts(world.emulator.serviceUrl, world.emulator.envId);
    assert.deepEqual(after.drifts, []);
    assert.deepEqual(
      repairs.filter((r) => r.check.startsWith('members.searchTokens')).map((r) => [r.target, r.to]),
      [[`${rows} rows`, `set on ${rows}`]],
    );
    assert.deepEqual(await search('王基'), ['王基管']);
    assert.deepEqual(await search(demoPhone(4).slice(-4)), ['王基管']);
    assert.deepEqual((await repairDrifts(world.emulator.serviceUrl, world.emulator.envId)).repairs, []);
  });
});
