import { BSONRegExp, EJSON } from 'bson';

export type Doc = Record<string, unknown> & { _id: string };

/** Documents rest on disk as relaxed EJSON so that SQLite's json_extract sees plain strings and numbers. */
export function encodeStored(doc: object): string {
  let relaxed: unknown;
  try {
    relaxed = relaxedCopy(doc);
  } catch {
    // Any value the short way does not cover is written, or refused, the general way.
    return EJSON.stringify(doc, { relaxed: true });
  }
  return JSON.stringify(relaxed);
}

/** The dates relaxed EJSON writes as an ISO string (bson's range); others it writes as a number. */
const ISO_DATE_RANGE = [-1, 253402300800000] as const;

/** The last date written: the documents of one insert mostly share their dates (an import's `joinedAt`, `updatedAt`). */
let lastDate: { t: number; iso: string | undefined } = { t: NaN, iso: undefined };

/** A date's ISO text as relaxed EJSON writes it (bson leaves out zero milliseconds), or undefined outside the range. */
function relaxedDate(t: number): string | undefined {
  if (t === lastDate.t) return lastDate.iso;
  let iso: string | undefined;
  if (t > ISO_DATE_RANGE[0] && t < ISO_DATE_RANGE[1]) {
    iso = new Date(t).toISOString();
    if (t % 1000 === 0) iso = `${iso.slice(0, -5)}Z`;
  }
  lastDate = { t, iso };
  return iso;
}

/**
 * A canonical wrapper of a number or a date, or the start of any other (`{"$`). Inside a JSON string
 * every `"` is escaped, so `{"$` only ever matches the text's own structure, never a value.
 */
const WRAPPER = /\{"\$(numberInt|numberLong|date)":(?:"(-?\d+)"|\{"\$numberLong":"(-?\d+)"\})\}|\{"\$/g;

/**
 * The stored text (relaxed EJSON, as `encodeStored` writes it) of the document an SDK insert sends
 * as canonical EJSON, made by rewriting its number and date wrappers in place: an insert then skips
 * copying and stringifying each document again, which was a tenth of the database's time in a 100k-row
 * import. Undefined for anything else (another wrapper, a server date, `__proto__`, a NUL), which
 * `encodeStored` then writes from the parsed document.
 */
export function storedText(wire: string): string | undefined {
  if (wire.includes('"__proto__"') || wire.includes('\\u0000')) return undefined;
  let sure = true;
  const text = wire.replace(WRAPPER, (whole, type?: string, plain?: string, long?: string) => {
    // An integer as `revive` reads it (the number), written as JSON writes that number.
    if ((type === 'numberInt' || type === 'numberLong') && plain !== undefined && SAFE_LONG.test(plain)) return plain;
    if (type === 'date' && long !== undefined && SAFE_LONG.test(long)) {
      const iso = relaxedDate(Number(long));
      if (iso !== undefined) return `{"$date":"${iso}"}`;
    }
    sure = false;
    return whole;
  });
  return sure ? text : undefined;
}

/**
 * bson's relaxed EJSON form of a document of plain objects, arrays, strings, finite numbers,
 * booleans, null, undefined and dates, for JSON.stringify: bson's own walk, which tracks every
 * object it visits, was a fifth of an insert. Throws NotShort for anything else.
 */
function relaxedCopy(value: unknown): unknown {
  if (value === undefined) return null;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotShort();
    return value;
  }
  if (Array.isArray(value)) return value.map(relaxedCopy);
  if (value instanceof Date) {
    const iso = relaxedDate(value.getTime());
    if (iso === undefined) throw new NotShort();
    return { $date: iso };
  }
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype || '_bsontype' in value)
    throw new NotShort();
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') throw new NotShort();
    out[key] = relaxedCopy((value as Record<string, unknown>)[key]);
  }
  return out;
}

export function decodeStored(text: string): Doc {
  try {
    return revive(JSON.parse(text), undefined) as Doc;
  } catch {
    // As in fromWire: bson is the reference for anything else.
  }
  return EJSON.parse(text, { relaxed: true }) as Doc;
}

