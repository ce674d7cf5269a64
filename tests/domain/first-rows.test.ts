import assert from 'node:assert/strict';
import { FirstRows } from '../../cloudfunctions/shared/importer/first-rows';

/** The first row of each key as a Map of strings finds it: the table must answer exactly the same. */
function answersLikeAMap(keys: string[]): void {
  const table = new FirstRows();
  const map = new Map<string, number>();
  keys.forEach((key, i) => {
    const row = i + 2;
    const expected = map.get(key);
    if (expected === undefined) map.set(key, row);
    assert.equal(table.claim(key, row), expected, `row ${row}, key ${key}`);
  });
}

describe('first row of each document key (the duplicate check)', () => {
  it('finds repeats among many keys, across the table growing', () => {
    const keys: string[] = [];
    for (let i = 0; i < 20_000; i++)
      keys.push(`44010619${String(80_000_000 + i * 37).padStart(9, '0')}${i % 11 === 10 ? 'X' : i % 11}`);
    // Every tenth key again, later, and a few twice more.
    for (let i = 0; i < 20_000; i += 10) keys.push(keys[i]);
    for (let i = 0; i < 20_000; i += 997) keys.push(keys[i]);
    answersLikeAMap(keys);
  });

  it('tells apart keys that differ only in the check character, or in where the digits sit', () => {
    answersLikeAMap([
      '44010619800101123X',
      '440106198001011230',
      '44010619800101123:',
      '44010619800101123x',
      '440106198001011231',
      '440106198001011231',
      '044010619800101123',
      '440106198001011230',
      '44010619800101123X',
      '44010619800101123:',
    ]);
  });

  it('keeps every other key exactly, beside the packed ones', () => {
    answersLikeAMap([
      'P:E12345678',
      'H12345678',
      '4401061980010112',
      '4401061980010112345',
      'P:E12345678',
      '440106198001011234',
      '44010619800101123４',
      'H12345678',
      '440106198001011234',
      '4401061980010112',
    ]);
  });
});
