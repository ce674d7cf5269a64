/**
 * The emulator's query planner, modelled on MongoDB's so that what is slow on CloudBase is slow (and
 * visible) here too:
 *   - an index serves equality ($eq, $in) on a prefix of its fields, then one range ($gt...$lte);
 *   - it provides a sort when the sort fields follow that prefix; a prefix holding $in lists is
 *     "exploded" into one scan per point and merged by the sort key (MongoDB's SORT_MERGE);
 *   - arrays are multikey: `$all` bounds on one element (each element is a candidate plan);
 *   - a query no conjunctive index serves but whose `$or` branches each have one becomes an OR plan;
 *   - the candidates are raced step by step and the first to fill its page (or finish) wins, as
 *     MongoDB's multi-planner does (without its plan cache: every query races again, and explain
 *     counts the losers' work too); a query no index serves is a collection scan.
 * Every query records what it examined (keys, documents, returned), as explain's executionStats.
 */
import type { Doc } from './ejson';
import type { DocumentStore, IndexInfo, ScanBounds, ScanCounter } from './document-store';
import { compareKeys, keyOf, type KeyPart } from './index-keys';

type Filter = Record<string, unknown>;
export type SortSpec = Record<string, 1 | -1>;

/** MongoDB's internalQueryMaxScansToExplode: beyond this many points a sort is done in memory. */
const MAX_SCANS_TO_EXPLODE = 200;
const MAX_RACE = 8;

type Range = NonNullable<ScanBounds['range']>;

interface FieldPredicate {
  points?: KeyPart[];
  range?: Range;
  /** `$all` elements: an index can bound on any one of them. */
  all?: KeyPart[];
}

export type Plan =
  | { stage: 'COLLSCAN' }
  | { stage: 'IDHACK'; ids: string[] }
  | {
      stage: 'IXSCAN';
      index: IndexInfo;
      scans: ScanBounds[];
      direction: 1 | -1;
      /** The index hands documents over in the requested sort order. */
      providesSort: boolean;
      /** Bounded point prefix length: the merge compares the keys after it. */
      prefix: number;
      score: number;
      /** The bounds are the whole filter: a count can be answered from the keys (COUNT_SCAN). */
      covered: boolean;
    }
  | { stage: 'OR'; branches: Plan[] };

export interface QueryStats {
  seq: number;
  at: string;
  op: string;
  collection: string;
  filter: string;
  sort?: string;
  limit?: number;
  skip?: number;
  plan: string;
  /** COLLSCAN, IXSCAN, IDHACK or OR, the winning plan's stage. */
  stage: string;
  keysExamined: number;
  docsExamined: number;
  nReturned: number;
  /** The sort was done in memory after reading every match (MongoDB's blocking SORT stage). */
  inMemorySort: boolean;
  /** Candidate plans raced and dropped. */
  rejectedPlans: number;
  ms: number;
}

/** The last queries the emulator ran, each with its explain statistics. */
export class QueryLog {
  private entries: QueryStats[] = [];
  private seq = 0;

  constructor(private readonly capacity = 2000) {}

  add(entry: Omit<QueryStats, 'seq' | 'at'>): QueryStats {
    const full = { seq: ++this.seq, at: new Date().toISOString(), ...entry };
    this.entries.push(full);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return full;
  }

  /** Entries after the given sequence number (0: all kept). */
  since(seq = 0): QueryStats[] {
    return this.entries.filter((e) => e.seq > seq);
  }

