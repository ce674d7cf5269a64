import Database from 'better-sqlite3';
import type { IndexSpec } from '../../cloudfunctions/shared/collections';
import { dbErrors } from '../errors';
import { decodeStored, encodeStored, type Doc } from './ejson';
import { VersionLog } from './versions';

const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

type Scalar = string | number | boolean | null;

/** How a query narrows the rows SQLite reads before mingo applies the full MongoDB semantics. */
interface Plan {
  sql: string;
  params: unknown[];
}

interface CollectionInfo {
  table: string;
  /** First field of every index, the fields the planner can narrow by. */
  indexedFields: Set<string>;
  stmts: {
    get: Database.Statement;
    insert: Database.Statement;
    replace: Database.Statement;
    remove: Database.Statement;
    all: Database.Statement;
    count: Database.Statement;
  };
}

export interface StoreOptions {
  /** SQLite file; omitted for an in-memory store. */
  file?: string;
}

/**
 * A durable document store: one SQLite table per collection holding EJSON documents, with expression
 * indexes on the fields the domain queries. Matching, sorting and updating are mingo's job; this class
 * only finds candidate rows fast and writes them atomically.
 */
export class DocumentStore {
  readonly db: Database.Database;
  private readonly collections = new Map<string, CollectionInfo>();
  /** Incremented on every committed write; a snapshot is the sequence at its start. */
  private writeSeq = 0;
  /** What documents looked like before each write, kept while a snapshot is open. */
  private readonly versions = new VersionLog();

