/**
 * Index keys as MongoDB builds them, flattened into SQLite columns. Every indexed value becomes a
 * (type rank, value) pair so that one SQLite ORDER BY reproduces MongoDB's cross-type order
 * (null < numbers < strings < objects < booleans < dates) and a range never strays into another
 * type, exactly as MongoDB's type-bracketed index bounds.
 */
export type KeyPart = [rank: number, value: string | number];

export const RANK = {
  null: 1,
  number: 2,
  string: 3,
  object: 4,
  other: 5,
  array: 6,
  boolean: 8,
  date: 9,
  regex: 11,
} as const;

/** MongoDB indexes null and a missing field the same way; SQLite key columns cannot hold NULL. */
export const NULL_KEY: KeyPart = [RANK.null, ''];

/** The key of one scalar value, or undefined for values an index bound cannot express. */
export function keyOf(v: unknown): KeyPart {
  if (v === undefined || v === null) return NULL_KEY;
  if (typeof v === 'number') return [RANK.number, Number.isNaN(v) ? -Infinity : v];
  if (typeof v === 'bigint') return [RANK.number, Number(v)];
  if (typeof v === 'string') return [RANK.string, v];
  if (typeof v === 'boolean') return [RANK.boolean, v ? 1 : 0];
  if (v instanceof Date) return [RANK.date, v.getTime()];
  if (v instanceof RegExp) return [RANK.regex, String(v)];
  if (Array.isArray(v)) return [RANK.array, JSON.stringify(v)];
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return [RANK.object, JSON.stringify(v)];
  return [RANK.other, String(v)];
}

/**
 * Values a dotted path reaches in a document, descending into arrays as MongoDB does: `a.b` over
 * `a: [{b: 1}, {b: 2}]` reaches 1 and 2, and an array at the end contributes its elements (multikey).
 */
export function pathValues(doc: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  const walk = (value: unknown, parts: string[]) => {
    if (parts.length === 0) {
      if (Array.isArray(value)) {
        if (value.length === 0) out.push(undefined);
        else out.push(...value);
      } else out.push(value);
      return;
    }
    if (Array.isArray(value)) {
      for (const el of value) if (el !== null && typeof el === 'object') walk(el, parts);
      return;
    }
    if (value === null || typeof value !== 'object' || value instanceof Date) {
      out.push(undefined);
      return;
    }
    walk((value as Record<string, unknown>)[parts[0]], parts.slice(1));
  };
  walk(doc, path.split('.'));
  return out.length ? out : [undefined];
}

/** A compound index caps its keys per document; MongoDB refuses parallel arrays, we cap the product. */
const MAX_KEYS_PER_DOC = 10_000;

/**
 * Every key a document contributes to an index: the cartesian product of each field's values,
 * de-duplicated (an array holding a value twice is indexed once).
 */
export function indexKeys(doc: Record<string, unknown> | undefined, fields: string[]): KeyPart[][] {
  if (!doc) return [];
  let keys: KeyPart[][] = [[]];
  for (const field of fields) {
    // Most indexed fields are top-level scalars: one value, one key part, nothing to walk or de-duplicate.
    const direct = field === '_id' ? doc._id : field.includes('.') ? undefined : doc[field];
    const parts =
      field === '_id' || (direct !== undefined && !Array.isArray(direct))
        ? [keyOf(direct)]
        : dedupe(pathValues(doc, field).map(keyOf));
    if (parts.length === 1) {
      // The keys so far are this call's own arrays: one value extends each in place.
      for (const k of keys) k.push(parts[0]);
      continue;
    }
    const next: KeyPart[][] = [];
    for (const k of keys) for (const p of parts) next.push([...k, p]);
    if (next.length > MAX_KEYS_PER_DOC)
      throw new Error(`index over ${fields.join(',')} would hold more than ${MAX_KEYS_PER_DOC} keys for one document`);
    keys = next;
  }
  return keys;
}

function dedupe(parts: KeyPart[]): KeyPart[] {
  const seen = new Map<string, KeyPart>();
  for (const p of parts) seen.set(`${p[0]}\u0000${p[1]}`, p);
  return [...seen.values()];
}

export function sameKeys(a: KeyPart[][], b: KeyPart[][]): boolean {
  if (a.length !== b.length) return false;
  const flat = (ks: KeyPart[][]) =>
    ks
      .map((k) => k.map((p) => `${p[0]}\u0000${p[1]}`).join('\u0001'))
      .sort()
      .join('\u0002');
  return flat(a) === flat(b);
}

/** Compares two keys of the same index column by column, as the SQLite ORDER BY does. */
export function compareKeys(a: KeyPart[], b: KeyPart[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i][0] !== b[i][0]) return a[i][0] - b[i][0];
    const x = a[i][1];
    const y = b[i][1];
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
