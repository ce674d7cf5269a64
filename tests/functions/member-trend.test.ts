import assert from 'node:assert/strict';
import { lastMonths } from '../../cloudfunctions/shared/membership/trend';
import { demoWorld, type DemoWorld } from '../helpers/api';

/** The 工作台's chart: joins per month over the last twelve months, in China's calendar. */
describe('member.trend', function () {
  this.timeout(60_000);
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  it('counts a union’s joins per month, real-name apart, in China time; older joins and removed members stay out', async () => {
    const months = lastMonths();
    const [y, m] = months[11].split('-').map(Number);
    // 00:30 on the 1st of this month in China is still the previous month in UTC.
    const firstOfMonthChina = new Date(Date.UTC(y, m - 1, 1, 0, 30) - 8 * 3600_000);
    const [ty, tm] = months[8].split('-').map(Number);
    const threeMonthsAgo = new Date(Date.UTC(ty, tm - 1, 15));
    const longAgo = new Date(Date.UTC(y - 2, 0, 15));
    const base = {
      unionId: world.union('grassroots'),
      userId: null,
      realName: false,
      name: '趋势测',
      docType: 'resident',
      docIndex: 'trend',
      source: 'import',
      unitName: '',
      updatedAt: new Date(),
      version: 1,
    };
    await world.admin
      .database()
      .collection('members')
      .add([
        { ...base, _id: 'trend-1', status: 'active', joinedAt: firstOfMonthChina },
        { ...base, _id: 'trend-2', status: 'active', joinedAt: threeMonthsAgo },
        { ...base, _id: 'trend-3', status: 'active', joinedAt: longAgo },
        { ...base, _id: 'trend-4', status: 'removed', joinedAt: threeMonthsAgo },
      ]);
    const { points } = await world
      .as('demo-admin-grassroots')
      .ok('member', 'trend', { unionId: world.union('grassroots') });
    assert.deepEqual(
      points.map((p) => p.month),
      months,
    );
    // The seed's two real-name and two imported members joined now; one more imported on the 1st.
    assert.deepEqual(points[11], { month: months[11], realName: 2, notRealName: 3 });
    assert.deepEqual(points[8], { month: months[8], realName: 0, notRealName: 1 });
    assert.equal(
      points.reduce((n, p) => n + p.realName + p.notRealName, 0),
      6,
    );
  });

  it('a superior sees a subordinate’s trend; a sibling is refused', async () => {
    assert.ok(
      (await world.as('demo-admin-county').ok('member', 'trend', { unionId: world.union('grassroots') })).points
        .length === 12,
    );
    const err = await world
      .as('demo-admin-federation')
      .fails('member', 'trend', { unionId: world.union('grassroots') });
    assert.equal(err.code, 'PERMISSION_DENIED');
  });
});
