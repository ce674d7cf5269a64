import { RANK, type KeyPart } from './index-keys';

/**
 * An index key as one string whose order under SQLite's BINARY collation (memcmp of the UTF-8
 * bytes, which is code point order) is the key's order. Each part is its type rank as one character
 * (U+0001 to U+000B), then its value:
 *   - a number or a date: the 16 hex digits of its IEEE 754 bits, with the sign bit flipped for
 *     positives and every bit flipped for negatives, so larger numbers sort later;
 *   - a boolean: `0` or `1`. It was a number's 16 digits until KEY_FORMAT 2: member keys carry
 *     `realName`, and the 15 characters fewer in six of a member's ten keys made 100k store-only
 *     member inserts about 5 % faster (6.2 s against 6.6 s, medians of three runs each in turn);
 *   - anything else: its characters, U+0000 written as U+0000 U+0001, ended by U+0000 U+0000, so no
 *     value's encoding is a prefix of another's and a shorter string sorts first.
 * Before this, each part was two SQLite columns (rank, value). One string makes an index entry
 * smaller and a comparison one memcmp: `npm run bench -- emulator` added 100k members to 900k in
 * 7.4 s instead of 8.5 s and filled the 1M in 25.8 s instead of 31.1 s, with the same read latency.
 *
 * Whatever follows a whole part is a rank (below U+000C) or nothing, so a key followed by `AFTER`
 * bounds from above every key that extends it.
 */

/**
 * The encoding's version, kept in the database (`PRAGMA user_version`, document-store.ts): index
 * tables written by an older one are rebuilt when the folder is opened. 0 (unset): written before
 * the version was kept (booleans as numbers, or, earlier still, two columns a key part);
 * 2: booleans as one character.
 */
export const KEY_FORMAT = 2;

const NUMBER_RANKS: ReadonlySet<number> = new Set([RANK.number, RANK.date]);
export const AFTER = '\u007f';
const TERMINATOR = '\u0000\u0000';

const bits = new DataView(new ArrayBuffer(8));

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Numbers encoded lately: an import's keys repeat one date and one boolean thousands of times. */
const recent = new Map<number, string>();

function encodeNumber(value: number): string {
  const known = recent.get(value);
  if (known !== undefined) return known;
  bits.setFloat64(0, value === 0 ? 0 : value); // -0 sorts with 0: MongoDB compares them equal
  const hi = bits.getUint32(0);
  const lo = bits.getUint32(4);
  const text = hi & 0x80000000 ? hex8(~hi) + hex8(~lo) : hex8(hi | 0x80000000) + hex8(lo);
  if (recent.size >= 256) recent.clear();
  recent.set(value, text);
  return text;
}

function decodeNumber(text: string): number {
  const hi = parseInt(text.slice(0, 8), 16);
  const lo = parseInt(text.slice(8, 16), 16);
  if (hi & 0x80000000) bits.setUint32(0, hi & 0x7fffffff);
  else bits.setUint32(0, ~hi >>> 0);
  bits.setUint32(4, hi & 0x80000000 ? lo : ~lo >>> 0);
  return bits.getFloat64(0);
}

function encodePart([rank, value]: KeyPart): string {
  const tag = String.fromCharCode(rank);
  if (rank === RANK.boolean) return tag + (value ? '1' : '0');
  if (NUMBER_RANKS.has(rank)) {
    if (typeof value !== 'number') throw new Error(`index key rank ${rank} holds a number, not ${typeof value}`);
    return tag + encodeNumber(value);
  }
  if (typeof value !== 'string') throw new Error(`index key rank ${rank} holds a string, not ${typeof value}`);
  return tag + (value.includes('\u0000') ? value.split('\u0000').join('\u0000\u0001') : value) + TERMINATOR;
}

/** The key's encoding, optionally followed by `extra` (a bound's `AFTER`, or the rank after a range's). */
export function encodeKey(parts: readonly KeyPart[], extra = ''): string {
  let out = '';
  for (const part of parts) out += encodePart(part);
  return out + extra;
}

export function decodeKey(key: string): KeyPart[] {
  const parts: KeyPart[] = [];
  let at = 0;
  while (at < key.length) {
    const rank = key.charCodeAt(at++);
    if (rank === RANK.boolean) {
      parts.push([rank, key[at++] === '1' ? 1 : 0]);
      continue;
    }
    if (NUMBER_RANKS.has(rank)) {
      parts.push([rank, decodeNumber(key.slice(at, at + 16))]);
      at += 16;
      continue;
    }
    let value = '';
    for (;;) {
      const zero = key.indexOf('\u0000', at);
      value += key.slice(at, zero);
      at = zero + 2;
      if (key.charCodeAt(zero + 1) === 0) break;
      value += '\u0000';
    }
    parts.push([rank, value]);
  }
  return parts;
}