  get lastSeq(): number {
    return this.seq;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

/** A value an index bound can hold: scalars and dates, not regexes, arrays or embedded documents. */
function boundable(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v) || v instanceof Date;
}

function intersect(a: Range | undefined, b: Range): Range | undefined {
  if (!a) return b;
  if (a.rank !== b.rank) return a;
  const tighter = (x: Range['lo'], y: Range['lo'], lower: boolean) => {
    if (!x) return y;
    if (!y) return x;
    if (x.v === y.v) return { v: x.v, incl: x.incl && y.incl };
    return x.v > y.v === lower ? x : y;
  };
  return { rank: a.rank, lo: tighter(a.lo, b.lo, true), hi: tighter(a.hi, b.hi, false) };
}

function predicateOf(condition: unknown): FieldPredicate | undefined {
  if (boundable(condition)) return { points: [keyOf(condition)] };
  if (!isPlainObject(condition)) return undefined;
  const ops = Object.entries(condition);
  if (ops.length === 0 || ops.some(([k]) => !k.startsWith('$'))) return undefined;
  const pred: FieldPredicate = {};
  for (const [op, v] of ops) {
    if (op === '$eq' && boundable(v)) pred.points = [keyOf(v)];
    else if (op === '$in' && Array.isArray(v) && v.every(boundable)) pred.points = v.map(keyOf);
    else if (op === '$all' && Array.isArray(v) && v.length > 0 && v.every(boundable)) pred.all = v.map(keyOf);
    else if (['$gt', '$gte', '$lt', '$lte'].includes(op) && boundable(v) && v !== null) {
      const [rank, value] = keyOf(v);
      const side = { v: value, incl: op.endsWith('e') };
      pred.range = intersect(pred.range, op.startsWith('$g') ? { rank, lo: side } : { rank, hi: side });
    }
  }
  return pred.points || pred.range || pred.all ? pred : undefined;
}

/** The conjunctive predicates per field (top level and nested $and) and the $or groups. */
function analyse(filter: Filter): { fields: Map<string, FieldPredicate>; ors: Filter[][]; residual: boolean } {
  const fields = new Map<string, FieldPredicate>();
  const ors: Filter[][] = [];
  /** Some clause is not expressed by index bounds, so keys alone cannot answer a count. */
  let residual = false;
  const collect = (q: Filter) => {
    for (const [key, value] of Object.entries(q)) {
      if (key === '$and' && Array.isArray(value)) {
        for (const sub of value) if (isPlainObject(sub)) collect(sub);
      } else if (key === '$or' && Array.isArray(value) && value.every(isPlainObject)) {
        ors.push(value as Filter[]);
        residual = true;
      } else if (key.startsWith('$')) {
        residual = true;
      } else {
        const pred = predicateOf(value);
        if (
          !pred ||
          pred.all ||
          (pred.points && pred.range) ||
          Object.keys(isPlainObject(value) ? value : {}).some(
            (op) => !['$eq', '$in', '$gt', '$gte', '$lt', '$lte'].includes(op),
          )
        )
          residual = true;
        if (!pred) continue;
        const prev = fields.get(key);
        if (!prev) fields.set(key, pred);
        else {
          residual = true;
          // Several clauses on one field: keep the tightest points, intersect ranges.
          if (pred.points && (!prev.points || pred.points.length < prev.points.length)) prev.points = pred.points;
          if (pred.range) prev.range = intersect(prev.range, pred.range);
          if (pred.all) prev.all = [...(prev.all ?? []), ...pred.all];
        }
      }
    }
  };
  collect(filter);
  return { fields, ors, residual };
}

function cartesian(lists: KeyPart[][]): KeyPart[][] {
  let out: KeyPart[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((p) => [...prefix, p]));
  return out;
}

/** Plans one index can offer: one per choice of `$all` element on a multikey field. */
function indexPlans(index: IndexInfo, fields: Map<string, FieldPredicate>, sort: SortSpec, residual: boolean): Plan[] {
  const variants: Array<{ points: KeyPart[][]; range?: Range }> = [{ points: [] }];
  let stopped = false;
  for (const field of index.fields) {
    if (stopped) break;
    const pred = fields.get(field);
    if (pred?.points) for (const v of variants) v.points.push(pred.points);
    else if (pred?.all) {
      const chosen = variants.splice(0);
      for (const v of chosen)
        for (const el of pred.all.slice(0, MAX_RACE)) variants.push({ points: [...v.points, [el]] });
    } else {
      if (pred?.range) for (const v of variants) v.range = pred.range;
      stopped = true;
    }
  }
  const sortEntries = Object.entries(sort);
  return variants.flatMap((v): Plan[] => {
    const prefix = v.points.length;
    const constant = new Set(index.fields.slice(0, prefix).filter((_, i) => v.points[i].length === 1));
    const wanted = sortEntries.filter(([f]) => !constant.has(f));
    const rest = index.fields.slice(prefix);
    const scans = cartesian(v.points).map((points) => ({ points, range: v.range }));
    const dirs = new Set(wanted.map(([, d]) => d));
    const providesSort =
      wanted.length === 0 ||
      (dirs.size === 1 &&
        wanted.every(([f], i) => rest[i] === f && !index.multikeyFields.has(f)) &&
        (scans.length === 1 || scans.length <= MAX_SCANS_TO_EXPLODE));
    const bounded = prefix + (v.range ? 1 : 0);
    if (bounded === 0 && !(providesSort && wanted.length > 0)) return [];
    const score =
      prefix * 10 +
      (v.range ? 6 : 0) +
      (providesSort && wanted.length > 0 ? 8 : 0) +
      (index.unique && prefix === index.fields.length ? 100 : 0);
    const direction = (wanted[0]?.[1] ?? 1) as 1 | -1;
    const boundedFields = index.fields.slice(0, bounded);
    const covered = !residual && [...fields.keys()].every((f) => boundedFields.includes(f));
    return [{ stage: 'IXSCAN', index, scans, direction, providesSort, prefix, score, covered }];
  });
}

/** Candidate plans, best first; several only when they tie and must be raced. */
export function candidatePlans(indexes: readonly IndexInfo[], filter: Filter, sort: SortSpec | undefined): Plan[] {
  const { fields, ors, residual } = analyse(filter);
  const id = fields.get('_id');
  if (id?.points && id.points.every((p) => p[0] === 2 || p[0] === 3))
    return [{ stage: 'IDHACK', ids: id.points.map((p) => String(p[1])) }];
  let plans: Plan[] = indexes.flatMap((ix) => indexPlans(ix, fields, sort ?? {}, residual));
  if (ors.length) {
    // A contained $or: each branch is planned together with the predicates outside it, and the OR
    // plan competes with the conjunctive ones (it scores as its weakest branch).
    const rest = withoutOr(filter, ors[0]);
    const branches = ors[0].map((branch) => branchPlan(indexes, rest, branch));
    if (branches.every((b) => b.stage !== 'COLLSCAN' && b.stage !== 'OR')) plans.push({ stage: 'OR', branches });
  }
  if (plans.length === 0) return [{ stage: 'COLLSCAN' }];
  // A plan bounding no more than another that also yields the sort can only lose the race, after
  // doubling its work (MongoDB pays that once and caches the winner; this planner has no plan cache).
  const dominated = (p: Plan) =>
    p.stage === 'IXSCAN' &&
    !p.providesSort &&
    plans.some(
      (q) =>
        q !== p &&
        q.stage === 'IXSCAN' &&
        q.providesSort &&
        boundedFields(p).every((f) => boundedFields(q).includes(f)),
    );
  plans = plans.filter((p) => !dominated(p));
  // Every candidate races (MongoDB's multi-planner); the score only orders them, so a tie in the
  // race goes to the plan that bounds more fields or yields the sort.
  return plans.sort((a, b) => score(b) - score(a)).slice(0, MAX_RACE);
}

/**
 * One $or clause's plan. As in MongoDB, a clause is served by an index on the clause's own predicate;
 * the predicates around the $or only tighten its bounds. (A plan bounded by the outer predicates
 * alone would scan all that they match once per clause, e.g. a whole union per clause.)
 */
function branchPlan(indexes: readonly IndexInfo[], rest: Filter, branch: Filter): Plan {
  const own = analyse(branch).fields;
  const plans = candidatePlans(indexes, { $and: [rest, branch] }, undefined);
  if (own.size === 0) return plans[0];
  const serving = plans.find(
    (p) => p.stage === 'IDHACK' || (p.stage === 'IXSCAN' && boundedFields(p).some((f) => own.has(f))),
  );
  return serving ?? { stage: 'COLLSCAN' };
}

function boundedFields(p: Extract<Plan, { stage: 'IXSCAN' }>): string[] {
  return p.index.fields.slice(0, p.prefix + (p.scans[0]?.range ? 1 : 0));
}

function score(p: Plan): number {
  if (p.stage === 'IXSCAN') return p.score;
  if (p.stage === 'IDHACK') return 1000;
  if (p.stage === 'OR') return Math.min(...p.branches.map(score));
  return 0;
}

/** The filter without one of its $or groups (top level or inside a top-level $and). */
function withoutOr(filter: Filter, group: Filter[]): Filter {
  const out: Filter = {};
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$or' && v === group) continue;
    if (k === '$and' && Array.isArray(v))
      out.$and = v
        .filter((c) => !(isPlainObject(c) && c.$or === group && Object.keys(c).length === 1))
        .map((c) => (isPlainObject(c) ? withoutOr(c, group) : c));
    else out[k] = v;
  }
  return out;
}

