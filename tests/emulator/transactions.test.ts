import assert from 'node:assert/strict';
import type { RunningEmulator } from '../../emulator/server';
import { sdkFor, startTestEmulator } from '../helpers/emulator';

type Db = ReturnType<ReturnType<typeof sdkFor>['database']>;
type Tx = { collection(name: string): ReturnType<Db['collection']> };
type Counter = { _id: string; n: number };

const PARALLEL = 24;
const isConflict = (err: unknown) => (err as { code?: string }).code === 'DATABASE_TRANSACTION_CONFLICT';

/**
 * MongoDB's (so CloudBase's) snapshot isolation, driven through the real SDK with real parallelism:
 * each client has its own HTTP requests in flight, so reads and writes of different transactions
 * interleave at the emulator as they would at the database.
 */
describe('emulator transactions: snapshot isolation and write conflicts', () => {
  let emulator: RunningEmulator;
  let db: Db;

  before(async () => {
    emulator = await startTestEmulator();
    db = sdkFor(emulator).database();
    await db.createCollection('counters');
    await db.createCollection('doctors');
  });
  after(() => emulator.close());

  beforeEach(async () => {
    const _ = db.command;
    await db
      .collection('counters')
      .where({ _id: _.exists(true) })
      .remove();
    await db
      .collection('doctors')
      .where({ _id: _.exists(true) })
      .remove();
    await db.collection('counters').add([{ _id: 'c', n: 0 }]);
  });

  const read = async (id: string) => (await db.collection('counters').doc(id).get()).data[0] as Counter | undefined;

  /** Every client gets its own SDK instance, as separate function instances would. */
  const clients = (n: number) => Array.from({ length: n }, () => sdkFor(emulator).database());

  it('lost update: parallel read-then-write transactions either commit or conflict, and the count is exact', async () => {
    const outcomes = await Promise.all(
      clients(PARALLEL).map(async (client) => {
        try {
          await client.runTransaction(async (tx: Tx) => {
            const c = (await tx.collection('counters').doc('c').get()).data as unknown as Counter;
            await tx
              .collection('counters')
              .doc('c')
              .update({ n: c.n + 1 });
          }, 0);
          return 'committed';
        } catch (err) {
          if (isConflict(err)) return 'conflict';
          throw err;
        }
      }),
    );
    const committed = outcomes.filter((o) => o === 'committed').length;
    assert.ok(outcomes.includes('conflict'), 'at least one of the parallel writers must lose');
    assert.equal((await read('c'))?.n, committed);
  });

  it('lost update: with retries every one of the parallel increments lands', async () => {
    let attempts = 0;
    await Promise.all(
      clients(PARALLEL).map(async (client) => {
        for (;;) {
          try {
            await client.runTransaction(async (tx: Tx) => {
              attempts += 1;
              const c = (await tx.collection('counters').doc('c').get()).data as unknown as Counter;
              await tx
                .collection('counters')
                .doc('c')
                .update({ n: c.n + 1 });
            }, 0);
            return;
          } catch (err) {
            if (!isConflict(err)) throw err;
            await new Promise((r) => setTimeout(r, Math.random() * 20));
          }
        }
      }),
    );
    assert.equal((await read('c'))?.n, PARALLEL);
    assert.ok(attempts > PARALLEL, 'the parallel writers had to retry');
  });

  it("the SDK's runTransaction retries the loser of a conflict on its own", async () => {
    const _ = db.command;
    const results = await Promise.allSettled(
      clients(PARALLEL).map((client) =>
        client.runTransaction(async (tx: Tx) => {
          await tx
            .collection('counters')
            .doc('c')
            .update({ n: _.inc(1) });
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    for (const r of results) if (r.status === 'rejected') assert.ok(isConflict(r.reason), String(r.reason));
    assert.equal((await read('c'))?.n, ok);
    assert.ok(ok > 1, 'retries let more than the first writer through');
  });

  it('same value: writing the value another transaction just committed still conflicts (judged against the snapshot)', async () => {
    const tx = await db.startTransaction();
    const seen = (await tx.collection('counters').doc('c').get()).data as unknown as Counter;
    assert.equal(seen.n, 0);
    await db.collection('counters').doc('c').update({ n: 1 });
    await assert.rejects(tx.collection('counters').doc('c').update({ n: 1 }), isConflict);
    // The loser was aborted by the conflict, so its rollback is a harmless no-op.
    await tx.rollback();
    assert.equal((await read('c'))?.n, 1);
  });

  it('same value in parallel: every transaction that computed the same new value but lost conflicts', async () => {
    // All start from the same snapshot n = 0 and write n = 1: only one may commit.
    const txs = await Promise.all(clients(PARALLEL).map((c) => c.startTransaction()));
    await Promise.all(txs.map((tx) => tx.collection('counters').doc('c').get()));
    const outcomes = await Promise.all(
      txs.map(async (tx) => {
        try {
          await tx.collection('counters').doc('c').update({ n: 1 });
          await tx.commit();
          return 'committed';
        } catch (err) {
          if (isConflict(err)) return 'conflict';
          throw err;
        }
      }),
    );
    assert.equal(outcomes.filter((o) => o === 'committed').length, 1);
    assert.equal(outcomes.filter((o) => o === 'conflict').length, PARALLEL - 1);
  });

  it('reads see the snapshot at the start: later commits, inserts and deletes are invisible, own writes are visible', async () => {
    await db.collection('counters').add([{ _id: 'gone', n: 5 }]);
    const tx = await db.startTransaction();
    await db.collection('counters').doc('c').update({ n: 7 });
    await db.collection('counters').add([{ _id: 'new', n: 9 }]);
    await db.collection('counters').doc('gone').remove();

    assert.equal(((await tx.collection('counters').doc('c').get()).data as unknown as Counter).n, 0);
    assert.equal((await tx.collection('counters').doc('new').get()).data, null);
    const all = (await tx.collection('counters').orderBy('_id', 'asc').get()).data as unknown as Counter[];
    assert.deepEqual(
      all.map((d) => [d._id, d.n]),
      [
        ['c', 0],
        ['gone', 5],
      ],
    );
    // A query by the new value finds nothing: the filter runs over the snapshot, not the latest rows.
    assert.equal((await tx.collection('counters').where({ n: 7 }).get()).data.length, 0);

    await tx.collection('counters').add({ _id: 'mine', n: 1 });
    assert.equal((await tx.collection('counters').where({ n: 1 }).get()).data.length, 1);
    await tx.rollback();
  });

  it('a document deleted after the snapshot is still read by every open transaction, and writing it conflicts', async () => {
    await db.collection('counters').add([{ _id: 'd', n: 3 }]);
    const txs = await Promise.all(clients(PARALLEL).map((c) => c.startTransaction()));
    await db.collection('counters').doc('d').remove();
    const reads = await Promise.all(txs.map((tx) => tx.collection('counters').doc('d').get()));
    for (const r of reads) assert.equal((r.data as unknown as Counter).n, 3);
    const writes = await Promise.allSettled(txs.map((tx) => tx.collection('counters').doc('d').update({ n: 4 })));
    for (const w of writes)
      assert.ok(w.status === 'rejected' && isConflict(w.reason), 'a write to a deleted document conflicts');
    assert.equal(await read('d'), undefined);
  });

  describe('write skew (as in MongoDB)', () => {
    beforeEach(async () => {
      await db
        .collection('doctors')
        .add(Array.from({ length: PARALLEL }, (_, i) => ({ _id: `doc${i}`, onCall: true })));
      await db.collection('counters').add([{ _id: 'onCall', n: PARALLEL }]);
    });

    const onCallNow = async () => (await db.collection('doctors').where({ onCall: true }).count()).total;

    it('two transactions writing different documents both commit, even when together they break a rule', async () => {
      const a = await db.startTransaction();
      const b = await db.startTransaction();
      // Each sees everyone on call and takes only itself off: disjoint writes, no conflict.
      assert.equal((await a.collection('doctors').where({ onCall: true }).count()).total, PARALLEL);
      assert.equal((await b.collection('doctors').where({ onCall: true }).count()).total, PARALLEL);
      await a.collection('doctors').doc('doc0').update({ onCall: false });
      await b.collection('doctors').doc('doc1').update({ onCall: false });
      await a.commit();
      await b.commit();
      assert.equal(await onCallNow(), PARALLEL - 2);
    });

    it(`${PARALLEL} parallel "leave if someone else stays" transactions keep at least one when they write a common document`, async () => {
      const outcomes = await Promise.all(
        clients(PARALLEL).map(async (client, i) => {
          for (;;) {
            try {
              return await client.runTransaction(async (tx: Tx) => {
                const counter = (await tx.collection('counters').doc('onCall').get()).data as unknown as Counter;
                if (counter.n <= 1) return 'stayed';
                await tx.collection('doctors').doc(`doc${i}`).update({ onCall: false });
                await tx
                  .collection('counters')
                  .doc('onCall')
                  .update({ n: counter.n - 1 });
                return 'left';
              }, 0);
            } catch (err) {
              if (!isConflict(err)) throw err;
              await new Promise((r) => setTimeout(r, Math.random() * 20));
            }
          }
        }),
      );
      assert.equal(outcomes.filter((o) => o === 'stayed').length, 1);
      assert.equal(await onCallNow(), 1);
      assert.equal((await read('onCall'))?.n, 1);
    });
  });
});

describe('emulator update errors: parity with CloudBase', () => {
  let emulator: RunningEmulator;
  let db: Db;

  before(async () => {
    emulator = await startTestEmulator();
    db = sdkFor(emulator).database();
    await db.createCollection('things');
    await db.collection('things').add([{ _id: 't', label: 'abc', n: 1, none: null }]);
  });
  after(() => emulator.close());

  const code = (expected: string) => (err: unknown) => {
    assert.equal((err as { code?: string }).code, expected, String((err as { message?: string }).message));
    return true;
  };

  it('$inc on a string field fails with DATABASE_REQUEST_FAILED and changes nothing', async () => {
    const _ = db.command;
    await assert.rejects(
      db
        .collection('things')
        .doc('t')
        .update({ label: _.inc(1), n: _.inc(1) }),
      code('DATABASE_REQUEST_FAILED'),
    );
    await assert.rejects(
      db
        .collection('things')
        .where({ _id: 't' })
        .update({ none: _.inc(1) }),
      code('DATABASE_REQUEST_FAILED'),
    );
    await assert.rejects(
      db
        .collection('things')
        .doc('t')
        .update({ label: _.mul(2) }),
      code('DATABASE_REQUEST_FAILED'),
    );
    const t = (await db.collection('things').doc('t').get()).data[0];
    assert.equal(t.label, 'abc');
    assert.equal(t.n, 1);
  });

  it('$inc on a missing field creates it, as MongoDB does', async () => {
    const _ = db.command;
    const res = await db
      .collection('things')
      .doc('t')
      .update({ fresh: _.inc(2) });
    assert.equal(res.updated, 1);
    assert.equal((await db.collection('things').doc('t').get()).data[0].fresh, 2);
  });

  it('inside a transaction the bad $inc fails the same way', async () => {
    const _ = db.command;
    const tx = await db.startTransaction();
    await assert.rejects(
      tx
        .collection('things')
        .doc('t')
        .update({ label: _.inc(1) }),
      code('DATABASE_REQUEST_FAILED'),
    );
    await tx.rollback();
  });

  it('an unknown update operator fails with INVALID_PARAM', async () => {
    await assert.rejects(
      db
        .collection('things')
        .where({ _id: 't' })
        .options({ raw: true })
        .update({ $frobnicate: { n: 1 } }),
      code('INVALID_PARAM'),
    );
    assert.equal((await db.collection('things').doc('t').get()).data[0].n, 1);
  });

  it('a non-numeric $inc argument fails with INVALID_PARAM', async () => {
    await assert.rejects(
      db
        .collection('things')
        .where({ _id: 't' })
        .options({ raw: true })
        .update({ $inc: { n: 'one' } }),
      code('INVALID_PARAM'),
    );
  });
});
