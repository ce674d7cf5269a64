import assert from 'node:assert/strict';
import type { RunningEmulator } from '../../emulator/server';
import type { QueryStats } from '../../emulator/store/planner';
import { sdkFor, startTestEmulator } from '../helpers/emulator';

type Db = ReturnType<ReturnType<typeof sdkFor>['database']>;

const UNIONS = 20;
const PER_UNION = 100;

/**
 * The planner chooses index scans as MongoDB would and reports what each query examined; the data
 * goes in and the queries go out through the real SDK, the explain log is read over HTTP.
 */
describe('emulator query planner and explain', () => {
  let emulator: RunningEmulator;
  let db: Db;

  async function lastQuery(collection: string, since: number): Promise<QueryStats> {
    const res = await fetch(`${emulator.baseUrl}/_/queries?since=${since}&collection=${collection}`);
    const body = (await res.json()) as { queries: QueryStats[] };
    const q = body.queries.at(-1);
    assert.ok(q, 'the query was logged');
    return q;
  }

  async function seq(): Promise<number> {
    return (
      (await (await fetch(`${emulator.baseUrl}/_/queries?since=${Number.MAX_SAFE_INTEGER}`)).json()) as {
        lastSeq: number;
      }
    ).lastSeq;
  }

  before(async () => {
    emulator = await startTestEmulator();
    db = sdkFor(emulator).database();
    await db.createCollection('people');
    emulator.store.ensureIndex('people', { fields: ['unionId', 'status', 'joinedAt', '_id'] });
    emulator.store.ensureIndex('people', { fields: ['tokens'] });
    emulator.store.ensureIndex('people', { fields: ['code'], unique: true });
    emulator.store.ensureIndex('people', { fields: ['phone'] });
    const docs = [];
    for (let u = 0; u < UNIONS; u++) {
      for (let i = 0; i < PER_UNION; i++) {
        const n = u * PER_UNION + i;
        docs.push({
          _id: `p${String(n).padStart(5, '0')}`,
          unionId: `u${u}`,
          status: i % 10 === 0 ? 'removed' : 'active',
          joinedAt: new Date(1_700_000_000_000 + ((n * 7919) % 100_000) * 1000),
          // Every person shares the token "common"; "rare" is on three people only.
          tokens: n % 700 === 0 ? ['common', 'rare'] : ['common', `t${n % 50}`],
          ...(n % 2 === 0 ? { code: `c${n}` } : {}),
          phone: n % 3 === 0 ? `p${n}` : null,
        });
      }
    }
    for (let i = 0; i < docs.length; i += 500) await db.collection('people').add(docs.slice(i, i + 500));
  });
  after(() => emulator.close());

  it('serves equality prefix + sort from a compound index and stops at the page', async () => {
    const before = await seq();
    const res = await db
      .collection('people')
      .where({ unionId: 'u3', status: 'active' })
      .orderBy('joinedAt', 'desc')
      .orderBy('_id', 'desc')
      .limit(10)
      .get();
    const q = await lastQuery('people', before);
    assert.equal(q.stage, 'IXSCAN');
    assert.equal(q.inMemorySort, false);
    assert.equal(q.keysExamined, 10);
    assert.equal(q.docsExamined, 10);
    assert.equal(q.nReturned, 10);
    // The same page as a full in-memory sort gives.
    const all = (await db.collection('people').where({ unionId: 'u3', status: 'active' }).limit(1000).get())
      .data as Array<{ _id: string; joinedAt: Date }>;
    const expected = all
      .sort((a, b) => +new Date(b.joinedAt) - +new Date(a.joinedAt) || (a._id < b._id ? 1 : -1))
      .slice(0, 10)
      .map((d) => d._id);
    assert.deepEqual(
      res.data.map((d: { _id: string }) => d._id),
      expected,
    );
  });

  it('merges one ordered scan per $in point (SORT_MERGE) instead of sorting the lot', async () => {
    const before = await seq();
    const res = await db
      .collection('people')
      .where({ unionId: db.command.in(['u1', 'u5', 'u9']), status: 'active' })
      .orderBy('joinedAt', 'asc')
      .orderBy('_id', 'asc')
      .limit(15)
      .get();
    const q = await lastQuery('people', before);
    assert.match(q.plan, /×3 SORT_MERGE/);
    assert.equal(q.inMemorySort, false);
    assert.ok(q.keysExamined <= 15 + 3, `examined ${q.keysExamined} keys for 15 rows`);
    const times = res.data.map((d: { joinedAt: Date }) => +new Date(d.joinedAt));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
    assert.ok(res.data.every((d: { unionId: string }) => ['u1', 'u5', 'u9'].includes(d.unionId)));
  });

  it('keyset paging with a range on the sort key reads only the next page', async () => {
    const first = (
      await db
        .collection('people')
        .where({ unionId: 'u4', status: 'active' })
        .orderBy('joinedAt', 'desc')
        .orderBy('_id', 'desc')
        .limit(20)
        .get()
    ).data as Array<{ _id: string; joinedAt: Date }>;
    const last = first[19];
    const _ = db.command;
    const before = await seq();
    const next = await db
      .collection('people')
      .where(
        _.and([
          { unionId: 'u4', status: 'active', joinedAt: _.lte(new Date(last.joinedAt)) },
          _.or([{ joinedAt: _.lt(new Date(last.joinedAt)) }, { _id: _.lt(last._id) }]),
        ]),
      )
      .orderBy('joinedAt', 'desc')
      .orderBy('_id', 'desc')
      .limit(20)
      .get();
    const q = await lastQuery('people', before);
    // The sorted index scan wins the race against the $or plan (which could only win by finishing).
    assert.equal(q.inMemorySort, false);
    assert.equal(q.stage, 'IXSCAN');
    assert.ok(q.keysExamined <= 2 * 21, `examined ${q.keysExamined}`);
    const all = (
      await db
        .collection('people')
        .where({ unionId: 'u4', status: 'active' })
        .orderBy('joinedAt', 'desc')
        .orderBy('_id', 'desc')
        .limit(40)
        .get()
    ).data as Array<{ _id: string }>;
    assert.deepEqual(
      next.data.map((d: { _id: string }) => d._id),
      all.slice(20, 40).map((d) => d._id),
    );
  });

  it('races the $all elements of a multikey index and lets the rare one win', async () => {
    const before = await seq();
    const res = await db
      .collection('people')
      .where({ tokens: db.command.all(['common', 'rare']) })
      .limit(30)
      .get();
    const q = await lastQuery('people', before);
    assert.equal(res.data.length, 3);
    assert.equal(q.stage, 'IXSCAN');
    assert.equal(q.rejectedPlans, 1);
    assert.ok(q.keysExamined < 20, `examined ${q.keysExamined}`);
  });

  it('plans each $or branch on its own index, and reports a collection scan when none serves', async () => {
    const _ = db.command;
    let before = await seq();
    const res = await db
      .collection('people')
      .where(_.or([{ code: 'c10' }, { phone: 'p9' }]))
      .get();
    let q = await lastQuery('people', before);
    assert.equal(q.stage, 'OR');
    assert.deepEqual(res.data.map((d: { _id: string }) => d._id).sort(), ['p00009', 'p00010']);
    assert.ok(q.docsExamined <= 2);

    before = await seq();
    await db.collection('people').where({ status: 'removed' }).limit(5).get();
    q = await lastQuery('people', before);
    assert.equal(q.stage, 'COLLSCAN');
  });

  it('keeps ranges inside one type and counts null and missing alike, as MongoDB does', async () => {
    const _ = db.command;
    await db.collection('people').add({ _id: 'odd', unionId: 'u0', status: 'active', joinedAt: 5 });
    const res = await db
      .collection('people')
      .where({ unionId: 'u0', status: 'active', joinedAt: _.lt(new Date(1_800_000_000_000)) })
      .limit(1000)
      .get();
    assert.ok(!res.data.some((d: { _id: string }) => d._id === 'odd'), 'a number is not inside a date range');
    const nulls = await db.collection('people').where({ phone: null }).count();
    assert.equal(nulls.total, UNIONS * PER_UNION - Math.ceil((UNIONS * PER_UNION) / 3) + 1);
    await db.collection('people').doc('odd').remove();
  });

  it('enforces unique indexes only over documents that have the field, and keeps keys in step with updates', async () => {
    await assert.rejects(db.collection('people').add({ _id: 'dup', code: 'c2' }), /duplicate key/);
    await db.collection('people').add({ _id: 'nocode1' });
    await db.collection('people').add({ _id: 'nocode2' });
    await db.collection('people').doc('nocode1').update({ code: 'fresh' });
    assert.equal((await db.collection('people').where({ code: 'fresh' }).get()).data.length, 1);
    await db.collection('people').doc('nocode1').update({ code: 'fresher' });
    assert.equal((await db.collection('people').where({ code: 'fresh' }).get()).data.length, 0);
    await assert.rejects(db.collection('people').doc('nocode2').update({ code: 'fresher' }), /duplicate key/);
    await db
      .collection('people')
      .where({ _id: db.command.in(['nocode1', 'nocode2']) })
      .remove();
    assert.equal((await db.collection('people').where({ code: 'fresher' }).get()).data.length, 0);
  });

  it('plans an $or inside a union on each clause’s own index, not by scanning the union once per clause', async () => {
    const _ = db.command;
    const before = await seq();
    const res = await db
      .collection('people')
      .where(_.and([{ unionId: 'u3', status: 'active' }, _.or([{ code: 'c302' }, { phone: 'p303' }])]))
      .orderBy('joinedAt', 'desc')
      .limit(20)
      .get();
    const q = await lastQuery('people', before);
    assert.deepEqual(res.data.map((d: { _id: string }) => d._id).sort(), ['p00302', 'p00303']);
    assert.equal(q.plan, 'OR [IXSCAN {code} bounded 1/1 | IXSCAN {phone} bounded 1/1]');
    // Its two rows, plus what the union's ordered plan read while racing it (the union has 90 active).
    assert.ok(q.docsExamined <= 8, `examined ${q.docsExamined} documents`);
  });

  it('counts a multikey index’s documents, not its keys: from SQLite when a point pins the array, apart when a range does not', async () => {
    const _ = db.command;
    let before = await seq();
    assert.equal((await db.collection('people').where({ tokens: 'common' }).count()).total, UNIONS * PER_UNION);
    let q = await lastQuery('people', before);
    assert.equal(q.stage, 'COUNT_SCAN');
    assert.equal(q.keysExamined, UNIONS * PER_UNION);
    before = await seq();
    // Every person has two tokens above 'a': two keys each in the range, one person each in the count.
    assert.equal(
      (
        await db
          .collection('people')
          .where({ tokens: _.gt('a') })
          .count()
      ).total,
      UNIONS * PER_UNION,
    );
    q = await lastQuery('people', before);
    assert.equal(q.stage, 'COUNT_SCAN');
    assert.equal(q.keysExamined, 2 * UNIONS * PER_UNION);
  });

  it('looks up many whole keys at once and finds exactly the rows one lookup per key finds, each once', async () => {
    const _ = db.command;
    // 300 phones, of which only every third is held by someone, and one asked for twice.
    const phones = Array.from({ length: 300 }, (_v, i) => `p${i * 5}`);
    phones.push('p0');
    const before = await seq();
    const res = await db
      .collection('people')
      .where({ phone: _.in(phones) })
      .limit(1000)
      .get();
    const q = await lastQuery('people', before);
    assert.equal(q.plan, 'IXSCAN {phone} bounded 1/1 ×301 WHOLE_KEYS');
    const expected = phones.filter((p, i) => Number(p.slice(1)) % 3 === 0 && phones.indexOf(p) === i);
    const found = (res.data as Array<{ _id: string; phone: string }>).map((d) => d.phone);
    assert.deepEqual([...found].sort(), [...expected].sort());
    assert.equal(q.docsExamined, expected.length);
    assert.equal(q.keysExamined, expected.length);
    // In _id order, as a merge of the single lookups yields them.
    const ids = (res.data as Array<{ _id: string }>).map((d) => d._id);
    assert.deepEqual(ids, [...ids].sort());
  });

  it('finds the same rows for an $in of 10,000 or 20,000 values as for a short one (past one statement’s parameters)', async () => {
    const _ = db.command;
    const res = await db
      .collection('people')
      .where({ phone: _.neq(null) })
      .limit(1000)
      .get();
    const held = (res.data as Array<{ _id: string }>).map((d) => d._id).sort();
    assert.equal(held.length, 667, 'every third of the 2,000 people has a phone');
    for (const n of [10_000, 20_000]) {
      const phones = Array.from({ length: n }, (_v, i) => `p${i}`);
      const found = await db
        .collection('people')
        .where({ phone: _.in(phones) })
        .limit(1000)
        .get();
      const ids = (found.data as Array<{ _id: string }>).map((d) => d._id);
      assert.deepEqual([...ids].sort(), held, `${n} values`);
    }
  });

  it('answers explain over HTTP for an ad-hoc query', async () => {
    const res = await fetch(`${emulator.baseUrl}/_/explain`, {
      method: 'POST',
      body: JSON.stringify({
        collection: 'people',
        filter: { unionId: 'u2', status: 'active' },
        sort: { joinedAt: -1 },
        limit: 5,
      }),
    });
    const { executionStats } = (await res.json()) as { executionStats: QueryStats };
    assert.equal(executionStats.op, 'explain');
    assert.equal(executionStats.stage, 'IXSCAN');
    assert.equal(executionStats.nReturned, 5);
    assert.equal(executionStats.keysExamined, 5);
  });
});
