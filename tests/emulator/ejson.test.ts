import assert from 'node:assert/strict';
import { EJSON } from 'bson';
import { serialize } from '@cloudbase/database/dist/commonjs/serializer/datatype';
import { stringifyByEJSON } from '@cloudbase/database/dist/commonjs/utils/utils';
import { startLocalEmulator } from '../../fixtures/local-emulator';
import { sdkFor } from '../helpers/emulator';
import { decodeStored, encodeStored, fromWire, normalise, storedText } from '../../emulator/store/ejson';

/** What the SDK's texts mean, the general way: bson's relaxed parse, then the emulator's normalising. */
const reference = (text: string, now: number) => normalise(EJSON.parse(text, { relaxed: true }), now);

describe('emulator EJSON: the short way reads the SDK texts as bson does', () => {
  const now = Date.now();
  const texts: string[] = [
    // A member as the SDK sends it (canonical: every number and date wrapped).
    EJSON.stringify(
      {
        _id: 'mi1',
        userId: null,
        realName: false,
        doc: { cipher: 'v1.a.b.c', index: 'x', masked: '4401**1234' },
        joinedAt: new Date(1764000000123),
        old: new Date(-5000),
        version: 1,
        ratio: 1.5,
        big: 2 ** 40,
        tags: ['a', 1, { n: 2 }, [new Date(0)]],
      },
      { relaxed: false },
    ),
    // Queries: operators are plain keys, not wrappers.
    EJSON.stringify({ docIndex: { $in: ['a', 'b'] }, status: 'active', n: { $gt: 3, $lte: 9.5 } }, { relaxed: false }),
    '{"a":{"$numberDouble":"-0.0"},"b":{"$numberDouble":"NaN"},"c":{"$numberDouble":"-Infinity"},"d":{"$numberInt":"-7"}}',
    '{"a":{"$numberLong":"9007199254740993"},"b":{"$numberLong":"0"},"c":{"$numberLong":"-9007199254740991"},"d":{"$numberLong":"-12"}}',
    '{"d":{"$date":"2026-01-02T03:04:05.678Z"},"e":{"$date":{"$numberLong":"1764000000000"}},"f":{"$date":5}}',
    '{"d":{"$date":"2026-01-02T03:04:05Z","x":1},"e":{"$date":null},"f":{"$numberInt":null}}',
    // (A server date is the clock at the request: compared on its own below.)
    '{"z":{"$tcb_server_date":null},"y":{"$tcb_server_date":{"offset":1},"x":2}}',
    '{"r":{"$regularExpression":{"pattern":"^续","options":"i"}},"o":{"$oid":"0123456789abcdef01234567"}}',
    '{"u":{"$undefined":true},"ref":{"$ref":"c","$id":"x"},"b":{"$binary":{"base64":"AA==","subType":"00"}}}',
    '{"$numberInt":"3"}',
    '[1,{"$numberInt":"2"},"x",null]',
    '"text"',
  ];
  for (const text of texts) {
    it(text.length > 70 ? `${text.slice(0, 70)}…` : text, () => {
      assert.deepEqual(fromWire(text, 'data'), reference(text, Date.now()) as unknown, text);
    });
  }

  it('server dates are the clock at the request, with their offset', () => {
    const at = fromWire('{"$tcb_server_date":{"offset":{"$numberInt":"1000"}}}', 'data') as Date;
    assert.ok(at instanceof Date);
    assert.ok(Math.abs(at.getTime() - (Date.now() + 1000)) < 5000);
    assert.ok(now <= at.getTime());
  });

  it('refuses what bson refuses, with its error', () => {
    for (const bad of [
      '{"a":',
      '{"a\\u0000b":1}',
      '{"a":{"$numberLong":"1.5"}}',
      '{"a":{"$numberLong":"-0"}}',
      '{"a":{"$numberLong":"007"}}',
    ]) {
      assert.throws(
        () => fromWire(bad, 'data'),
        (err: Error) => {
          assert.throws(() => reference(bad, now), { message: err.message });
          return true;
        },
      );
    }
  });
});