/** The SDK sends and expects canonical EJSON strings. */
export function toWire(doc: object): string {
  return EJSON.stringify(doc, { relaxed: false });
}

/**
 * Parses an EJSON string from the SDK into plain JS values that mingo understands:
 * BSONRegExp becomes RegExp and CloudBase's `$tcb_server_date` becomes the server's clock.
 */
export function fromWire(text: unknown, what: string): unknown {
  if (typeof text !== 'string') throw new TypeError(`${what} must be an EJSON string`);
  const now = Date.now();
  try {
    return revive(JSON.parse(text), now);
  } catch {
    // Anything the short way does not cover (and every malformed text) goes the general way, whose
    // answer or error is the reference.
  }
  return normalise(EJSON.parse(text, { relaxed: true }), now);
}

/**
 * Keys bson's EJSON reads as a type wrapper (or refuses). The SDK's documents carry only numbers and
 * dates, which `revive` converts as bson's relaxed parse would; any other wrapper, or one of these
 * in another shape, is left to bson.
 */
const EJSON_KEYS = new Set([
  '$oid',
  '$binary',
  '$uuid',
  '$symbol',
  '$numberInt',
  '$numberDecimal',
  '$numberDouble',
  '$numberLong',
  '$minKey',
  '$maxKey',
  '$regex',
  '$regularExpression',
  '$timestamp',
  '$date',
  '$code',
  '$scope',
  '$ref',
  '$id',
  '$db',
  '$dbPointer',
  '$undefined',
]);

/** Integers a Long holds exactly as a number, written without leading zeros or `-0` (whose Long is 0). */
const SAFE_LONG = /^(0|-?[1-9]\d{0,14})$/;

class NotShort extends Error {}

/**
 * `normalise(EJSON.parse(text))` for a text already through JSON.parse (or, with no `now`, plain
 * `EJSON.parse` for what the store wrote), in one walk and without bson's reviver on every value
 * (an insert of 250 members spent most of its parse there). Throws NotShort where it is not sure to
 * give the same answer.
 */
function revive(value: unknown, now: number | undefined): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => revive(v, now));
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (key.includes('\u0000')) throw new NotShort();
    if (key.charCodeAt(0) === 36 /* $ */ && keys.length === 1) {
      const v = obj[key];
      if (key === '$numberInt' && typeof v === 'string') return parseInt(v, 10);
      if (key === '$numberDouble' && typeof v === 'string') return parseFloat(v);
      if (key === '$numberLong' && typeof v === 'string' && SAFE_LONG.test(v)) return Number(v);
      if (key === '$date') {
        const t = revive(v, now);
        if (typeof t === 'number' || typeof t === 'string') return new Date(typeof t === 'string' ? Date.parse(t) : t);
      }
      if (key === '$tcb_server_date' && now !== undefined) {
        const serverDate = revive(v, now) as { offset?: unknown } | null;
        if (serverDate) return new Date(now + (Number(serverDate.offset) || 0));
      }
    }
    if (EJSON_KEYS.has(key)) throw new NotShort();
    out[key] = revive(obj[key], now);
  }
  return out;
}

export function normalise(value: unknown, now: number): unknown {
  if (value instanceof BSONRegExp) return toRegExp(value);
  if (value === null || typeof value !== 'object' || value instanceof Date || value instanceof RegExp) return value;
  if (Array.isArray(value)) return value.map((v) => normalise(v, now));
  const obj = value as Record<string, unknown>;
  const serverDate = obj.$tcb_server_date as { offset?: number } | undefined;
  if (serverDate && Object.keys(obj).length === 1) return new Date(now + (Number(serverDate.offset) || 0));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) out[key] = normalise(obj[key], now);
  return out;
}

function toRegExp(re: BSONRegExp): RegExp {
  // MongoDB's `x` (extended) has no JS equivalent; i, m and s carry over.
  const flags = [...new Set(re.options.split(''))].filter((f) => 'ims'.includes(f)).join('');
  return new RegExp(re.pattern, flags);
}
