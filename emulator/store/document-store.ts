import Database from 'better-sqlite3';
import { dbErrors } from '../errors';
import { decodeStored, encodeStored, type Doc } from './ejson';
import { indexKeys, NULL_KEY, sameKeys, type KeyPart } from './index-keys';
import { AFTER, decodeKey, encodeKey, KEY_FORMAT } from './key-codec';
import { chooseQueryPlan, QueryLog, runPlan } from './planner';
import { VersionLog } from './versions';

/** A secondary index: dotted field paths in index order; unique over documents that have the fields. */
export interface IndexSpec {
  fields: string[];
  unique?: boolean;
}

/** A collection to create at start, with its indexes (the emulator is told its schema, it knows none). */
export interface CollectionSpec {
  name: string;
  indexes: readonly IndexSpec[];
}

const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** One index as the planner sees it: a SQLite table of encoded keys (key-codec.ts) and document ids. */
export interface IndexInfo {
  name: string;
  fields: string[];
  unique: boolean;
  table: string;
  /** Fields seen holding an array: MongoDB cannot use such an index to provide a sort on them. */
  multikeyFields: Set<string>;
  insert: Database.Statement;
  remove: Database.Statement;
  /** A non-unique index's recent entries, not yet merged into its table (absent for a unique index). */
  recent?: { table: string; insert: Database.Statement; remove: Database.Statement };
}

/** Bounds of one index scan: one point per leading field, then at most one range. */
export interface ScanBounds {
  points: KeyPart[];
  range?: { rank: number; lo?: { v: string | number; incl: boolean }; hi?: { v: string | number; incl: boolean } };
}

/** What a query examined, as MongoDB's explain executionStats reports it. */
export interface ScanCounter {
  keysExamined: number;
  docsExamined: number;
}

interface CollectionInfo {
  table: string;
  /** Document count kept with every write (MongoDB answers a whole-collection count from metadata). */
  size?: number;
  indexes: IndexInfo[];
  stmts: {
    get: Database.Statement;
    insert: Database.Statement;
    replace: Database.Statement;
    remove: Database.Statement;
    count: Database.Statement;
  };
}

export interface StoreOptions {
  /** SQLite file; omitted for an in-memory store. */
  file?: string;
  /** Recent index entries kept apart before they are merged into their indexes (tests make it small). */
  mergeRecentAt?: number;
}

/**
 * Recent entries of non-unique indexes are merged into the indexes once this many are waiting.
 * Storing 100k members with keys at random places (names, number tails, blind indexes) in 250-row
 * transactions took 6.5 s instead of 12.2 s, and 200k 15.9 s instead of 38.0 s (a scratch
 * measurement); 25k merged too often (6.9 s), 100k gained nothing more.
 */
const MERGE_RECENT_AT = 50_000;

/**
 * In a larger database the recent entries wait longer. A merge writes (and logs) every page of an
 * index that it touches, which in a large index is most of them however few entries it brings,
 * while the recent tables' own pages are written at every commit; the sum of the two is least for
 * a threshold that grows with the square root of the indexes' size, for which the database's size
 * stands in (about 2 KB a member with its keys): 50,000 up to 50k members, 70,000 at 100k, 100,000
 * at 200k, 220,000 at a million. Against a fixed 50,000: 200k member inserts (store-only, scratch)
 * took 13.5 s instead of 14.4 s, and `npm run bench -- emulator` added 100k members to 900k in
 * 4.7 s instead of 5.7 s, with the same read latency.
 */
function mergeThreshold(databaseBytes: number): number {
  return Math.max(MERGE_RECENT_AT, Math.round(5 * Math.sqrt(databaseBytes)));
}

/**
 * A durable document store: one SQLite table per collection holding EJSON documents, and one SQLite
 * table per declared index holding MongoDB-style index keys (multikey for arrays, compound in field
 * order). Matching, sorting and updating are mingo's job; the planner (planner.ts) chooses index
 * scans, and this class runs them and counts what they examined.
 */
