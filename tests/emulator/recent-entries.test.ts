import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseEngine } from '../../emulator/database/engine';
import { DocumentStore } from '../../emulator/store/document-store';

/**
 * A non-unique index keeps its newest entries in a table of recent entries until enough are waiting
 * to merge them into the index. Whatever is merged or not, every query answers as if there were one
 * table: the same store is run with merges every few dozen entries and with none, side by side, and
 * both answer as a store without indexes does (a collection scan, sorted in memory).
 */
describe('emulator index entries kept apart until merged', () => {
  const dirs: string[] = [];
  const open = (mergeRecentAt: number, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recent-'))) => {
    dirs.push(dir);
    const store = new DocumentStore({ file: path.join(dir, 'db.sqlite'), mergeRecentAt });
    return { store, engine: new DatabaseEngine(store), dir };
  };
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  const rows = (store: DocumentStore, table: string) =>
    (store.db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
  const recentEntries = (store: DocumentStore) =>
    store.indexes('people').reduce((n, ix) => n + (ix.recent ? rows(store, ix.recent.table) : 0), 0);

  /** The people, their indexes unless `indexed` is false (then every query scans the collection and sorts). */
  function setUp(store: DocumentStore, engine: DatabaseEngine, indexed = true): void {
    store.createCollection('people');
    if (indexed) {
      store.ensureIndex('people', { fields: ['unionId', 'status', 'joinedAt', '_id'] });
      store.ensureIndex('people', { fields: ['tokens'] });
      store.ensureIndex('people', { fields: ['code'], unique: true });
    }
    for (let n = 0; n < 60; n += 6) {
      engine.insert(
        'people',
        Array.from({ length: 6 }, (_, i) => ({
          _id: `p${String(n + i).padStart(3, '0')}`,
          unionId: `u${(n + i) % 3}`,
          status: (n + i) % 5 === 0 ? 'removed' : 'active',
          joinedAt: new Date(1_700_000_000_000 + (((n + i) * 37) % 60) * 1000),
          tokens: [`t${(n + i) % 4}`, `t${(n + i) % 7}`],
          code: `c${n + i}`,
        })),
      );
    }
    // Entries that move (a token changed) and entries that go (a person removed).
    engine.modify({
      collection: 'people',
      query: { unionId: 'u1' },
      data: { $set: { tokens: ['moved'] } },
      multi: true,
      merge: true,
      upsert: false,
    });
    engine.remove('people', { tokens: 't3' }, true);
  }

  function answers(engine: DatabaseEngine) {
    return {
      newestActive: engine
        .find('people', { unionId: 'u0', status: 'active' }, { sort: { joinedAt: -1, _id: -1 }, limit: 5 })
        .map((d) => d._id),
      afterCursor: engine
        .find(
          'people',
          { unionId: 'u2', status: 'active', joinedAt: { $lt: new Date(1_700_000_030_000) } },
          { sort: { joinedAt: -1, _id: -1 } },
        )
        .map((d) => d._id),
      moved: engine.find('people', { tokens: 'moved' }).map((d) => d._id),
      anyOf: engine.find('people', { tokens: { $in: ['t1', 't5'] } }).map((d) => d._id),
      removedGone: engine.count('people', { tokens: 't3' }),
      counted: engine.count('people', { unionId: 'u0', status: 'active' }),
      byCode: engine.find('people', { code: 'c12' }).map((d) => d._id),
    };
  }

  it('answers the same whether the entries were merged into their indexes or not', () => {
    const unmerged = open(Number.MAX_SAFE_INTEGER);
    const merged = open(37);
    const plain = open(37);
    setUp(unmerged.store, unmerged.engine);
    setUp(merged.store, merged.engine);
    setUp(plain.store, plain.engine, false);

    assert.ok(recentEntries(unmerged.store) > 100, 'nothing merged: every entry is still a recent one');
    // Merged as they went, and some still waiting: each index answers from both of its tables.
    for (const ix of merged.store.indexes('people').filter((i) => i.recent))
      assert.ok(rows(merged.store, ix.table) > 0 && rows(merged.store, ix.recent?.table ?? '') > 0, ix.name);
    const expected = answers(plain.engine);
    assert.deepEqual(answers(unmerged.engine), expected);
    assert.deepEqual(answers(merged.engine), expected);
    // The answers are the data's, not two empty lists that agree.
    assert.equal(expected.newestActive.length, 5);
    assert.ok(expected.afterCursor.length > 0 && expected.moved.length === 20 && expected.anyOf.length > 0);
    assert.equal(expected.removedGone, 0);
    assert.deepEqual(expected.byCode, ['p012']);
    for (const s of [unmerged, merged, plain]) s.store.close();
  });

  it('keeps waiting entries across a restart and merges them once enough are waiting', () => {
    const first = open(1000);
    setUp(first.store, first.engine);
    const before = answers(first.engine);
    const waiting = recentEntries(first.store);
    assert.ok(waiting > 0);
    first.store.close();

    const reopened = open(waiting + 3, first.dir);
    assert.deepEqual(answers(reopened.engine), before);
    // One more person: two token entries and one in the other index make three, and a merge.
    reopened.engine.insert('people', [
      { _id: 'p900', unionId: 'u0', status: 'active', joinedAt: new Date(), tokens: ['t0', 'new'] },
    ]);
    assert.equal(recentEntries(reopened.store), 0);
    assert.deepEqual(
      reopened.engine.find('people', { tokens: 'new' }).map((d) => d._id),
      ['p900'],
    );
    reopened.store.close();
  });

  it('a write that fails lands none of its entries and merges nothing', () => {
    const { store, engine } = open(4);
    store.createCollection('people');
    store.ensureIndex('people', { fields: ['tokens'] });
    store.ensureIndex('people', { fields: ['code'], unique: true });
    engine.insert('people', [{ _id: 'a', tokens: ['x'], code: 'same' }]);
    assert.equal(recentEntries(store), 1);
    assert.throws(() =>
      engine.insert('people', [
        { _id: 'b', tokens: ['x', 'y', 'z'] },
        { _id: 'c', tokens: ['x'], code: 'same' },
      ]),
    );
    assert.equal(recentEntries(store), 1);
    assert.deepEqual(
      engine.find('people', { tokens: 'x' }).map((d) => d._id),
      ['a'],
    );
    // The count of waiting entries was put back too: one more makes two, two more make four, and four merge.
    engine.insert('people', [{ _id: 'd', tokens: ['p'] }]);
    assert.equal(recentEntries(store), 2);
    engine.insert('people', [{ _id: 'e', tokens: ['q', 'r'] }]);
    assert.equal(recentEntries(store), 0);
    assert.deepEqual(
      engine.find('people', { tokens: { $in: ['x', 'p', 'q'] } }).map((d) => d._id),
      ['a', 'd', 'e'],
    );
    store.close();
  });
});
