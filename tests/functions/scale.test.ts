import assert from 'node:assert/strict';
import type { UnionDoc } from '../../cloudfunctions/shared/documents';
import { COUNT_CAP } from '../../cloudfunctions/shared/paging';
import type { QueryStats } from '../../emulator/store/planner';
import { demoWorld, type DemoWorld } from '../helpers/api';
import { ABSENT_NAME, loadProvince } from '../../fixtures/province';
import { demoPhone } from '../../fixtures/demo';

const SIZE = { unions: 1500, members: 20_000, pending: 3000, auditLogs: 10_000 };
/** The largest page any hot read returns (union search shows up to 30 hits). */
const PAGE_ROWS = 30;
/** What "in proportion to its page" allows per query: a few pages of keys and documents. */
const PER_QUERY = 4 * PAGE_ROWS + 50;

/**
 * Province scale without a timer: a mid-size province goes in through the SDK, then every hot read
 * action runs through the function gateway and the emulator's explain log says what each query
 * examined. A collection scan, an in-memory sort or a query that reads more than a few pages fails.
 */
describe('hot reads examine in proportion to their page, not to the province', function () {
  this.timeout(180_000);
  let world: DemoWorld;

  before(async () => {
    world = await demoWorld();
    const db = world.admin.database();
    const get = async (id: string) => ((await db.collection('unions').doc(id).get()).data as UnionDoc[])[0];
    await loadProvince(
      SIZE,
      { street: world.union('street'), county: world.union('county'), grassroots: world.union('grassroots') },
      { street: await get(world.union('street')), county: await get(world.union('county')) },
      async (collection, docs) => {
        await db.collection(collection).add(docs);
      },
      async (unionId, inc) => {
        await db
          .collection('unions')
          .doc(unionId)
          .update(Object.fromEntries(Object.entries(inc).map(([k, v]) => [k, db.command.inc(v)])));
      },
    );
  });
  after(() => world.close());

  async function examined<T>(what: string, run: () => Promise<T>): Promise<{ result: T; queries: QueryStats[] }> {
    const lastSeq = world.emulator.store.queryLog.lastSeq;
    const result = await run();
    const queries = world.emulator.store.queryLog.since(lastSeq).filter((q) => q.op !== 'explain');
    assert.ok(queries.length > 0, `${what}: no query logged`);
    for (const q of queries) {
      const where = `${what}: ${q.op} ${q.collection} ${q.filter} → ${q.plan} (keys ${q.keysExamined}, docs ${q.docsExamined})`;
      assert.notEqual(q.stage, 'COLLSCAN', `collection scan in ${where}`);
      // Sorting a page's worth of rows found through an exact index (a full phone) reads no more.
      assert.ok(!q.inMemorySort || q.docsExamined <= PAGE_ROWS, `in-memory sort in ${where}`);
      if (q.stage === 'COUNT_SCAN') {
        assert.equal(q.docsExamined, 0, where);
        assert.ok(q.keysExamined <= COUNT_CAP + 1, `count past the cap in ${where}`);
      } else {
        assert.ok(q.keysExamined <= PER_QUERY && q.docsExamined <= PER_QUERY, `reads more than its page in ${where}`);
      }
    }
    return { result, queries };
  }

  it('union search with many hits, and with none (the three reasons)', async () => {
    const user = world.as('demo-user');
    const many = await examined('searchUnions many', () => user.ok('member', 'searchUnions', { keyword: '科技' }));
    assert.equal(many.result.hits.length, 30);
    assert.ok(many.result.hits.every((h) => `${h.name}${h.unitName}`.includes('科技')));
    const exact = await examined('searchUnions exact', () =>
      user.ok('member', 'searchUnions', { keyword: '广州示例科技有限公司' }),
    );
    assert.equal(exact.result.hits[0].unitName, '广州示例科技有限公司', 'the exact name comes first');
    const none = await examined('searchUnions none', () => user.ok('member', 'searchUnions', { keyword: ABSENT_NAME }));
    assert.deepEqual(none.result.hits, []);
    assert.equal(none.result.notFoundReasons.length, 3);
  });

  it('工会组织目录 of a street with 500 unions, page 1 and the next by cursor', async () => {
    const admin = world.as('demo-admin-street');
    const input = { unionId: world.union('street'), category: 'grassroots' as const, pageSize: 20 };
    const first = await examined('directory p1', () => admin.ok('org', 'directory', input));
    assert.equal(first.result.items.length, 20);
    assert.equal(first.result.total, 501);
    assert.ok(first.result.nextCursor);
    const second = await examined('directory p2', () =>
      admin.ok('org', 'directory', { ...input, cursor: first.result.nextCursor }),
    );
    const names = [...first.result.items, ...second.result.items].map((u) => u.name);
    assert.deepEqual(names, [...names].sort(), 'name order continues across the cursor');
    assert.equal(new Set(names).size, 40);
  });

  it('会员列表 of a 10,000-member union, page 1 and the next by cursor', async () => {
    const admin = world.as('demo-admin-grassroots');
    const input = { unionId: world.union('grassroots'), realName: false, pageSize: 20 };
    const first = await examined('member.list p1', () => admin.ok('member', 'list', input));
    const expected = (
      await world.admin
        .database()
        .collection('members')
        .where({ unionId: world.union('grassroots'), status: 'active', realName: false })
        .count()
    ).total;
    assert.equal(first.result.total, expected);
    assert.ok(expected > 2000);
    const second = await examined('member.list p2', () =>
      admin.ok('member', 'list', { ...input, cursor: first.result.nextCursor }),
    );
    const times = [...first.result.items, ...second.result.items].map((m) => m.joinedAt);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first across the cursor');
    assert.equal(new Set([...first.result.items, ...second.result.items].map((m) => m.id)).size, 40);
  });

  it('会员列表 search on a 10,000-member union: surname, a pair, a phone tail, a full phone, each an index lookup', async () => {
    const admin = world.as('demo-admin-grassroots');
    const db = world.admin.database();
    const base = { unionId: world.union('grassroots'), status: 'active', realName: true };
    for (const [keyword, rows] of [
      ['孙', { name: db.RegExp({ regexp: '孙' }) }],
      ['孙测', { name: db.RegExp({ regexp: '孙测' }) }],
      // Every synthetic member shows 138****5678; the demo people do not.
      ['5678', { _id: db.RegExp({ regexp: '^scale-member-' }) }],
    ] as const) {
      const input = { unionId: world.union('grassroots'), realName: true, keyword, pageSize: 20 };
      const first = await examined(`member.list ${keyword}`, () => admin.ok('member', 'list', input));
      const expected = (
        await db
          .collection('members')
          .where({ ...base, ...rows })
          .count()
      ).total;
      assert.ok(expected > 100, `${keyword}: a search with many rows (${expected})`);
      assert.equal(first.result.total, expected, `${keyword}: the total`);
      assert.ok(
        first.queries.some((q) => q.plan.includes('searchTokens')),
        `${keyword}: on the search index`,
      );
      const second = await examined(`member.list ${keyword} p2`, () =>
        admin.ok('member', 'list', { ...input, cursor: first.result.nextCursor }),
      );
      const times = [...first.result.items, ...second.result.items].map((m) => m.joinedAt);
      assert.deepEqual(times, [...times].sort().reverse(), `${keyword}: newest first across the cursor`);
    }
    const phone = await examined('member.list full phone', () =>
      admin.ok('member', 'list', { unionId: world.union('grassroots'), realName: true, keyword: demoPhone(4) }),
    );
    assert.deepEqual(
      phone.result.items.map((m) => m.name),
      ['王基管'],
    );
  });

  it('审核 inbox with 3,000 pending, oldest first, page by cursor', async () => {
    const admin = world.as('demo-admin-grassroots');
    const first = await examined('listInbox p1', () => admin.ok('review', 'listInbox', { pageSize: 20 }));
    assert.equal(first.result.counts.memberJoin, SIZE.pending);
    assert.equal(first.result.items[0].title, '入会申请 0');
    const second = await examined('listInbox p2', () =>
      admin.ok('review', 'listInbox', { pageSize: 20, cursor: first.result.nextCursor }),
    );
    assert.equal(second.result.items[0].title, '入会申请 20');
  });

  it('工作台 trend of the county and of the 10,000-member union: at most twelve counter documents', async () => {
    for (const [openid, key] of [
      ['demo-admin-county', 'county'],
      ['demo-admin-grassroots', 'grassroots'],
    ] as const) {
      const { result, queries } = await examined(`member.trend ${key}`, () =>
        world.as(openid).ok('member', 'trend', { unionId: world.union(key) }),
      );
      assert.equal(result.points.length, 12);
      const counters = queries.filter((q) => q.collection === 'memberMonths');
      assert.equal(counters.length, 1, `${key}: one read of the monthly counters`);
      assert.ok(counters[0].docsExamined <= 12, `${key}: ${counters[0].docsExamined} counter documents read`);
      assert.ok(
        queries.every((q) => q.collection !== 'members'),
        `${key}: the trend reads no member rows`,
      );
    }
  });

  it('操作日志 for the province office and for one union', async () => {
    const office = await examined('auditLog province', () =>
      world.as('demo-province-office').ok('admin', 'auditLog', { pageSize: 20 }),
    );
    assert.equal(office.result.items.length, 20);
    const times = office.result.items.map((e) => e.at);
    assert.deepEqual(times, [...times].sort().reverse());
    const own = await examined('auditLog union', () =>
      world.as('demo-admin-grassroots').ok('admin', 'auditLog', { unionId: world.union('grassroots'), pageSize: 20 }),
    );
    assert.equal(own.result.items.length, 20);
    assert.equal(own.result.total, SIZE.auditLogs / 5);
  });

  it('a bad cursor is refused with what to do next', async () => {
    const err = await world
      .as('demo-admin-grassroots')
      .fails('admin', 'auditLog', { unionId: world.union('grassroots'), cursor: 'not-a-cursor' });
    assert.equal(err.code, 'INVALID_INPUT');
    assert.match(err.message, /刷新列表/);
  });
});