describe('emulator EJSON: documents are stored as bson writes relaxed EJSON', () => {
  const docs: Array<[string, object]> = [
    [
      'a member',
      {
        _id: 'mi1',
        userId: null,
        gone: undefined,
        realName: false,
        name: '会员𠀀·一',
        doc: { cipher: 'v1.a.b.c', index: 'x', masked: '4401**1234' },
        joinedAt: new Date(1764000000000),
        updatedAt: new Date(1764000000123),
        version: 1,
        ratio: -0,
        list: [1, undefined, 'a', { at: new Date(0) }, []],
      },
    ],
    ['dates out of the ISO range', { before: new Date(-1), far: new Date(253402300800000), bad: new Date(NaN) }],
    ['numbers JSON cannot write', { n: NaN, i: Infinity, m: -Infinity }],
    ['a regular expression', { r: /^续/i }],
    ['a bson value', { o: { _bsontype: 'ObjectId', id: 'x' } }],
    ['a map', { m: new Map([['a', 1]]) }],
    ['a key bson reads as a server date', { at: { $tcb_server_date: { offset: 1 } } }],
  ];
  for (const [label, doc] of docs) {
    it(label, () => {
      let expected: string | Error;
      try {
        expected = EJSON.stringify(doc, { relaxed: true });
      } catch (err) {
        expected = err as Error;
      }
      if (typeof expected === 'string') {
        assert.equal(encodeStored(doc), expected);
        // Read back as bson reads it (an invalid date is written, and refused on reading, both ways).
        const stored = expected;
        let read: unknown;
        try {
          read = EJSON.parse(stored, { relaxed: true });
        } catch (err) {
          assert.throws(() => decodeStored(stored), { message: (err as Error).message });
          return;
        }
        assert.deepEqual(decodeStored(stored), read);
      } else assert.throws(() => encodeStored(doc), { message: expected.message });
    });
  }
});

describe('emulator EJSON: an inserted document is stored from the SDK text as from the parsed document', () => {
  /** What the SDK sends for one document of an `add` (collection.js: each document on its own). */
  const sdkText = (doc: object): string => stringifyByEJSON(serialize(doc)) as string;
  const member = {
    _id: 'mi0123456789abcdefr2',
    userId: null,
    unionId: 'u-grassroots',
    realName: false,
    status: 'active',
    name: '欧阳·小明',
    doc: { cipher: 'v1.aXY=.dGFn.Ym9keQ==', masked: '4401**********123X' },
    phone: { cipher: 'v1.a.b.c', masked: '138****5678' },
    joinedAt: new Date(1764000000123),
    updatedAt: new Date(1764000000000),
    version: 1,
    searchTokens: ['欧', '欧阳', '#123X', '#5678'],
  };
  const made: Array<[string, object, 'rewritten' | 'left to encodeStored']> = [
    ['a member as the importer sends it', member, 'rewritten'],
    [
      'integers, nested values, and strings that look like wrappers',
      {
        _id: 'x',
        n: [-5, 0, -0, 2147483647, -2147483648, 2 ** 40, -(2 ** 49)],
        at: [[new Date(0)], { d: new Date(253402300799999) }],
        s: '{"$numberInt":"1"} {"$date":{"$numberLong":"5"}} \\ " \u0001 \u2028',
        '{"$numberInt":"1"}': true,
        empty: {},
        list: [],
      },
      'rewritten',
    ],
    ['a fraction', { _id: 'x', ratio: 1.5 }, 'left to encodeStored'],
    ['a date before 1970', { _id: 'x', at: new Date(-5000) }, 'left to encodeStored'],
    ['a date after 9999', { _id: 'x', at: new Date(253402300800000) }, 'left to encodeStored'],
    ['an integer of 16 digits', { _id: 'x', big: 2 ** 60 }, 'left to encodeStored'],
    ['a key starting with $', { _id: 'x', a: { $ne: 1 } }, 'left to encodeStored'],
  ];
  for (const [label, doc, how] of made) {
    it(`${label}: ${how}`, () => {
      const wire = sdkText(doc);
      const stored = storedText(wire);
      if (how === 'rewritten') assert.equal(stored, encodeStored(fromWire(wire, 'data') as object), wire);
      else assert.equal(stored, undefined, wire);
    });
  }

  it('a server date (the clock at the insert), a key __proto__ or a NUL is left to encodeStored', () => {
    for (const wire of [
      '{"_id":"x","at":{"$tcb_server_date":{"offset":{"$numberInt":"0"}}}}',
      '{"_id":"x","__proto__":{"a":{"$numberInt":"1"}}}',
      '{"_id":"x","a\\u0000b":{"$numberInt":"1"}}',
    ])
      assert.equal(storedText(wire), undefined, wire);
  });

  it('what the SDK stores is read back as the document it sent', async () => {
    const emulator = await startLocalEmulator({ functionsDirs: [], inMemory: true });
    try {
      await sdkFor(emulator)
        .database()
        .collection('members')
        .add([member, { ...member, _id: 'mi2', version: 2 }]);
      assert.deepEqual(emulator.store.get('members', member._id), member);
      assert.deepEqual(emulator.store.get('members', 'mi2'), { ...member, _id: 'mi2', version: 2 });
    } finally {
      await emulator.close();
    }
  });
});