export function chooseQueryPlan(indexes: readonly IndexInfo[], filter: Filter, sort: SortSpec | undefined): Plan {
  return candidatePlans(indexes, filter, sort)[0];
}

export function providesSort(plan: Plan, sort: SortSpec | undefined): boolean {
  if (!sort || Object.keys(sort).length === 0) return plan.stage !== 'OR';
  return plan.stage === 'IXSCAN' && plan.providesSort;
}

/** Candidate documents in plan order, each once; the caller applies the full filter. */
export function* runPlan(
  store: DocumentStore,
  collection: string,
  plan: Plan,
  counter: ScanCounter,
  seen = new Set<string>(),
): Generator<Doc> {
  if (plan.stage === 'COLLSCAN') {
    yield* store.scanCollection(collection, counter);
    return;
  }
  if (plan.stage === 'IDHACK') {
    for (const id of plan.ids) {
      counter.keysExamined += 1;
      const doc = seen.has(id) ? undefined : store.fetch(collection, id, counter);
      seen.add(id);
      if (doc) yield doc;
    }
    return;
  }
  if (plan.stage === 'OR') {
    for (const branch of plan.branches) yield* runPlan(store, collection, branch, counter, seen);
    return;
  }
  const ids =
    wholeKeys(store, plan, counter) ??
    idsOf(
      plan.scans.length > 1 && plan.providesSort ? mergeScans(store, plan, counter) : concatScans(store, plan, counter),
    );
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const doc = store.fetch(collection, id, counter);
    if (doc) yield doc;
  }
}

