import { randomBytes } from 'node:crypto';
import { Aggregator, Query, update as applyUpdate } from 'mingo';
import type { Options } from 'mingo/types/types';
import { dbErrors } from '../errors';
import { docKey, type DocumentStore } from '../store/document-store';
import type { Doc } from '../store/ejson';
import { execute, executeCount } from '../store/planner';

export type Filter = Record<string, unknown>;
export type SortSpec = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: SortSpec;
  skip?: number;
  limit?: number;
  projection?: Record<string, unknown>;
}

export interface ModifyRequest {
  collection: string;
  query: Filter;
  /** Operators ($set, $inc, ...) when merge is true; a whole replacement document otherwise. */
  data: Record<string, unknown>;
  multi: boolean;
  merge: boolean;
  upsert: boolean;
}

/** CloudBase aborts a transaction that is neither committed nor aborted within 30 seconds. */
export const TRANSACTION_TTL_MS = 30_000;

interface Transaction {
  id: string;
  /** Store write sequence at the start: reads see this snapshot, and a later write to a doc it writes conflicts. */
  snapshotSeq: number;
  /** Buffered writes; null is a delete. */
  writes: Map<string, { collection: string; id: string; doc: Doc | null }>;
  timer: NodeJS.Timeout;
}

const MINGO_OPTIONS: Partial<Options> = { scriptEnabled: false };

