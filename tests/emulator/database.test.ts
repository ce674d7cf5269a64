import assert from 'node:assert/strict';
import type { RunningEmulator } from '../../emulator/server';
import { sdkFor, startTestEmulator } from '../helpers/emulator';

type Db = ReturnType<ReturnType<typeof sdkFor>['database']>;

/** Conformance of the emulator's database actions, driven through the real @cloudbase/node-sdk. */
describe('emulator database through @cloudbase/node-sdk', () => {
  let emulator: RunningEmulator;
  let db: Db;

  before(async () => {
    emulator = await startTestEmulator();
    db = sdkFor(emulator).database();
    await db.createCollection('things');
    await db.createCollection('owners');
  });
  after(() => emulator.close());

  beforeEach(async () => {
    const _ = db.command;
    await db
      .collection('things')
      .where({ _id: _.exists(true) })
      .remove();
    await db
      .collection('owners')
      .where({ _id: _.exists(true) })
      .remove();
    await db.collection('things').add([
      { _id: 't1', name: '甲', kind: 'a', n: 1, score: 10, tags: ['x'], owner: 'o1' },
      { _id: 't2', name: '乙', kind: 'a', n: 2, score: 30, tags: ['x', 'y'], owner: 'o1' },
      { _id: 't3', name: '丙', kind: 'b', n: 3, score: 20, tags: [], owner: 'o2', note: 'hello' },
      { _id: 't4', name: '丁', kind: 'b', n: 4, score: 20, tags: ['z'], owner: 'o2' },
    ]);
    await db.collection('owners').add([
      { _id: 'o1', title: '一号' },
      { _id: 'o2', title: '二号' },
    ]);
  });

  const ids = (res: { data: Array<{ _id?: string }> }) => res.data.map((d) => d._id);

  describe('query operators', () => {
    it('eq, neq, gt, gte, lt, lte', async () => {
      const _ = db.command;
      const things = db.collection('things');
      assert.deepEqual(
        ids(
          await things
            .where({ kind: _.eq('a') })
            .orderBy('_id', 'asc')
            .get(),
        ),
        ['t1', 't2'],
      );
      assert.deepEqual(
        ids(
          await things
            .where({ kind: _.neq('a') })
            .orderBy('_id', 'asc')
            .get(),
        ),
        ['t3', 't4'],
      );
      assert.deepEqual(
        ids(
          await things
            .where({ n: _.gt(2) })
            .orderBy('_id', 'asc')
            .get(),
        ),
        ['t3', 't4'],
      );
      assert.deepEqual(
        ids(
          await things
            .where({ n: _.gte(2) })
            .orderBy('_id', 'asc')
            .get(),
        ),
        ['t2', 't3', 't4'],
      );
      assert.deepEqual(
        ids(
          await things
            .where({ n: _.lt(2) })
            .orderBy('_id', 'asc')
            .get(),
        ),
        ['t1'],
      );
      assert.deepEqual(
        ids(
          await things
            .where({ n: _.lte(2) })
            .orderBy('_id', 'asc')
            .get(),
        ),
        ['t1', 't2'],
      );
    });

    it('in, nin, and, or, exists', async () => {
      const _ = db.command;
      const things = db.collection('things');
      assert.deepEqual(
        ids(
          await things
            .where({ n: _.in([1, 4]) })
            .orderBy('_id', 'asc')
            .get(),
        ),
        ['t1', 't4'],
      );
      assert.deepEqual(
        ids(
          await things
            .where({ n: _.nin([1, 4]) })
            .orderBy('_id', 'asc')
            .get(),
        ),
        ['t2', 't3'],
      );
      assert.deepEqual(ids(await things.where(_.and([{ kind: 'b' }, { score: 20 }, { n: _.gt(3) }])).get()), ['t4']);
      assert.deepEqual(
        ids(
          await things
            .where(_.or([{ n: 1 }, { note: 'hello' }]))
            .orderBy('_id', 'asc')
            .get(),
        ),
        ['t1', 't3'],
      );
      assert.deepEqual(
        ids(
          await things
            .where({ n: _.gt(1).and(_.lt(4)) })
            .orderBy('_id', 'asc')
            .get(),
        ),
        ['t2', 't3'],
      );
      assert.deepEqual(ids(await things.where({ note: _.exists(true) }).get()), ['t3']);
      assert.equal((await things.where({ note: _.exists(false) }).get()).data.length, 3);
    });

    it('regex through db.RegExp and a JS RegExp', async () => {
      const things = db.collection('things');
      assert.deepEqual(ids(await things.where({ note: db.RegExp({ regexp: '^HEL', options: 'i' }) }).get()), ['t3']);
      assert.deepEqual(ids(await things.where({ note: /llo$/ }).get()), ['t3']);
      assert.deepEqual(
        ids(
          await things
            .where({ name: db.RegExp({ regexp: '甲|丁' }) })
            .orderBy('_id', 'asc')
            .get(),
        ),
        ['t1', 't4'],
      );
    });

    it('matches array elements and nested fields', async () => {
      const things = db.collection('things');
      assert.deepEqual(ids(await things.where({ tags: 'y' }).get()), ['t2']);
      await things.doc('t1').update({ profile: { city: '广州' } });
      assert.deepEqual(ids(await things.where({ 'profile.city': '广州' }).get()), ['t1']);
      assert.deepEqual(ids(await things.where({ profile: { city: '广州' } }).get()), ['t1']);
    });
  });

  describe('update operators', () => {
    it('set, inc, push, pull, addToSet, remove', async () => {
      const _ = db.command;
      const doc = db.collection('things').doc('t2');
      await doc.update({ name: _.set('新乙'), n: _.inc(5), tags: _.push(['w']) });
      await doc.update({ tags: _.pull('x') });
      await doc.update({ tags: _.addToSet('y') });
      await doc.update({ tags: _.addToSet('v') });
      await doc.update({ score: _.remove() });
      const { data } = await doc.get();
      assert.equal(data[0].name, '新乙');
      assert.equal(data[0].n, 7);
      assert.deepEqual(data[0].tags, ['y', 'w', 'v']);
      assert.equal('score' in data[0], false);
    });

    it('where().update touches every match (multi) and reports the count', async () => {
      const _ = db.command;
      const res = await db
        .collection('things')
        .where({ kind: 'b' })
        .update({ flagged: true, n: _.inc(100) });
      assert.equal(res.updated, 2);
      const flagged = await db.collection('things').where({ flagged: true }).orderBy('_id', 'asc').get();
      assert.deepEqual(
        flagged.data.map((d) => [d._id, d.n]),
        [
          ['t3', 103],
          ['t4', 104],
        ],
      );
    });

    it('a conditional update changes nothing when the condition no longer holds', async () => {
      const first = await db.collection('things').where({ _id: 't1', n: 1 }).update({ n: 2 });
      const second = await db.collection('things').where({ _id: 't1', n: 1 }).update({ n: 3 });
      assert.equal(first.updated, 1);
      assert.equal(second.updated, 0);
      assert.equal((await db.collection('things').doc('t1').get()).data[0].n, 2);
    });

    it('doc().set replaces a document and upserts a missing one', async () => {
      await db.collection('things').doc('t1').set({ name: '换', kind: 'c' });
      const replaced = (await db.collection('things').doc('t1').get()).data[0];
      assert.deepEqual(replaced, { _id: 't1', name: '换', kind: 'c' });
      const res = await db.collection('things').doc('new-1').set({ name: '新' });
      assert.equal(res.upsertedId, 'new-1');
      assert.equal((await db.collection('things').doc('new-1').get()).data[0].name, '新');
    });

    it('updateAndReturn gives back the updated document', async () => {
      const _ = db.command;
      const res = await db
        .collection('things')
        .where({ _id: 't3' })
        .updateAndReturn({ n: _.inc(1) });
      assert.equal(res.updated, 1);
      assert.equal(res.doc.n, 4);
    });

    it('serverDate is filled in by the server', async () => {
      const before = Date.now();
      await db.collection('things').doc('t1').update({ at: db.serverDate() });
      const at = (await db.collection('things').doc('t1').get()).data[0].at;
      assert.ok(at instanceof Date, 'serverDate should come back as a Date');
      assert.ok(at.getTime() >= before - 1000 && at.getTime() <= Date.now() + 1000);
    });
  });

  describe('reads', () => {
    it('orders by two fields, skips and limits', async () => {
      const page = await db.collection('things').orderBy('score', 'desc').orderBy('n', 'asc').skip(1).limit(2).get();
      assert.deepEqual(ids(page), ['t3', 't4']);
    });

    it('projects fields and always includes _id', async () => {
      const res = await db.collection('things').where({ _id: 't1' }).field({ name: true }).get();
      assert.deepEqual(res.data, [{ _id: 't1', name: '甲' }]);
    });

    it('returns 100 documents by default and at most 1000', async () => {
      const many = Array.from({ length: 1100 }, (_, i) => ({
        _id: `bulk-${String(i).padStart(4, '0')}`,
        kind: 'bulk',
      }));
      for (let i = 0; i < many.length; i += 500) await db.collection('things').add(many.slice(i, i + 500));
      assert.equal((await db.collection('things').where({ kind: 'bulk' }).get()).data.length, 100);
      assert.equal((await db.collection('things').where({ kind: 'bulk' }).limit(5000).get()).data.length, 1000);
      assert.equal((await db.collection('things').where({ kind: 'bulk' }).count()).total, 1100);
    });

    it('counts with and without a filter', async () => {
      assert.equal((await db.collection('things').count()).total, 4);
      assert.equal((await db.collection('things').where({ kind: 'a' }).count()).total, 2);
    });

    it('a missing document reads as an empty list', async () => {
      const res = await db.collection('things').doc('nope').get();
      assert.deepEqual(res.data, []);
    });
  });

  describe('writes and errors', () => {
    it('batch add returns every id and generates ids when absent', async () => {
      const res = await db.collection('things').add([{ name: 'a' }, { name: 'b' }, { _id: 'given', name: 'c' }]);
      assert.equal(res.ids?.length, 3);
      assert.match(res.ids?.[0] ?? '', /^[0-9a-f]{32}$/);
      assert.equal(res.ids?.[2], 'given');
    });

    it('a duplicate _id fails with DATABASE_DUPLICATE_WRITE and writes nothing of the batch', async () => {
      await assert.rejects(
        db.collection('things').add([{ _id: 'fresh' }, { _id: 't1' }]),
        (err: { code?: string }) => err.code === 'DATABASE_DUPLICATE_WRITE',
      );
      assert.deepEqual((await db.collection('things').doc('fresh').get()).data, []);
    });

    it('an unknown collection fails with DATABASE_COLLECTION_NOT_EXIST', async () => {
      await assert.rejects(
        db.collection('nowhere').add({ a: 1 }),
        (err: { code?: string }) => err.code === 'DATABASE_COLLECTION_NOT_EXIST',
      );
      await assert.rejects(
        db.collection('nowhere').get(),
        (err: { code?: string }) => err.code === 'DATABASE_COLLECTION_NOT_EXIST',
      );
    });

    it('creating an existing collection is refused', async () => {
      await assert.rejects(
        db.createCollection('things'),
        (err: { code?: string }) => err.code === 'DATABASE_COLLECTION_ALREADY_EXIST',
      );
    });

    it('a unique index refuses a second document with the same value', async () => {
      await db.collection('users').add({ _id: 'u1', docIndex: 'same' });
      await assert.rejects(
        db.collection('users').add({ _id: 'u2', docIndex: 'same' }),
        (err: { code?: string }) => err.code === 'DATABASE_DUPLICATE_WRITE',
      );
      await db.collection('users').doc('u1').remove();
    });

    it('removes one document or every match', async () => {
      assert.equal((await db.collection('things').doc('t1').remove()).deleted, 1);
      assert.equal((await db.collection('things').where({ kind: 'b' }).remove()).deleted, 2);
      assert.deepEqual(ids(await db.collection('things').get()), ['t2']);
    });
  });

  describe('transactions', () => {
    it('runTransaction commits every write together', async () => {
      const _ = db.command;
      await db.runTransaction(async (tx: { collection(name: string): ReturnType<Db['collection']> }) => {
        const t1 = await tx.collection('things').doc('t1').get();
        await tx
          .collection('things')
          .doc('t1')
          .update({ n: _.inc(10) });
        await tx
          .collection('owners')
          .doc('o1')
          .update({ total: (t1.data as unknown as { n: number }).n + 10 });
        await tx.collection('things').add({ _id: 'in-tx', name: '事务' });
      });
      assert.equal((await db.collection('things').doc('t1').get()).data[0].n, 11);
      assert.equal((await db.collection('owners').doc('o1').get()).data[0].total, 11);
      assert.equal((await db.collection('things').doc('in-tx').get()).data.length, 1);
    });

    it('a throw inside runTransaction rolls every write back', async () => {
      await assert.rejects(
        db.runTransaction(async (tx: { collection(name: string): ReturnType<Db['collection']> }) => {
          await tx.collection('things').doc('t1').update({ n: 999 });
          await tx.collection('things').doc('t2').remove();
          throw new Error('业务校验失败');
        }),
        /业务校验失败/,
      );
      assert.equal((await db.collection('things').doc('t1').get()).data[0].n, 1);
      assert.equal((await db.collection('things').doc('t2').get()).data.length, 1);
    });

    it('reads inside a transaction see its own uncommitted writes, others do not', async () => {
      const tx = await db.startTransaction();
      await tx.collection('things').doc('t1').update({ n: 50 });
      const inside = await tx.collection('things').doc('t1').get();
      const outside = await db.collection('things').doc('t1').get();
      assert.equal((inside.data as unknown as { n: number }).n, 50);
      assert.equal(outside.data[0].n, 1);
      await tx.rollback();
    });

    it('two transactions writing one document: the second writer gets a conflict', async () => {
      const a = await db.startTransaction();
      const b = await db.startTransaction();
      await a.collection('things').doc('t1').update({ n: 100 });
      await assert.rejects(
        b.collection('things').doc('t1').update({ n: 200 }),
        (err: { code?: string }) => err.code === 'DATABASE_TRANSACTION_CONFLICT',
      );
      await b.rollback();
      await a.commit();
      assert.equal((await db.collection('things').doc('t1').get()).data[0].n, 100);
    });

    it('a write outside the transaction after it started makes its commit fail', async () => {
      const tx = await db.startTransaction();
      await tx.collection('things').doc('t1').update({ n: 7 });
      await db.collection('things').doc('t1').update({ n: 8 });
      await assert.rejects(tx.commit(), (err: { code?: string }) => err.code === 'DATABASE_TRANSACTION_CONFLICT');
      assert.equal((await db.collection('things').doc('t1').get()).data[0].n, 8);
    });

    it('runTransaction retries a conflict and then succeeds', async () => {
      const _ = db.command;
      let attempts = 0;
      await db.runTransaction(async (tx: { collection(name: string): ReturnType<Db['collection']> }) => {
        attempts += 1;
        await tx
          .collection('things')
          .doc('t1')
          .update({ n: _.inc(1) });
        if (attempts === 1) await db.collection('things').doc('t1').update({ touched: true });
      });
      assert.equal(attempts, 2);
      const t1 = (await db.collection('things').doc('t1').get()).data[0];
      assert.equal(t1.n, 2);
      assert.equal(t1.touched, true);
    });

    it('a finished transaction cannot be used again', async () => {
      const tx = await db.startTransaction();
      await tx.commit();
      await assert.rejects(
        tx.collection('things').doc('t1').get(),
        (err: { code?: string }) => err.code === 'DATABASE_TRANSACTION_FAIL',
      );
    });
  });

  describe('aggregate', () => {
    it('match, group, sort and count', async () => {
      const $ = db.command.aggregate;
      const res = await db
        .collection('things')
        .aggregate()
        .match({ n: db.command.gte(1) })
        .group({ _id: '$kind', total: $.sum('$score'), count: $.sum(1) })
        .sort({ _id: 1 })
        .end();
      assert.deepEqual(res.data, [
        { _id: 'a', total: 40, count: 2 },
        { _id: 'b', total: 40, count: 2 },
      ]);
      const counted = await db.collection('things').aggregate().match({ kind: 'b' }).count('n').end();
      assert.deepEqual(counted.data, [{ n: 2 }]);
    });

    it('lookup, project, skip and limit', async () => {
      const res = await db
        .collection('things')
        .aggregate()
        .sort({ _id: 1 })
        .lookup({ from: 'owners', localField: 'owner', foreignField: '_id', as: 'ownerDocs' })
        .project({ _id: 1, ownerTitle: '$ownerDocs.title' })
        .skip(1)
        .limit(2)
        .end();
      assert.deepEqual(res.data, [
        { _id: 't2', ownerTitle: ['一号'] },
        { _id: 't3', ownerTitle: ['二号'] },
      ]);
    });
  });
});