function* idsOf(entries: Iterable<{ id: string }>): Generator<string> {
  for (const { id } of entries) yield id;
}

function* concatScans(store: DocumentStore, plan: Extract<Plan, { stage: 'IXSCAN' }>, counter: ScanCounter) {
  for (const bounds of plan.scans) yield* store.scan(plan.index, bounds, plan.direction, counter);
}

/** From this many whole keys on, they are looked up in one statement rather than scanned one by one. */
const WHOLE_KEYS_AT_ONCE = 16;
/** Parameters one SQLite statement may take (its default limit since 3.32). */
const MAX_STATEMENT_PARAMS = 32_766;

/**
 * The keys go to SQLite as a list padded to a power of two with its last key (a key twice in an IN
 * list is still one key), so that the few lengths share prepared statements: preparing them had taken
 * 0.14 s of the database's time in a 100k-row import, a third of running them. The list is bound once
 * per table of the index (its own and its recent entries'), so a statement holds at most the largest
 * power of two that fits twice: 8,192 keys. More go one scan per key.
 */
function paddedKeys(plan: Extract<Plan, { stage: 'IXSCAN' }>): KeyPart[][] {
  const keys = plan.scans.map((s) => s.points);
  const slots = 2 ** Math.ceil(Math.log2(keys.length));
  for (let i = keys.length; i < slots; i++) keys.push(keys[keys.length - 1]);
  return keys;
}

const WHOLE_KEYS_AT_MOST = 2 ** Math.floor(Math.log2(MAX_STATEMENT_PARAMS / 2));

