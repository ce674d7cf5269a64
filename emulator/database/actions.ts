import { dbErrors } from '../errors';
import { fromWire, storedText, toWire } from '../store/ejson';
import type { DatabaseEngine, Filter, SortSpec } from './engine';

/** The request body the SDK posts, already JSON-parsed. Values are what @cloudbase/database sends. */
export type ActionParams = Record<string, unknown>;
export type ActionResult = Record<string, unknown>;

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

function str(params: ActionParams, key: string): string {
  const v = params[key];
  if (typeof v !== 'string' || v === '') throw dbErrors.invalidParam(`${key} is required`);
  return v;
}

function optionalTxn(params: ActionParams): string | undefined {
  const t = params.transactionId;
  return typeof t === 'string' && t !== '' ? t : undefined;
}

function query(params: ActionParams): Filter {
  if (params.query === undefined || params.query === '') return {};
  const q = fromWire(params.query, 'query');
  if (!q || typeof q !== 'object' || Array.isArray(q)) throw dbErrors.invalidParam('query must be an object');
  return q as Filter;
}

function object(params: ActionParams, key: string): Record<string, unknown> {
  const v = fromWire(params[key], key);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw dbErrors.invalidParam(`${key} must be an object`);
  return v as Record<string, unknown>;
}

/** `order` arrives as {field: 1|-1} from orderBy(); older SDKs sent [{field, direction}]. */
function sortSpec(params: ActionParams): SortSpec | undefined {
  if (params.order === undefined) return undefined;
  const raw = fromWire(params.order, 'order');
  const spec: SortSpec = {};
  if (Array.isArray(raw)) {
    for (const o of raw as Array<{ field: string; direction: string }>) spec[o.field] = o.direction === 'desc' ? -1 : 1;
  } else if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw)) spec[k] = Number(v) < 0 || v === 'desc' ? -1 : 1;
  }
  return spec;
}

function nonNegativeInt(v: unknown, fallback: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

type Handler = (engine: DatabaseEngine, params: ActionParams) => ActionResult;

/** Handlers return what goes under `data`, except startTransaction, which CloudBase answers at the top level. */
export const databaseActions: Record<string, Handler> = {
  'database.addCollection': (engine, p) => {
    const name = str(p, 'collectionName');
    if (!engine.store.createCollection(name)) throw dbErrors.collectionExists(name);
    return { data: {} };
  },

  'database.insertDocument': (engine, p) => {
    const raw = p.data;
    if (!Array.isArray(raw) || raw.length === 0) throw dbErrors.invalidParam('data must be a non-empty array');
    const docs = raw.map((d) => {
      const doc = fromWire(d, 'data');
      if (!doc || typeof doc !== 'object' || Array.isArray(doc))
        throw dbErrors.invalidParam('each document must be an object');
      return doc as Record<string, unknown>;
    });
    const texts = raw.map((d) => (typeof d === 'string' ? storedText(d) : undefined));
    const insertedIds = engine.insert(str(p, 'collectionName'), docs, optionalTxn(p), texts);
    return { data: { insertedIds } };
  },

  'database.getDocument': (engine, p) => {
    const limit = Math.min(nonNegativeInt(p.limit, DEFAULT_LIMIT) || DEFAULT_LIMIT, MAX_LIMIT);
    const offset = nonNegativeInt(p.offset, 0);
    const projection = p.projection === undefined ? undefined : object(p, 'projection');
    const list = engine.find(
      str(p, 'collectionName'),
      query(p),
      { sort: sortSpec(p), skip: offset, limit, projection },
      optionalTxn(p),
    );
    return { data: { list: list.map(toWire), limit, offset } };
  },

  'database.calculateDocument': (engine, p) => ({
    data: { total: engine.count(str(p, 'collectionName'), query(p), optionalTxn(p)) },
  }),

  'database.modifyDocument': (engine, p) => {
    const result = engine.modify(
      {
        collection: str(p, 'collectionName'),
        query: query(p),
        data: object(p, 'data'),
        multi: p.multi === true || p.multi === 'true',
        merge: p.merge !== false && p.merge !== 'false',
        upsert: p.upsert === true || p.upsert === 'true',
      },
      optionalTxn(p),
    );
    return { data: { updated: result.updated, upsert_id: result.upsertId } };
  },

  'database.modifyAndReturnDoc': (engine, p) => {
    const result = engine.modify(
      {
        collection: str(p, 'collectionName'),
        query: query(p),
        data: object(p, 'data'),
        multi: false,
        merge: true,
        upsert: false,
      },
      optionalTxn(p),
    );
    const doc =
      result.docs[0] ??
      (result.updated === 0
        ? engine.find(str(p, 'collectionName'), query(p), { limit: 1 }, optionalTxn(p))[0]
        : undefined);
    return { data: { updated: result.updated, doc: doc ? toWire(doc) : null } };
  },

  'database.removeDocument': (engine, p) => ({
    data: {
      deleted: engine.remove(
        str(p, 'collectionName'),
        query(p),
        p.multi === true || p.multi === 'true',
        optionalTxn(p),
      ),
    },
  }),

  'database.aggregateDocuments': (engine, p) => {
    const stages = p.stages;
    if (!Array.isArray(stages)) throw dbErrors.invalidParam('stages must be an array');
    const pipeline = (stages as Array<{ stageKey: string; stageValue: string }>).map((s) => {
      if (typeof s.stageKey !== 'string' || !s.stageKey.startsWith('$'))
        throw dbErrors.invalidParam('invalid aggregate stage');
      return { [s.stageKey]: fromWire(s.stageValue, 'stageValue') };
    });
    return { data: { list: engine.aggregate(str(p, 'collectionName'), pipeline).map(toWire) } };
  },

  'database.startTransaction': (engine) => ({ transactionId: engine.startTransaction() }),

  'database.commitTransaction': (engine, p) => {
    engine.commitTransaction(str(p, 'transactionId'));
    return {};
  },

  'database.abortTransaction': (engine, p) => {
    engine.abortTransaction(str(p, 'transactionId'));
    return {};
  },

  // The older transaction API (database/src/transaction.ts): documents addressed by `_id`.
  'database.getInTransaction': (engine, p) => {
    const filter = query(p);
    const doc = engine.txnReadOne(str(p, 'collectionName'), String(filter._id ?? p._id), str(p, 'transactionId'));
    return { data: doc ? toWire(doc) : 'null' };
  },

  'database.updateDocInTransaction': (engine, p) => {
    const data = object(p, 'data');
    const isOperators = Object.keys(data).some((k) => k.startsWith('$'));
    const result = engine.modify(
      {
        collection: str(p, 'collectionName'),
        query: { _id: p._id },
        data,
        multi: false,
        merge: isOperators,
        upsert: p.upsert === true,
      },
      str(p, 'transactionId'),
    );
    return {
      updated: String(result.updated),
      upserted: result.upsertId ? JSON.stringify([{ _id: result.upsertId }]) : undefined,
    };
  },

  'database.deleteDocInTransaction': (engine, p) => ({
    deleted: String(engine.remove(str(p, 'collectionName'), { _id: p._id }, false, str(p, 'transactionId'))),
  }),
};