export class DocumentStore {
  readonly db: Database.Database;
  private readonly collections = new Map<string, CollectionInfo>();
  /** Incremented on every committed write; a snapshot is the sequence at its start. */
  private writeSeq = 0;
  private readonly scanStmts = new Map<string, Database.Statement[]>();
  /** Recent queries with what they examined (explain), newest last. */
  readonly queryLog = new QueryLog();
  /** What documents looked like before each write, kept while a snapshot is open. */
  private readonly versions = new VersionLog();
  /**
   * A non-unique index's new entries go to a table of its recent entries, and every `mergeRecentAt`
   * of them are merged into the index's own table in key order. SQLite's log takes every page a
   * transaction changed, whole: an import's keys land at random places (blind indexes, names,
   * number tails), so each 250-row insert used to change, and log, most pages of every index, and
   * the more members there were, the more pages. The recent tables stay small, and a merge changes
   * each page of an index once for many inserts. MongoDB's own store logs the writes, not the pages
   * they change, so this keeps the emulator's cost of a write nearer to CloudBase's. Reads see both
   * tables, merged in key order by SQLite; the unique indexes are written directly, since SQLite
   * checks their uniqueness within one table.
   */
  private recentEntries = 0;
  private mergeRecentAt: number;
  /** The threshold a caller set, which stays; otherwise it follows the database's size. */
  private readonly fixedMergeAt: number | undefined;