const byWholeKeys = (plan: Extract<Plan, { stage: 'IXSCAN' }>) =>
  plan.scans.length >= WHOLE_KEYS_AT_ONCE &&
  plan.scans.length <= WHOLE_KEYS_AT_MOST &&
  plan.prefix === plan.index.fields.length &&
  plan.scans.every((s) => !s.range);

/**
 * Many points that each pin every field of the index (an import's lookup of 2,000 people by blind
 * index): one statement for all of them. With nothing after the points to order by, a merge would
 * yield them by `_id`, and so does this.
 */
function wholeKeys(store: DocumentStore, plan: Extract<Plan, { stage: 'IXSCAN' }>, counter: ScanCounter) {
  if (!byWholeKeys(plan)) return undefined;
  return store.scanWholeKeys(plan.index, paddedKeys(plan), plan.direction, counter);
}

/** SORT_MERGE: one ordered scan per point of the prefix, merged by the key after the prefix, then _id. */
function* mergeScans(store: DocumentStore, plan: Extract<Plan, { stage: 'IXSCAN' }>, counter: ScanCounter) {
  const scans = plan.scans.map((b) => store.scan(plan.index, b, plan.direction, counter));
  const heads = scans.map((s) => s.next());
  const order = (a: { id: string; key: KeyPart[] }, b: { id: string; key: KeyPart[] }) => {
    const c =
      compareKeys(a.key.slice(plan.prefix), b.key.slice(plan.prefix)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return c * plan.direction;
  };
  try {
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (
          !h.done &&
          (best < 0 || order(h.value, (heads[best] as IteratorYieldResult<{ id: string; key: KeyPart[] }>).value) < 0)
        )
          best = i;
      }
      if (best < 0) return;
      yield (heads[best] as IteratorYieldResult<{ id: string; key: KeyPart[] }>).value;
      heads[best] = scans[best].next();
    }
  } finally {
    for (const s of scans) s.return(undefined);
  }
}

export function describePlan(plan: Plan): string {
  switch (plan.stage) {
    case 'COLLSCAN':
      return 'COLLSCAN';
    case 'IDHACK':
      return `IDHACK (${plan.ids.length})`;
    case 'OR':
      return `OR [${plan.branches.map(describePlan).join(' | ')}]`;
    case 'IXSCAN': {
      const how = byWholeKeys(plan) ? ' WHOLE_KEYS' : plan.providesSort ? ' SORT_MERGE' : '';
      const scans = plan.scans.length > 1 ? ` ×${plan.scans.length}${how}` : '';
      const bound = plan.prefix + (plan.scans[0]?.range ? 1 : 0);
      return `IXSCAN {${plan.index.fields.join(', ')}} bounded ${bound}/${plan.index.fields.length}${plan.direction < 0 ? ' backward' : ''}${scans}`;
    }
  }
}

export interface ExecuteOptions {
  sort?: SortSpec;
  skip?: number;
  limit?: number;
}

/**
 * Counts matches (up to `limit`): from the index keys alone when the bounds are the whole filter, as
 * MongoDB's COUNT_SCAN, otherwise by reading and testing each candidate.
 */
