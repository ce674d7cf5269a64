/**
 * The first row of each document index key, for the duplicate check. Nearly every key is 17 digits
 * and a check character (resident IDs, residence permits): such a key is held exactly, as two 32-bit
 * numbers in an open-addressing table of typed arrays, instead of as a string in a Map. At 200,000
 * rows the Map was about 18 MB of heap that every full collection walks (a 56-byte string and an
 * entry per row); the table is 6 MB outside the heap. Any other key is kept in a Map. Two keys are
 * equal exactly when they meet in one place, so the check is the string comparison it was.
 */
export class FirstRows {
  /** Per slot: the key's high and low halves and its first row (0: an empty slot; rows count from 1). */
  private table = new Uint32Array(3 * 1024);
  private size = 0;
  private readonly others = new Map<string, number>();

  /** The row `key` was first seen on; when it is new, `row` becomes that row and undefined is returned. */
  claim(key: string, row: number): number | undefined {
    if (!packDigits(key)) {
      const first = this.others.get(key);
      if (first === undefined) this.others.set(key, row);
      return first;
    }
    const at = this.find(packedHi, packedLo);
    if (this.table[at + 2] !== 0) return this.table[at + 2];
    this.table[at] = packedHi;
    this.table[at + 1] = packedLo;
    this.table[at + 2] = row;
    // Kept at most half full, so a probe meets an empty slot soon.
    if (++this.size * 2 > this.table.length / 3) this.grow();
    return undefined;
  }

  /** The slot holding the key, or the empty slot where it belongs. */
  private find(hi: number, lo: number): number {
    const slots = this.table.length / 3;
    let h = Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    for (let s = h & (slots - 1); ; s = (s + 1) & (slots - 1)) {
      const at = 3 * s;
      if (this.table[at + 2] === 0 || (this.table[at] === hi && this.table[at + 1] === lo)) return at;
    }
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    for (let at = 0; at < old.length; at += 3) {
      if (old[at + 2] === 0) continue;
      const to = this.find(old[at], old[at + 1]);
      this.table.set(old.subarray(at, at + 3), to);
    }
  }
}

// The halves of the last key `packDigits` accepted: set there rather than returned, so no row allocates.
let packedHi = 0;
let packedLo = 0;

/**
 * Packs an 18-character key of 17 digits and a check character (0-9 or X) into two numbers, one to
 * one: the first 9 digits (< 10^9), and the next 8 digits times 11 plus the check character's
 * value (< 1.1 × 10^9). False for any other key.
 */
function packDigits(key: string): boolean {
  if (key.length !== 18) return false;
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 17; i++) {
    const d = key.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (i < 9) hi = hi * 10 + d;
    else lo = lo * 10 + d;
  }
  const c = key.charCodeAt(17);
  const check = c === 88 ? 10 : c - 48;
  if (check < 0 || check > 10 || (check === 10 && c !== 88)) return false;
  packedHi = hi;
  packedLo = lo * 11 + check;
  return true;
}