  constructor(options: StoreOptions = {}) {
    this.fixedMergeAt = options.mergeRecentAt;
    this.mergeRecentAt = options.mergeRecentAt ?? MERGE_RECENT_AT;
    this.db = new Database(options.file ?? ':memory:');
    // SQLite's largest page, for a new database (an existing one keeps its own): an import writes
    // about ten index keys per member at random places, and with 64 KB pages its trees are shallower
    // and split less often. A 100k-row import went from 20.9 s to 19.0 s, reads stayed as fast
    // (`npm run bench -- import` and `-- console`).
    this.db.pragma('page_size = 65536');
    this.db.pragma('journal_mode = WAL');
    // Every commit still reaches the WAL file before the write is acknowledged, so a crashed or killed
    // emulator loses nothing it answered; only an operating-system crash or power cut could lose the
    // last commits, which a local emulator can afford. Skipping the fsync at each checkpoint took a
    // 100k-row import from 24.8 s to 20.6 s (`npm run bench -- import`).
    this.db.pragma('synchronous = OFF');
    // Index tables keyed by hashes (blind indexes) take each insert to a random page: a cache that holds
    // them saves re-reading pages on every batch, and a checkpoint every 256 MB of log rather than
    // every 4 MB copies a page that many batches dirtied once, not once per batch or two. Storing
    // 100k members in 250-row transactions committed in 2.4 s instead of 3.2 s with 32 MB (a scratch
    // measurement, three runs each). The log file keeps its size while the emulator runs (cutting
    // it back after each checkpoint cost more than the checkpoints saved) and is removed on close.
    this.db.pragma('cache_size = -65536');
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    this.db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.round((256 * 1048576) / pageSize))}`);
    const fresh = !this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = '_collections'").get();
    // Index keys written in an older encoding are of no use to today's reads: rebuilt from the documents.
    const staleKeys = !fresh && (this.db.pragma('user_version', { simple: true }) as number) < KEY_FORMAT;
    this.db.exec('CREATE TABLE IF NOT EXISTS _collections (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL)');
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS _indexes (name TEXT PRIMARY KEY, collection TEXT NOT NULL, fields TEXT NOT NULL, is_unique INTEGER NOT NULL, multikey TEXT NOT NULL)',
    );
    for (const row of this.db.prepare('SELECT name FROM _collections').all() as Array<{ name: string }>) {
      this.attach(row.name, staleKeys);
    }
    if (fresh || staleKeys) this.db.pragma(`user_version = ${KEY_FORMAT}`);
    this.resizeMerge();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  collectionNames(): string[] {
    return [...this.collections.keys()].sort();
  }

  hasCollection(name: string): boolean {
    return this.collections.has(name);
  }

  /** Returns false when the collection already existed. */
  createCollection(name: string): boolean {
    if (!COLLECTION_NAME.test(name)) throw dbErrors.invalidParam(`集合名称不合法: ${name}`);
    if (this.collections.has(name)) return false;
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${quote(`c:${name}`)} (id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID`,
    );
    this.db.prepare('INSERT OR IGNORE INTO _collections (name, created_at) VALUES (?, ?)').run(name, Date.now());
    this.attach(name, false);
    return true;
  }

  /** Creates the index (and fills it from the documents already stored) unless it exists. */
  ensureIndex(collection: string, spec: IndexSpec): void {
    const info = this.info(collection);
    for (const field of spec.fields) {
      if (!FIELD_PATH.test(field)) throw dbErrors.invalidParam(`索引字段不合法: ${field}`);
    }
    const name = indexName(collection, spec);
    if (info.indexes.some((ix) => ix.name === name)) return;
    const table = `k:${name}`;
    this.atomic(() => {
      this.createIndexTable(name, table, Boolean(spec.unique));
      this.db
        .prepare('INSERT INTO _indexes (name, collection, fields, is_unique, multikey) VALUES (?, ?, ?, ?, ?)')
        .run(name, collection, JSON.stringify(spec.fields), spec.unique ? 1 : 0, '[]');
      const ix = this.indexInfo(name, table, spec.fields, Boolean(spec.unique), []);
      info.indexes.push(ix);
      try {
        this.fillIndex(collection, ix);
      } catch (err) {
        info.indexes.pop();
        throw err;
      }
    });
  }

  /**
   * One table per index: the key as one string (key-codec.ts) and the document id. A unique
   * index is unique over the entries whose every field is present (`whole`), as MongoDB's unique
   * index over documents that have the fields.
   */
  private createIndexTable(name: string, table: string, unique: boolean): void {
    this.db.exec(
      `CREATE TABLE ${quote(table)} (key TEXT NOT NULL, id TEXT NOT NULL${unique ? ', whole INTEGER NOT NULL' : ''}, PRIMARY KEY (key, id)) WITHOUT ROWID`,
    );
    if (unique) this.db.exec(`CREATE UNIQUE INDEX ${quote(`u:${name}`)} ON ${quote(table)} (key) WHERE whole = 1`);
    else this.createRecentTable(name);
  }

  /** The table of a non-unique index's recent entries (made when first needed: data folders from before it have none). */
  private createRecentTable(name: string): void {
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${quote(`r:${name}`)} (key TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID`,
    );
  }

  /** Moves every recent entry into its index, in key order; runs within the write that makes them too many. */
  private mergeRecent(): void {
    for (const info of this.collections.values()) {
      for (const ix of info.indexes) {
        if (!ix.recent) continue;
        const [table, recent] = [quote(ix.table), quote(ix.recent.table)];
        this.db.exec(`INSERT INTO ${table} (key, id) SELECT key, id FROM ${recent}; DELETE FROM ${recent}`);
      }
    }
    this.recentEntries = 0;
    this.resizeMerge();
  }

  private resizeMerge(): void {
    if (this.fixedMergeAt !== undefined) return;
    const bytes =
      (this.db.pragma('page_count', { simple: true }) as number) *
      (this.db.pragma('page_size', { simple: true }) as number);
    this.mergeRecentAt = mergeThreshold(bytes);
  }

  /**
   * Writes the keys of every stored document into a new (empty) index, a page of documents at a time
   * (SQLite's connection cannot write while a statement is still reading).
   */
  private fillIndex(collection: string, ix: IndexInfo): void {
    const page = this.db.prepare(
      `SELECT id, doc FROM ${quote(this.info(collection).table)} WHERE id > ? ORDER BY id LIMIT 500`,
    );
    // SQLite sorts every number below every string: -1 is below the first id, even an empty one.
    for (let after: string | number = -1; ;) {
      const rows = page.all(after) as Array<{ id: string; doc: string }>;
      if (rows.length === 0) return;
      for (const row of rows) {
        const doc = decodeStored(row.doc);
        try {
          this.writeKeys(ix, doc._id, [], indexKeys(doc, ix.fields));
        } catch (err) {
          throw asDuplicate(err, collection, doc._id);
        }
      }
      after = rows[rows.length - 1].id;
    }
  }

  indexes(collection: string): readonly IndexInfo[] {
    return this.info(collection).indexes;
  }

  get(collection: string, id: string): Doc | undefined {
    const row = this.info(collection).stmts.get.get(id) as { doc: string } | undefined;
    return row ? decodeStored(row.doc) : undefined;
  }

  /** Reads one document for a query plan, counting it as examined. */
  fetch(collection: string, id: string, counter: ScanCounter): Doc | undefined {
    counter.docsExamined += 1;
    return this.get(collection, id);
  }

  /** Every document in _id order, counted as a collection scan examines them. */
  *scanCollection(collection: string, counter: ScanCounter): Generator<Doc> {
    const sql = `SELECT doc FROM ${quote(this.info(collection).table)}`;
    const stmt = this.statementFor(sql);
    try {
      for (const row of stmt.iterate() as Iterable<{ doc: string }>) {
        counter.docsExamined += 1;
        yield decodeStored(row.doc);
      }
    } finally {
      this.releaseStatement(sql, stmt);
    }
  }

  /**
   * Walks one index between bounds, in key order (then _id order) or the reverse, yielding the id and
   * the key of each entry. Several scans may be open at once (a merge of $in points).
   */
  *scan(
    index: IndexInfo,
    bounds: ScanBounds,
    direction: 1 | -1,
    counter: ScanCounter,
  ): Generator<{ id: string; key: KeyPart[] }> {
    const dir = direction === 1 ? 'ASC' : 'DESC';
    const entries = entriesSql(index, 'key, id', boundsSql(bounds));
    const sql = `${entries.sql} ORDER BY key ${dir}, id ${dir}`;
    const stmt = this.statementFor(sql);
    try {
      for (const row of stmt.raw(true).iterate(...entries.params) as Iterable<[string, string]>) {
        counter.keysExamined += 1;
        yield { id: row[1], key: decodeKey(row[0]) };
      }
    } finally {
      this.releaseStatement(sql, stmt);
    }
  }

  /**
   * The ids of the entries of many whole keys (a point on every field, e.g. an `$in` of 2,000 blind
   * indexes), in `_id` order (or the reverse): one SQLite statement instead of one scan per key, and
   * the same entries in the same order as merging one scan per key would give (with nothing after
   * the points, the merge orders by `_id`). The caller keeps the parameters (the keys, once per table
   * of the index) within SQLite's limit; the statement is kept for the next list of as many keys.
   */
  scanWholeKeys(index: IndexInfo, keys: KeyPart[][], direction: 1 | -1, counter: ScanCounter): string[] {
    if (keys.length === 0) return [];
    const dir = direction === 1 ? 'ASC' : 'DESC';
    const entries = entriesSql(index, 'id', {
      where: ` WHERE key IN (${'?, '.repeat(keys.length - 1)}?)`,
      params: keys.map((k) => encodeKey(k)),
    });
    const sql = `${entries.sql} ORDER BY id ${dir}`;
    const stmt = this.statementFor(sql);
    try {
      const ids = stmt.pluck().all(...entries.params) as string[];
      counter.keysExamined += ids.length;
      return ids;
    } finally {
      this.releaseStatement(sql, stmt);
    }
  }

  /**
   * How many index entries lie between the bounds, up to `limit` (-1: all), counted by SQLite without handing
   * each key over. Equals the number of documents only when no document can have two entries there
   * (the caller's judgement: no multikey field outside the bounded points).
   */
  countKeys(index: IndexInfo, bounds: ScanBounds, limit: number, counter: ScanCounter): number {
    const entries = entriesSql(index, '1', boundsSql(bounds));
    const sql = `SELECT COUNT(*) AS n FROM (${entries.sql} LIMIT ?)`;
    const stmt = this.statementFor(sql);
    try {
      const n = (stmt.get(...entries.params, limit) as { n: number }).n;
      counter.keysExamined += n;
      return n;
    } finally {
      this.releaseStatement(sql, stmt);
    }
  }

  /** Candidate documents for a MongoDB query: a superset of the matches, found by the best plan. */
  candidates(collection: string, query: Record<string, unknown> | undefined): Doc[] {
    const counter: ScanCounter = { keysExamined: 0, docsExamined: 0 };
    const plan = chooseQueryPlan(this.indexes(collection), query ?? {}, undefined);
    return [...runPlan(this, collection, plan, counter)];
  }

  count(collection: string): number {
    const info = this.info(collection);
    info.size ??= (info.stmts.count.get() as { n: number }).n;
    return info.size;
  }

  /**
   * Inserts all or none; a duplicate _id or unique-index value fails the whole batch. `texts[i]`, when
   * given, is `encodeStored(docs[i])` already made (from the SDK's text: `storedText`).
   */
  insertMany(collection: string, docs: Doc[], texts: ReadonlyArray<string | undefined> = []): void {
    const info = this.info(collection);
    this.atomic(() => {
      for (const [i, doc] of docs.entries()) {
        try {
          info.stmts.insert.run(doc._id, texts[i] ?? encodeStored(doc));
          for (const ix of info.indexes) this.writeKeys(ix, doc._id, [], indexKeys(doc, ix.fields));
        } catch (err) {
          throw asDuplicate(err, collection, doc._id);
        }
        this.noteWrite(collection, doc._id, undefined);
      }
      if (info.size !== undefined) info.size += docs.length;
    });
  }

  /** Writes a document whole, creating it if absent. */
  put(collection: string, doc: Doc): void {
    const info = this.info(collection);
    this.atomic(() => {
      const before = this.get(collection, doc._id);
      try {
        info.stmts.replace.run(doc._id, encodeStored(doc));
        if (!before && info.size !== undefined) info.size += 1;
        for (const ix of info.indexes)
          this.writeKeys(ix, doc._id, indexKeys(before, ix.fields), indexKeys(doc, ix.fields));
      } catch (err) {
        throw asDuplicate(err, collection, doc._id);
      }
      this.noteWrite(collection, doc._id, before);
    });
  }

  remove(collection: string, id: string): boolean {
    const info = this.info(collection);
    return this.atomic(() => {
      const before = info.indexes.length || this.versions.active ? this.get(collection, id) : undefined;
      for (const ix of info.indexes) this.writeKeys(ix, id, indexKeys(before, ix.fields), []);
      const removed = info.stmts.remove.run(id).changes > 0;
      if (removed && info.size !== undefined) info.size -= 1;
      if (removed) this.noteWrite(collection, id, before);
      return removed;
    });
  }

  /** Runs fn in one SQLite transaction: every write in it lands, or none does. */
  atomic<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    const seq = this.writeSeq;
    const retained = this.versions.retained;
    const recent = this.recentEntries;
    try {
      return this.db.transaction(() => {
        const result = fn();
        if (this.recentEntries >= this.mergeRecentAt) this.mergeRecent();
        return result;
      })();
    } catch (err) {
      // Rolled back: the kept counts may include writes that did not land, so count afresh; and the
      // versions it recorded never happened, so they must not cause conflicts.
      for (const info of this.collections.values()) info.size = undefined;
      this.recentEntries = recent;
      this.writeSeq = seq;
      this.versions.truncate(retained);
      throw err;
    }
  }

  get currentSeq(): number {
    return this.writeSeq;
  }

  /** Pins the current state for snapshot reads; returns the snapshot's sequence. */
  openSnapshot(): number {
    this.versions.pin(this.writeSeq);
    return this.writeSeq;
  }

  private writeKeys(ix: IndexInfo, id: string, before: KeyPart[][], after: KeyPart[][]): void {
    if (before.length > 0 && sameKeys(before, after)) return;
    for (const key of before) {
      const encoded = encodeKey(key);
      // An entry is in the index's table or among its recent ones, never in both.
      if (ix.remove.run(encoded, id).changes === 0 && ix.recent?.remove.run(encoded, id).changes)
        this.recentEntries -= 1;
    }
    for (const key of after) {
      if (ix.unique) ix.insert.run(encodeKey(key), id, key.every((p) => p[0] !== NULL_KEY[0]) ? 1 : 0);
      else (ix.recent ?? ix).insert.run(encodeKey(key), id);
    }
    if (ix.recent) this.recentEntries += after.length;
    if (after.length > 1) this.noteMultikey(ix, after);
  }

  /** Marks the fields whose values differ between one document's keys (an array there): MongoDB's multikey paths. */
  private noteMultikey(ix: IndexInfo, keys: KeyPart[][]): void {
    const fresh = ix.fields.filter(
      (f, i) => !ix.multikeyFields.has(f) && keys.some((k) => k[i][0] !== keys[0][i][0] || k[i][1] !== keys[0][i][1]),
    );
    if (fresh.length === 0) return;
    for (const f of fresh) ix.multikeyFields.add(f);
    this.db
      .prepare('UPDATE _indexes SET multikey = ? WHERE name = ?')
      .run(JSON.stringify([...ix.multikeyFields]), ix.name);
  }

  /** A prepared statement for this SQL that is not in the middle of another scan. */
  private statementFor(sql: string): Database.Statement {
    const pool = this.scanStmts.get(sql) ?? [];
    this.scanStmts.set(sql, pool);
    return pool.pop() ?? this.db.prepare(sql);
  }

  private releaseStatement(sql: string, stmt: Database.Statement): void {
    const pool = this.scanStmts.get(sql);
    if (pool && pool.length < 4) pool.push(stmt);
  }

  closeSnapshot(seq: number): void {
    this.versions.release(seq);
  }

  /** Sequence of the document's last write, when that is newer than the oldest open snapshot (else 0). */
  lastWrite(collection: string, id: string): number {
    return this.versions.lastWrite(collection, id);
  }

  /** One document as of an open snapshot. */
  getAt(collection: string, id: string, seq: number): Doc | undefined {
    const old = this.versions.at(collection, id, seq);
    return old === 'current' ? this.get(collection, id) : old;
  }

  /** Candidates (a superset of the matches) as of an open snapshot. */
  candidatesAt(collection: string, query: Record<string, unknown> | undefined, seq: number): Doc[] {
    const changed = this.versions.changedSince(collection, seq);
    const current = this.candidates(collection, query);
    if (changed.size === 0) return current;
    const out = current.filter((d) => !changed.has(String(d._id)));
    for (const doc of changed.values()) if (doc) out.push(doc);
    return out;
  }

  private noteWrite(collection: string, id: string, before: Doc | undefined): void {
    this.writeSeq += 1;
    if (this.versions.active) this.versions.record(collection, id, this.writeSeq, before);
  }

  private info(collection: string): CollectionInfo {
    const info = this.collections.get(collection);
    if (!info) throw dbErrors.collectionNotExist(collection);
    return info;
  }

  private indexInfo(name: string, table: string, fields: string[], unique: boolean, multikey: string[]): IndexInfo {
    const t = quote(table);
    const r = quote(`r:${name}`);
    return {
      name,
      fields,
      unique,
      table,
      multikeyFields: new Set(multikey),
      insert: this.db.prepare(
        unique ? `INSERT INTO ${t} (key, id, whole) VALUES (?, ?, ?)` : `INSERT INTO ${t} (key, id) VALUES (?, ?)`,
      ),
      remove: this.db.prepare(`DELETE FROM ${t} WHERE key = ? AND id = ?`),
      recent: unique
        ? undefined
        : {
            table: `r:${name}`,
            insert: this.db.prepare(`INSERT INTO ${r} (key, id) VALUES (?, ?)`),
            remove: this.db.prepare(`DELETE FROM ${r} WHERE key = ? AND id = ?`),
          },
    };
  }

  private attach(name: string, staleKeys: boolean): void {
    const table = `c:${name}`;
    const t = quote(table);
    const rows = this.db
      .prepare('SELECT name, fields, is_unique, multikey FROM _indexes WHERE collection = ? ORDER BY rowid')
      .all(name) as Array<{ name: string; fields: string; is_unique: number; multikey: string }>;
    const stale = rows.filter((r) => this.dropStaleIndexTable(r.name, r.is_unique === 1, staleKeys));
    for (const r of rows) {
      if (r.is_unique === 1) continue;
      this.createRecentTable(r.name);
      this.recentEntries += (
        this.db.prepare(`SELECT count(*) AS n FROM ${quote(`r:${r.name}`)}`).get() as { n: number }
      ).n;
    }
    const info: CollectionInfo = {
      table,
      indexes: rows.map((r) =>
        this.indexInfo(
          r.name,
          `k:${r.name}`,
          JSON.parse(r.fields) as string[],
          r.is_unique === 1,
          JSON.parse(r.multikey) as string[],
        ),
      ),
      stmts: {
        get: this.db.prepare(`SELECT doc FROM ${t} WHERE id = ?`),
        insert: this.db.prepare(`INSERT INTO ${t} (id, doc) VALUES (?, ?)`),
        replace: this.db.prepare(
          `INSERT INTO ${t} (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc`,
        ),
        remove: this.db.prepare(`DELETE FROM ${t} WHERE id = ?`),
        count: this.db.prepare(`SELECT count(*) AS n FROM ${t}`),
      },
    };
    this.collections.set(name, info);
    for (const r of stale) {
      this.atomic(() => this.fillIndex(name, info.indexes.find((ix) => ix.name === r.name) as IndexInfo));
    }
  }

  /**
   * An index table written in an older key encoding (`staleKeys`: KEY_FORMAT, which also covers the
   * layout before index keys were one string, two columns a key part) is replaced, with its recent
   * entries, by an empty one in today's (filled again once the collection is attached). Returns
   * whether it was.
   */
  private dropStaleIndexTable(name: string, unique: boolean, staleKeys: boolean): boolean {
    if (!staleKeys) return false;
    const table = `k:${name}`;
    this.atomic(() => {
      this.db.exec(`DROP TABLE IF EXISTS ${quote(table)}`);
      this.db.exec(`DROP TABLE IF EXISTS ${quote(`r:${name}`)}`);
      this.createIndexTable(name, table, unique);
    });
    return true;
  }
}

export function docKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

function indexName(collection: string, spec: IndexSpec): string {
  return `${collection}:${spec.fields.join(',')}${spec.unique ? ':u' : ''}`;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

function asDuplicate(err: unknown, collection: string, id: string): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return dbErrors.duplicateWrite(`collection ${collection} index: _id dup key: ${id}`);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE')
    return dbErrors.duplicateWrite(`collection ${collection} unique index (document ${id})`);
  return err;
}

/**
 * A SELECT of an index's entries that match `where`: from its table and, for a non-unique index,
 * its recent entries too (an ORDER BY after it makes SQLite merge the two ordered scans).
 */
function entriesSql(
  index: IndexInfo,
  columns: string,
  { where, params }: { where: string; params: string[] },
): { sql: string; params: string[] } {
  const from = (table: string) => `SELECT ${columns} FROM ${quote(table)}${where}`;
  if (!index.recent) return { sql: from(index.table), params };
  return { sql: `${from(index.table)} UNION ALL ${from(index.recent.table)}`, params: [...params, ...params] };
}

/**
 * The WHERE clause of an index scan: one point per leading field, then at most one range, as bounds
 * on the encoded key (key-codec.ts: a key followed by AFTER is above every key that extends it).
 */
function boundsSql(bounds: ScanBounds): { where: string; params: string[] } {
  const r = bounds.range;
  let lo: string;
  let hi: string;
  if (!r) {
    if (bounds.points.length === 0) return { where: '', params: [] };
    lo = encodeKey(bounds.points);
    hi = encodeKey(bounds.points, AFTER);
  } else {
    const at = (v: string | number, extra = '') => encodeKey([...bounds.points, [r.rank, v]], extra);
    lo = r.lo ? (r.lo.incl ? at(r.lo.v) : at(r.lo.v, AFTER)) : encodeKey(bounds.points, String.fromCharCode(r.rank));
    hi = r.hi
      ? r.hi.incl
        ? at(r.hi.v, AFTER)
        : at(r.hi.v)
      : encodeKey(bounds.points, String.fromCharCode(r.rank + 1));
  }
  return { where: ' WHERE key >= ? AND key < ?', params: [lo, hi] };
}