  constructor(options: StoreOptions = {}) {
    this.db = new Database(options.file ?? ':memory:');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS _collections (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL)');
    for (const row of this.db.prepare('SELECT name FROM _collections').all() as Array<{ name: string }>) {
      this.attach(row.name);
    }
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
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${quote(`c:${name}`)} (id TEXT PRIMARY KEY, doc TEXT NOT NULL) WITHOUT ROWID`);
    this.db.prepare('INSERT OR IGNORE INTO _collections (name, created_at) VALUES (?, ?)').run(name, Date.now());
    this.attach(name);
    return true;
  }

  ensureIndex(collection: string, spec: IndexSpec): void {
    const info = this.info(collection);
    for (const field of spec.fields) {
      if (!FIELD_PATH.test(field)) throw dbErrors.invalidParam(`索引字段不合法: ${field}`);
    }
    const name = `ix:${collection}:${spec.fields.join(',')}${spec.unique ? ':u' : ''}`;
    const columns = spec.fields.map(extractExpr).join(', ');
    this.db.exec(`CREATE ${spec.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quote(name)} ON ${quote(info.table)} (${columns})`);
    info.indexedFields.add(spec.fields[0]);
  }

  get(collection: string, id: string): Doc | undefined {
    const row = this.info(collection).stmts.get.get(id) as { doc: string } | undefined;
    return row ? decodeStored(row.doc) : undefined;
  }

  /** Candidate documents for a MongoDB query: a superset of the matches, narrowed by _id or an index. */
  candidates(collection: string, query: Record<string, unknown> | undefined): Doc[] {
    const info = this.info(collection);
    const plan = planQuery(query, info.indexedFields);
    const rows = plan
      ? (this.db.prepare(`SELECT doc FROM ${quote(info.table)} WHERE ${plan.sql}`).all(...plan.params) as Array<{ doc: string }>)
      : (info.stmts.all.all() as Array<{ doc: string }>);
    return rows.map((r) => decodeStored(r.doc));
  }

  count(collection: string): number {
    return (this.info(collection).stmts.count.get() as { n: number }).n;
  }

  /** Inserts all or none; a duplicate _id or unique-index value fails the whole batch. */
  insertMany(collection: string, docs: Doc[]): void {
    const info = this.info(collection);
    this.atomic(() => {
      for (const doc of docs) {
        try {
          info.stmts.insert.run(doc._id, encodeStored(doc));
        } catch (err) {
          throw asDuplicate(err, collection, doc._id);
        }
        this.noteWrite(collection, doc._id, undefined);
      }
    });
  }

  /** Writes a document whole, creating it if absent. */
  put(collection: string, doc: Doc): void {
    const info = this.info(collection);
    const before = this.versions.active ? this.get(collection, doc._id) : undefined;
    try {
      info.stmts.replace.run(doc._id, encodeStored(doc));
    } catch (err) {
      throw asDuplicate(err, collection, doc._id);
    }
    this.noteWrite(collection, doc._id, before);
  }

  remove(collection: string, id: string): boolean {
    const before = this.versions.active ? this.get(collection, id) : undefined;
    const changed = this.info(collection).stmts.remove.run(id).changes > 0;
    if (changed) this.noteWrite(collection, id, before);
    return changed;
  }

  /** Runs fn in one SQLite transaction: every write in it lands, or none does. */
  atomic<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    const seq = this.writeSeq;
    const retained = this.versions.retained;
    try {
      return this.db.transaction(fn)();
    } catch (err) {
      // Rolled back: the versions it recorded never happened, so they must not cause conflicts.
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

  private attach(name: string): void {
    const table = `c:${name}`;
    const t = quote(table);
    const indexedFields = new Set<string>();
    const indexes = this.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name LIKE 'ix:%'")
      .all(table) as Array<{ name: string }>;
    for (const { name: ix } of indexes) indexedFields.add(ix.split(':')[2].split(',')[0]);
    this.collections.set(name, {
      table,
      indexedFields,
      stmts: {
        get: this.db.prepare(`SELECT doc FROM ${t} WHERE id = ?`),
        insert: this.db.prepare(`INSERT INTO ${t} (id, doc) VALUES (?, ?)`),
        replace: this.db.prepare(`INSERT INTO ${t} (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc`),
        remove: this.db.prepare(`DELETE FROM ${t} WHERE id = ?`),
        all: this.db.prepare(`SELECT doc FROM ${t}`),
        count: this.db.prepare(`SELECT count(*) AS n FROM ${t}`),
      },
    });
  }
}

export function docKey(collection: string, id: string): string {
  return `${collection}\u0000${id}`;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

function extractExpr(field: string): string {
  return `json_extract(doc, '$.${field}')`;
}

function asDuplicate(err: unknown, collection: string, id: string): unknown {
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return dbErrors.duplicateWrite(`collection ${collection} index: _id dup key: ${id}`);
  if (code === 'SQLITE_CONSTRAINT_UNIQUE') return dbErrors.duplicateWrite(`collection ${collection} unique index (document ${id})`);
  return err;
}

function isScalar(v: unknown): v is Scalar {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

function sqlValue(v: Scalar): unknown {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

/** Values a condition on one field pins the field to, if it is a plain equality or $in. */
function pinnedValues(condition: unknown): Scalar[] | undefined {
  if (isScalar(condition)) return condition === null ? undefined : [condition];
  if (condition && typeof condition === 'object' && !Array.isArray(condition) && !(condition instanceof RegExp) && !(condition instanceof Date)) {
    const c = condition as Record<string, unknown>;
    if ('$eq' in c && isScalar(c.$eq) && c.$eq !== null) return [c.$eq];
    if ('$in' in c && Array.isArray(c.$in) && c.$in.length > 0 && c.$in.every((v) => isScalar(v) && v !== null)) {
      return c.$in as Scalar[];
    }
  }
  return undefined;
}

/**
 * Picks one equality on _id or on an indexed field, searching the top level and top-level $and.
 * mingo re-checks every candidate, so the plan only has to be a superset of the matches.
 */
export function planQuery(query: Record<string, unknown> | undefined, indexed: Set<string>): Plan | undefined {
  if (!query) return undefined;
  const clauses: Array<[string, unknown]> = [];
  const collect = (q: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(q)) {
      if (key === '$and' && Array.isArray(value)) {
        for (const sub of value) if (sub && typeof sub === 'object') collect(sub as Record<string, unknown>);
      } else if (!key.startsWith('$')) {
        clauses.push([key, value]);
      }
    }
  };
  collect(query);
  let best: Plan | undefined;
  for (const [field, condition] of clauses) {
    const values = pinnedValues(condition);
    if (!values) continue;
    const marks = values.map(() => '?').join(', ');
    if (field === '_id') {
      return { sql: `id IN (${marks})`, params: values.map((v) => String(v)) };
    }
    if (!best && indexed.has(field) && FIELD_PATH.test(field)) {
      best = { sql: `${extractExpr(field)} IN (${marks})`, params: values.map(sqlValue) };
    }
  }
  return best;
}
