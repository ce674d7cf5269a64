import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { keyOf, NULL_KEY, type KeyPart } from '../../emulator/store/index-keys';
import { AFTER, decodeKey, encodeKey } from '../../emulator/store/key-codec';

/** MongoDB's order of two index keys: type rank, then numbers by value and strings by UTF-8 bytes. */
function referenceOrder(a: KeyPart[], b: KeyPart[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i][0] !== b[i][0]) return a[i][0] - b[i][0];
    const [x, y] = [a[i][1], b[i][1]];
    const c =
      typeof x === 'number' && typeof y === 'number'
        ? x < y
          ? -1
          : x > y
            ? 1
            : 0
        : Buffer.compare(Buffer.from(String(x)), Buffer.from(String(y)));
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

const VALUES: unknown[] = [
  null,
  -Infinity,
  -1e300,
  -2.5,
  -1,
  -0,
  0,
  1e-300,
  0.5,
  1,
  2,
  3.25,
  1e15,
  Infinity,
  '',
  '\u0000',
  '\u0000a',
  'a',
  'a\u0000',
  'a\u0000b',
  'a\u0001',
  'ab',
  'b',
  '王',
  '王小明',
  '#0411',
  '\u{20000}',
  '\uffff',
  false,
  true,
  new Date(-86_400_000),
  new Date(0),
  new Date(1_700_000_000_000),
  { a: 1 },
  [1, 2],
];

describe('emulator index key encoding', () => {
  const keys: KeyPart[][] = [];
  for (const x of VALUES) for (const y of [null, 'x', 7, new Date(5)]) keys.push([keyOf(x), keyOf(y)]);
  for (const x of VALUES) keys.push([keyOf(x)]);

  it('decodes every key to the parts it was made of', () => {
    for (const key of keys) {
      const expected = key.map(([rank, v]) => [rank, Object.is(v, -0) ? 0 : v]);
      assert.deepEqual(decodeKey(encodeKey(key)), expected, JSON.stringify(key));
    }
  });

  it('sorts in SQLite (BINARY collation) exactly as MongoDB orders the keys', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE k (key TEXT NOT NULL, n INTEGER NOT NULL)');
    const insert = db.prepare('INSERT INTO k VALUES (?, ?)');
    keys.forEach((key, n) => insert.run(encodeKey(key), n));
    const bySqlite = (db.prepare('SELECT n FROM k ORDER BY key, n').pluck().all() as number[]).map((n) => keys[n]);
    const byReference = keys
      .map((key, n) => ({ key, n }))
      .sort((a, b) => referenceOrder(a.key, b.key) || a.n - b.n)
      .map((e) => e.key);
    // Equal keys (-0 and 0) keep insertion order in both.
    assert.deepEqual(
      bySqlite.map((k) => JSON.stringify(encodeKey(k))),
      byReference.map((k) => JSON.stringify(encodeKey(k))),
    );
    db.close();
  });

  it('bounds every key that extends a prefix between the prefix and the prefix followed by AFTER', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE k (key TEXT NOT NULL PRIMARY KEY)');
    const insert = db.prepare('INSERT OR IGNORE INTO k VALUES (?)');
    for (const key of keys) insert.run(encodeKey(key));
    for (const x of VALUES) {
      const prefix: KeyPart[] = [keyOf(x)];
      const inRange = db
        .prepare('SELECT key FROM k WHERE key >= ? AND key < ? ORDER BY key')
        .pluck()
        .all(encodeKey(prefix), encodeKey(prefix, AFTER)) as string[];
      const expected = [
        ...new Set(keys.filter((k) => referenceOrder(k.slice(0, 1), prefix) === 0).map((k) => encodeKey(k))),
      ].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      assert.deepEqual(inRange, expected, `prefix ${JSON.stringify(prefix)}`);
    }
    db.close();
  });

  it('keeps the null key below every other', () => {
    assert.ok(Buffer.compare(Buffer.from(encodeKey([NULL_KEY])), Buffer.from(encodeKey([keyOf(-Infinity)]))) < 0);
  });
});
