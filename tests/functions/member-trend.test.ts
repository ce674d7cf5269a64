import assert from 'node:assert/strict';
import { lastMonths } from '../../cloudfunctions/shared/membership/trend';
import type { MemberDoc, UnionDoc } from '../../cloudfunctions/shared/documents';
import { residentIdCheckChar } from '../../cloudfunctions/shared/identity/resident-id';
import type { MemberTrendPoint } from '../../typings/member';
import type { ImportJobView } from '../../typings/importer';
import { sealDocument, sealPhone } from '../../cloudfunctions/shared/security/seal';
import { insertRegisteredPeople } from '../../fixtures/people';
import { checkInvariants, sdkSource } from '../../scripts/invariants';
import { repairDrifts } from '../../scripts/repair';
import { demoWorld, registerPerson, type DemoWorld } from '../helpers/api';
import { xlsxOf, type Cell } from '../helpers/files';

const PARALLEL = 22;

/** Resident IDs born in 1961 in Shenzhen: nobody else in the demo. */
function trendId(seq: number): string {
  const body = `440305196101${String(10 + seq).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
  return body + residentIdCheckChar(body);
}

/** The month a date falls in, in China (UTC+8), as a clerk in Guangzhou reads the calendar. */
const chinaMonth = (d: Date | string) => new Date(new Date(d).getTime() + 8 * 3600_000).toISOString().slice(0, 7);

/**
 * The 工作台's chart: per month of the last twelve, the members of a union and all its subordinates
 * who joined in that month and are still members, from monthly counters the roll-ups keep. Every
 * figure is checked against a count of the member rows themselves.
 */
describe('member.trend', function () {
  this.timeout(240_000);
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  /** The trend as counting the member rows gives it. */
  async function fromRows(unionId: string): Promise<MemberTrendPoint[]> {
    const unions = await world.docs<UnionDoc>('unions', {});
    const subtree = new Set(unions.filter((u) => u._id === unionId || u.ancestors.includes(unionId)).map((u) => u._id));
    const members = (await world.docs<MemberDoc>('members', { status: 'active' })).filter((m) =>
      subtree.has(m.unionId),
    );
    return lastMonths().map((month) => {
      const joined = members.filter((m) => chinaMonth(m.joinedAt) === month);
      const own = joined.filter((m) => m.unionId === unionId);
      return {
        month,
        realName: joined.filter((m) => m.realName).length,
        notRealName: joined.filter((m) => !m.realName).length,
        ownRealName: own.filter((m) => m.realName).length,
        ownNotRealName: own.filter((m) => !m.realName).length,
      };
    });
  }

  const trend = async (unionId: string) =>
    (await world.as('demo-admin-province').ok('member', 'trend', { unionId })).points;

  async function assertTrendsMatchRows(): Promise<void> {
    for (const key of ['grassroots', 'federation', 'street', 'county', 'city', 'group', 'province'] as const)
      assert.deepEqual(await trend(world.union(key)), await fromRows(world.union(key)), `trend of ${key}`);
  }

  async function monthDrifts() {
    const source = sdkSource(world.emulator.serviceUrl, world.emulator.envId);
    try {
      return (await checkInvariants(source)).drifts.filter((d) => d.check.startsWith('memberMonths.'));
    } finally {
      await source.close();
    }
  }

  it('a county admin sees this month’s joins of the unions below it, labelled apart from its own (none)', async () => {
    const { points } = await world.as('demo-admin-county').ok('member', 'trend', { unionId: world.union('county') });
    assert.deepEqual(
      points.map((p) => p.month),
      lastMonths(),
    );
    // The seed: 王基管 and 刘会员 real-name and 钱导入, 郑导入 imported in the grassroots union, 𠇔䶮·阿依古丽 in the
    // federation; all joined now. The county holds no members itself.
    assert.deepEqual(points[11], {
      month: lastMonths()[11],
      realName: 3,
      notRealName: 2,
      ownRealName: 0,
      ownNotRealName: 0,
    });
    await assertTrendsMatchRows();
  });

  it(`${PARALLEL} parallel joins, removals, an import, a registration that claims an imported row and a transfer: every trend in the tree equals the member rows`, async () => {
    const grassroots = world.union('grassroots');
    const people = insertRegisteredPeople(world.emulator, PARALLEL, 'trend', 61);
    const sent = await Promise.all(
      people.map((_, i) =>
        world.as(`trend-openid-${i}`).ok('review', 'submit', {
          kind: 'memberJoin',
          data: { unionId: grassroots, unitName: '广州示例科技有限公司' },
        }),
      ),
    );
    const approved = await Promise.all(
      sent.map((s) => world.as('demo-admin-grassroots').call('review', 'approve', { id: s.application.id })),
    );
    assert.deepEqual(
      approved.filter((a) => !a.ok),
      [],
    );
    const thisMonth = lastMonths()[11];
    const after = (await trend(world.union('county')))[11];
    assert.equal(after.realName, 3 + PARALLEL, 'the county’s chart counts every join below it');
    assert.deepEqual(await monthDrifts(), []);

    const joined = await world.docs<MemberDoc>('members', { unionId: grassroots, source: 'join', status: 'active' });
    assert.equal(joined.length, PARALLEL);
    const removed = await Promise.all(
      joined
        .slice(0, 3)
        .map((m) =>
          world
            .as('demo-admin-grassroots')
            .ok('member', 'remove', { unionId: grassroots, memberIds: [m._id], reason: '调离本单位' }),
        ),
    );
    assert.ok(removed.every((r) => r.results[0].ok));

    // An import of four people; one of them registers afterwards and is joined by the match.
    const rows: Cell[][] = [['姓名', '证件类型', '证件号码', '手机号码', '单位名称']];
    const names = ['趋甲', '趋乙', '趋丙', '趋丁'];
    names.forEach((name, i) => rows.push([name, '', trendId(i), `1372000000${i}`, '']));
    const upload = await world.admin.uploadFile({
      cloudPath: `uploads/imports/trend-${Date.now()}.xlsx`,
      fileContent: xlsxOf(rows),
    });
    const admin = world.as('demo-admin-grassroots');
    let job: ImportJobView = await admin.ok('importer', 'submit', { unionId: grassroots, fileId: upload.fileID });
    for (let i = 0; job.status !== 'done' && i < 200; i++)
      job = await admin.ok('importer', 'run', { jobId: job.jobId });
    assert.equal(job.status, 'done');
    assert.equal((await trend(grassroots))[11].notRealName, 2 + names.length);
    await registerPerson(world, 'wx-trend-claim', { name: names[0], docNumber: trendId(0), phone: '13720000000' });
    const mine = (await trend(grassroots))[11];
    assert.equal(mine.notRealName, 2 + names.length - 1, 'the registered person left 未实名…');
    assert.equal(mine.realName, 2 + PARALLEL - 3 + 1, '…for 已实名, in the month of the import');

    // A transfer out of the county's subtree (to the group union under the city).
    const mover = world.as(`trend-openid-${String(joined[3].userId).split('-').pop()}`);
    const transfer = await mover.ok('review', 'submit', {
      kind: 'memberTransfer',
      data: { unionId: world.union('group'), unitName: '示例集团有限公司' },
    });
    await world.as('demo-admin-group').ok('review', 'approve', { id: transfer.application.id });
    const county = (await trend(world.union('county')))[11];
    assert.equal(county.month, thisMonth);
    assert.equal(county.realName, 3 + PARALLEL - 3 + 1 - 1);
    assert.equal((await trend(world.union('group')))[11].ownRealName, 1);
    await assertTrendsMatchRows();
    assert.deepEqual(await monthDrifts(), []);
  });

  it('members from before the counters appear after check --repair, in China’s months; a removal then takes its member out of the month it joined', async () => {
    const months = lastMonths();
    const [y, m] = months[11].split('-').map(Number);
    // 00:30 on the 1st of this month in China is still the previous month in UTC.
    const firstOfMonthChina = new Date(Date.UTC(y, m - 1, 1, 0, 30) - 8 * 3600_000);
    const [ty, tm] = months[8].split('-').map(Number);
    const threeMonthsAgo = new Date(Date.UTC(ty, tm - 1, 15));
    const longAgo = new Date(Date.UTC(y - 2, 0, 15));
    const federation = world.union('federation');
    const base = {
      unionId: federation,
      userId: null,
      realName: false,
      name: '趋势旧',
      docType: 'resident',
      doc: sealDocument(trendId(50)),
      docIndex: 'trend-old',
      phone: sealPhone('13720000050'),
      phoneIndex: null,
      source: 'import',
      unitName: '',
      updatedAt: new Date(),
      version: 1,
    };
    const before = await trend(federation);
    await world.admin
      .database()
      .collection('members')
      .add([
        { ...base, _id: 'trend-old-1', status: 'active', joinedAt: firstOfMonthChina },
        { ...base, _id: 'trend-old-2', status: 'active', joinedAt: threeMonthsAgo },
        { ...base, _id: 'trend-old-3', status: 'active', joinedAt: longAgo },
        { ...base, _id: 'trend-old-4', status: 'removed', joinedAt: threeMonthsAgo },
      ]);
    // Written past the functions, as data from before the counters existed: the chart does not know them…
    assert.deepEqual(await trend(federation), before);
    assert.ok((await monthDrifts()).length > 0, 'check reports the counters behind the rows');
    // …until the repair recounts them from the rows.
    const { after } = await repairDrifts(world.emulator.serviceUrl, world.emulator.envId);
    assert.deepEqual(after.drifts, []);
    const points = await trend(federation);
    assert.equal(points[11].ownNotRealName, before[11].ownNotRealName + 1);
    assert.equal(points[8].ownNotRealName, 1);
    assert.equal(points[10].ownNotRealName, 0, 'the 1st at 00:30 China time is this month, not the last');
    assert.equal((await trend(world.union('street')))[8].notRealName, 1, 'and it counts for the street above');
    await assertTrendsMatchRows();

    const res = await world
      .as('demo-admin-federation')
      .ok('member', 'remove', { unionId: federation, memberIds: ['trend-old-2'], reason: '数据核对后删除' });
    assert.ok(res.results[0].ok);
    assert.equal((await trend(federation))[8].ownNotRealName, 0);
    await assertTrendsMatchRows();
    assert.deepEqual(await monthDrifts(), []);
  });

  it('a superior sees a subordinate’s trend; a sibling is refused', async () => {
    assert.equal(
      (await world.as('demo-admin-county').ok('member', 'trend', { unionId: world.union('grassroots') })).points.length,
      12,
    );
    const err = await world
      .as('demo-admin-federation')
      .fails('member', 'trend', { unionId: world.union('grassroots') });
    assert.equal(err.code, 'PERMISSION_DENIED');
  });
});