export function executeCount(
  store: DocumentStore,
  op: string,
  collection: string,
  filter: Filter,
  limit: number | undefined,
  matches: (doc: Doc) => boolean,
): number {
  const plan = candidatePlans(store.indexes(collection), filter, undefined)[0];
  if (plan.stage !== 'IXSCAN' || !plan.covered) {
    return execute(store, op, collection, filter, { limit }, matches, (d) => d).docs.length;
  }
  const started = process.hrtime.bigint();
  const counter: ScanCounter = { keysExamined: 0, docsExamined: 0 };
  const seen = new Set<string>();
  const cap = limit ?? Infinity;
  // One scan whose multikey fields are all pinned to one point holds each document once: SQLite can
  // count its keys. Otherwise a document may sit under several keys, and the ids are told apart.
  const oncePerDoc =
    plan.scans.length === 1 && [...plan.index.multikeyFields].every((f) => plan.index.fields.indexOf(f) < plan.prefix);
  let n = 0;
  if (oncePerDoc) n = store.countKeys(plan.index, plan.scans[0], Number.isFinite(cap) ? cap : -1, counter);
  else {
    const scans = concatScans(store, plan, counter);
    try {
      for (const { id } of scans) {
        if (seen.size >= cap) break;
        seen.add(id);
      }
    } finally {
      scans.return(undefined);
    }
    n = seen.size;
  }
  store.queryLog.add({
    op,
    collection,
    filter: summarise(filter),
    ...(limit !== undefined ? { limit } : {}),
    plan: `COUNT_SCAN ${describePlan(plan).slice('IXSCAN '.length)}`,
    stage: 'COUNT_SCAN',
    keysExamined: counter.keysExamined,
    docsExamined: 0,
    nReturned: n,
    inMemorySort: false,
    rejectedPlans: 0,
    ms: Number(process.hrtime.bigint() - started) / 1e6,
  });
  return n;
}

/**
 * Runs a query: picks (or races) a plan, applies `matches` to each candidate, stops as soon as the
 * page is full when the plan yields sort order, otherwise reads every match and sorts with `sortAll`.
 */
export function execute(
  store: DocumentStore,
  op: string,
  collection: string,
  filter: Filter,
  options: ExecuteOptions,
  matches: (doc: Doc) => boolean,
  sortAll: (docs: Doc[]) => Doc[],
): { docs: Doc[]; stats: QueryStats } {
  const started = process.hrtime.bigint();
  const counter: ScanCounter = { keysExamined: 0, docsExamined: 0 };
  const plans = candidatePlans(store.indexes(collection), filter, options.sort);
  const skip = options.skip ?? 0;
  const needFor = (p: Plan) =>
    providesSort(p, options.sort) && options.limit !== undefined ? skip + options.limit : Infinity;
  const runners = plans.map((plan) => ({
    plan,
    it: runPlan(store, collection, plan, counter),
    found: [] as Doc[],
    done: false,
  }));
  let winner = runners[0];
  try {
    if (runners.length > 1) {
      // The multi-planner's race: one step each in turn; the first to fill its page or finish wins.
      race: for (;;) {
        for (const r of runners) {
          const next = r.it.next();
          if (next.done) r.done = true;
          else if (matches(next.value)) r.found.push(next.value);
          if (r.done || r.found.length >= needFor(r.plan)) {
            winner = r;
            break race;
          }
        }
      }
    }
    const need = needFor(winner.plan);
    while (!winner.done && winner.found.length < need) {
      const next = winner.it.next();
      if (next.done) winner.done = true;
      else if (matches(next.value)) winner.found.push(next.value);
    }
  } finally {
    for (const r of runners) r.it.return(undefined);
  }
  const sorted = providesSort(winner.plan, options.sort) ? winner.found : sortAll(winner.found);
  const docs = sorted.slice(skip, options.limit === undefined ? undefined : skip + options.limit);
  const stats = store.queryLog.add({
    op,
    collection,
    filter: summarise(filter),
    ...(options.sort && Object.keys(options.sort).length ? { sort: JSON.stringify(options.sort) } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(skip ? { skip } : {}),
    plan: describePlan(winner.plan),
    stage: winner.plan.stage,
    keysExamined: counter.keysExamined,
    docsExamined: counter.docsExamined,
    nReturned: docs.length,
    inMemorySort: Boolean(options.sort && Object.keys(options.sort).length && !providesSort(winner.plan, options.sort)),
    rejectedPlans: runners.length - 1,
    ms: Number(process.hrtime.bigint() - started) / 1e6,
  });
  return { docs, stats };
}

/** The filter's shape for the log, values shortened: the log must not become a copy of the PII. */
function summarise(filter: Filter): string {
  const text = JSON.stringify(filter, (_k, v: unknown) =>
    typeof v === 'string' && v.length > 24 ? `${v.slice(0, 8)}…` : v instanceof RegExp ? String(v) : v,
  );
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
