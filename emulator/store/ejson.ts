import { BSONRegExp, EJSON } from 'bson';

export type Doc = Record<string, unknown> & { _id: string };

/** Documents rest on disk as relaxed EJSON so that SQLite's json_extract sees plain strings and numbers. */
export function encodeStored(doc: object): string {
  return EJSON.stringify(doc, { relaxed: true });
}

export function decodeStored(text: string): Doc {
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
  return normalise(EJSON.parse(text, { relaxed: true }), Date.now());
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