export function newDocId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * MongoDB semantics over the document store, with MongoDB's (so CloudBase's) snapshot isolation:
 * - reads in a transaction see the committed state at its start plus its own buffered writes;
 * - a write to a document that another open transaction has written, or that anyone committed after
 *   the snapshot, fails at once with DATABASE_TRANSACTION_CONFLICT and aborts the transaction
 *   (MongoDB's WriteConflict), judged against the snapshot, so writing the value another writer has
 *   just committed still conflicts;
 * - a write outside transactions that lands after a transaction buffered the same document makes
 *   that transaction's commit conflict;
 * - commit applies every buffered write in one SQLite transaction.
 * As in MongoDB, transactions that write disjoint documents never conflict (write skew is possible):
 * invariants across documents must be guarded by writing a common document.
 */
export class DatabaseEngine {
  private readonly transactions = new Map<string, Transaction>();
  /** Who holds the write lock on a document key. */
  private readonly locks = new Map<string, string>();
  /** Transactions ended by a conflict: aborting one again is a no-op, as the SDK's rollback expects. */
  private readonly abortedByConflict = new Set<string>();

  constructor(readonly store: DocumentStore) {}

  find(collection: string, filter: Filter, options: FindOptions = {}, txnId?: string, op = 'find'): Doc[] {
    const txn = this.txn(txnId);
    const projection = options.projection ? withId(options.projection) : undefined;
    const sort = options.sort && Object.keys(options.sort).length > 0 ? options.sort : undefined;
    if (!txn) {
      // Planned like MongoDB: an index scan that can stop at the page when it yields the sort order.
      // Inside a transaction, reads come from its snapshot (view) instead.
      if (!this.store.hasCollection(collection)) throw dbErrors.collectionNotExist(collection);
      const query = new Query(filter, MINGO_OPTIONS);
      const { docs } = execute(
        this.store,
        op,
        collection,
        filter,
        { sort, skip: options.skip, limit: options.limit },
        (d) => query.test(d),
        (all) => (sort ? new Query({}, MINGO_OPTIONS).find<Doc>(all).sort(sort).all() : all),
      );
      return projection ? new Query({}, MINGO_OPTIONS).find<Doc>(docs, projection).all() : docs;
    }
    let cursor = new Query(filter, MINGO_OPTIONS).find<Doc>(this.view(collection, filter, txn), projection);
    if (sort) cursor = cursor.sort(sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit !== undefined) cursor = cursor.limit(options.limit);
    return cursor.all();
  }

  count(collection: string, filter: Filter, txnId?: string): number {
    const txn = this.txn(txnId);
    if (Object.keys(filter).length === 0 && !txn) return this.store.count(collection);
    if (!txn) {
      if (!this.store.hasCollection(collection)) throw dbErrors.collectionNotExist(collection);
      const query = new Query(filter, MINGO_OPTIONS);
      return executeCount(this.store, 'count', collection, filter, undefined, (d) => query.test(d));
    }
    const query = new Query(filter, MINGO_OPTIONS);
    return this.view(collection, filter, txn).filter((d) => query.test(d)).length;
  }

  /** `texts`: each document's stored text when its sender has it (`storedText`), for a document that comes with its `_id`. */
  insert(
    collection: string,
    docs: Array<Record<string, unknown>>,
    txnId?: string,
    texts: ReadonlyArray<string | undefined> = [],
  ): string[] {
    const txn = this.txn(txnId);
    if (!this.store.hasCollection(collection)) throw dbErrors.collectionNotExist(collection);
    const prepared = docs.map((d) => ({ ...d, _id: d._id === undefined ? newDocId() : d._id }) as Doc);
    const seen = new Set<string>();
    for (const doc of prepared) {
      const id = String(doc._id);
      if (seen.has(id)) throw dbErrors.duplicateWrite(`collection ${collection} index: _id dup key: ${id}`);
      seen.add(id);
    }
    if (txn) {
      for (const doc of prepared) {
        if (this.readOne(collection, String(doc._id), txn)) {
          throw dbErrors.duplicateWrite(`collection ${collection} index: _id dup key: ${doc._id}`);
        }
        this.stage(txn, collection, String(doc._id), doc);
      }
    } else {
      this.store.insertMany(
        collection,
        prepared,
        docs.map((d, i) => (d._id === undefined ? undefined : texts[i])),
      );
    }
    return prepared.map((d) => String(d._id));
  }

  /** Returns how many documents changed and, for an upsert that inserted, the new _id. */
  modify(req: ModifyRequest, txnId?: string): { updated: number; upsertId?: string; docs: Doc[] } {
    const txn = this.txn(txnId);
    if ('_id' in req.data && req.merge) throw dbErrors.invalidParam('不能更新_id的值');
    const matches = this.find(req.collection, req.query, req.multi ? {} : { limit: 1 }, txnId);
    const written: Doc[] = [];
    const nextDocs: Doc[] = [];
    for (const doc of matches) {
      const next = req.merge ? this.applyOperators(doc, req.data) : ({ ...req.data, _id: doc._id } as Doc);
      if (!next) continue;
      nextDocs.push(next);
    }
    this.writeAll(req.collection, nextDocs, txn);
    written.push(...nextDocs);
    if (matches.length === 0 && req.upsert) {
      const id =
        typeof req.query._id === 'string' || typeof req.query._id === 'number' ? String(req.query._id) : newDocId();
      const base = { _id: id } as Doc;
      const created = req.merge ? (this.applyOperators(base, req.data) ?? base) : ({ ...req.data, _id: id } as Doc);
      if (txn) this.stage(txn, req.collection, id, created);
      else this.store.insertMany(req.collection, [created]);
      return { updated: 0, upsertId: id, docs: [created] };
    }
    return { updated: written.length, docs: written };
  }

  remove(collection: string, filter: Filter, multi: boolean, txnId?: string): number {
    const txn = this.txn(txnId);
    const matches = this.find(
      collection,
      filter,
      multi ? { projection: { _id: 1 } } : { projection: { _id: 1 }, limit: 1 },
      txnId,
    );
    if (txn) {
      for (const doc of matches) this.stage(txn, collection, String(doc._id), null);
      return matches.length;
    }
    return this.store.atomic(() => matches.filter((doc) => this.store.remove(collection, String(doc._id))).length);
  }

  aggregate(collection: string, pipeline: Array<Record<string, unknown>>): Doc[] {
    // Leading $match, $sort, $skip and $limit run in the planner (MongoDB pushes them into the query
    // layer too), so `match → limit → count` reads only up to the limit.
    let i = 0;
    const pushed: FindOptions = {};
    let filter: Filter = {};
    if (pipeline[i] && '$match' in pipeline[i]) filter = pipeline[i++].$match as Filter;
    if (pipeline[i] && '$sort' in pipeline[i]) pushed.sort = pipeline[i++].$sort as SortSpec;
    if (pipeline[i] && '$skip' in pipeline[i]) pushed.skip = Number(pipeline[i++].$skip);
    if (pipeline[i] && '$limit' in pipeline[i]) pushed.limit = Number(pipeline[i++].$limit);
    const rest = pipeline.slice(i);
    const countAs = rest.length === 1 && typeof rest[0].$count === 'string' ? rest[0].$count : undefined;
    if (countAs && !pushed.sort && !pushed.skip) {
      // match → limit → count: a capped count that reads index keys only when it can.
      const query = new Query(filter, MINGO_OPTIONS);
      const n = executeCount(this.store, 'aggregate', collection, filter, pushed.limit, (d) => query.test(d));
      return n > 0 ? [{ [countAs]: n } as unknown as Doc] : [];
    }
    const source = this.find(collection, filter, pushed, undefined, 'aggregate');
    if (rest.length === 0) return source;
    const aggregator = new Aggregator(rest, {
      ...MINGO_OPTIONS,
      collectionResolver: (name: string) => this.store.candidates(name, undefined),
    });
    return aggregator.run(source) as Doc[];
  }

  startTransaction(): string {
    const id = `txn-${newDocId()}`;
    const timer = setTimeout(() => this.endTransaction(id), TRANSACTION_TTL_MS);
    timer.unref();
    this.transactions.set(id, { id, snapshotSeq: this.store.openSnapshot(), writes: new Map(), timer });
    return id;
  }

  commitTransaction(txnId: string): void {
    const txn = this.requireTxn(txnId);
    try {
      for (const w of txn.writes.values()) this.assertNoLaterWrite(txn, w.collection, w.id);
    } catch (err) {
      this.endByConflict(txn);
      throw err;
    }
    try {
      this.store.atomic(() => {
        for (const w of txn.writes.values()) {
          if (w.doc) this.store.put(w.collection, w.doc);
          else this.store.remove(w.collection, w.id);
        }
      });
    } finally {
      this.endTransaction(txnId);
    }
  }

  abortTransaction(txnId: string): void {
    if (this.abortedByConflict.delete(txnId)) return;
    this.requireTxn(txnId);
    this.endTransaction(txnId);
  }

  get openTransactions(): number {
    return this.transactions.size;
  }

  /** Reads one document as the given transaction sees it. */
  readOne(collection: string, id: string, txn?: Transaction): Doc | undefined {
    if (!txn) return this.store.get(collection, id);
    const staged = txn.writes.get(docKey(collection, id));
    if (staged) return staged.doc ?? undefined;
    return this.store.getAt(collection, id, txn.snapshotSeq);
  }

  txnReadOne(collection: string, id: string, txnId: string): Doc | undefined {
    return this.readOne(collection, id, this.requireTxn(txnId));
  }

  /** Applies update operators the way MongoDB does; undefined when nothing changes. */
  private applyOperators(doc: Doc, operators: Record<string, unknown>): Doc | undefined {
    assertNumericTargets(doc, operators);
    const next = structuredClone(doc);
    let changed: string[];
    try {
      changed = applyUpdate(next, operators as never, undefined, undefined, { queryOptions: MINGO_OPTIONS });
    } catch (err) {
      // mingo refuses unknown operators and bad arguments: the request is malformed, as MongoDB's FailedToParse.
      throw dbErrors.invalidParam(`[InvalidParameter] ${err instanceof Error ? err.message : String(err)}`);
    }
    if (changed.length === 0) return undefined;
    if (next._id !== doc._id) throw dbErrors.invalidParam('不能更新_id的值');
    return next;
  }

  private writeAll(collection: string, docs: Doc[], txn: Transaction | undefined): void {
    if (txn) {
      for (const doc of docs) this.stage(txn, collection, String(doc._id), doc);
      return;
    }
    this.store.atomic(() => {
      for (const doc of docs) this.store.put(collection, doc);
    });
  }

  /** The documents a query runs over: committed rows (at the snapshot), overlaid with the transaction's own writes. */
  private view(collection: string, filter: Filter, txn: Transaction | undefined): Doc[] {
    if (!txn) return this.store.candidates(collection, filter);
    const committed = this.store.candidatesAt(collection, filter, txn.snapshotSeq);
    if (txn.writes.size === 0) return committed;
    const own = [...txn.writes.values()].filter((w) => w.collection === collection);
    if (own.length === 0) return committed;
    const ownIds = new Set(own.map((w) => w.id));
    return [...committed.filter((d) => !ownIds.has(String(d._id))), ...own.flatMap((w) => (w.doc ? [w.doc] : []))];
  }

  private stage(txn: Transaction, collection: string, id: string, doc: Doc | null): void {
    if (!this.store.hasCollection(collection)) throw dbErrors.collectionNotExist(collection);
    const key = docKey(collection, id);
    const holder = this.locks.get(key);
    try {
      if (holder && holder !== txn.id) {
        throw dbErrors.transactionConflict(`document ${collection}/${id} is being written by another transaction`);
      }
      this.assertNoLaterWrite(txn, collection, id);
    } catch (err) {
      this.endByConflict(txn);
      throw err;
    }
    this.locks.set(key, txn.id);
    txn.writes.set(key, { collection, id, doc });
  }

  /**
   * Like MongoDB's WriteConflict: the losing transaction is aborted, so its locks do not block the
   * retry that runTransaction starts without rolling back.
   */
  private endByConflict(txn: Transaction): void {
    this.endTransaction(txn.id);
    this.abortedByConflict.add(txn.id);
    if (this.abortedByConflict.size > 10_000) this.abortedByConflict.clear();
  }

  private assertNoLaterWrite(txn: Transaction, collection: string, id: string): void {
    if (this.store.lastWrite(collection, id) > txn.snapshotSeq) {
      throw dbErrors.transactionConflict(`document ${collection}/${id} was written after the transaction started`);
    }
  }

  private txn(txnId: string | undefined): Transaction | undefined {
    return txnId ? this.requireTxn(txnId) : undefined;
  }

  private requireTxn(txnId: string): Transaction {
    const txn = this.transactions.get(txnId);
    if (!txn) throw dbErrors.transactionNotExist();
    return txn;
  }

  private endTransaction(txnId: string): void {
    const txn = this.transactions.get(txnId);
    if (!txn) return;
    clearTimeout(txn.timer);
    for (const key of txn.writes.keys()) if (this.locks.get(key) === txnId) this.locks.delete(key);
    this.transactions.delete(txnId);
    this.store.closeSnapshot(txn.snapshotSeq);
  }
}

/**
 * MongoDB refuses $inc/$mul on a field holding a non-number (null included); mingo would silently
 * skip it, which turns a counter bug into a quiet no-op.
 */
function assertNumericTargets(doc: Doc, operators: Record<string, unknown>): void {
  for (const op of ['$inc', '$mul']) {
    const fields = operators[op];
    if (!fields || typeof fields !== 'object') continue;
    for (const path of Object.keys(fields)) {
      const value = path
        .split('.')
        .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), doc);
      if (value !== undefined && typeof value !== 'number') {
        const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
        throw dbErrors.requestFailed(
          `[FailedOperation] Cannot apply ${op} to a value of non-numeric type. {_id: ${JSON.stringify(doc._id)}} has the field '${path}' of non-numeric type ${type}`,
        );
      }
    }
  }
}

function withId(projection: Record<string, unknown>): Record<string, unknown> {
  const values = Object.values(projection);
  const inclusive = values.some((v) => v === 1 || v === true);
  return inclusive && !('_id' in projection) ? { _id: 1, ...projection } : projection;
}
