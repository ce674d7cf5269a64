import assert from 'node:assert/strict';
import type { MemberRow } from '../../typings/member';
import type { ImportJobView } from '../../typings/importer';
import { syntheticResidentId } from '../../cloudfunctions/shared/identity/resident-id';
import { grassrootsWorld, uploadImport } from '../helpers/importer';
import { registerPerson, type Caller, type DemoWorld } from '../helpers/api';
import { xlsxOf, type Cell } from '../helpers/files';

/** Resident IDs born 1950, apart from the demo people and the other import tests. */
const id = (seq: number) => syntheticResidentId('19500101', 500 + seq);

/**
 * 会员列表's search as a union office clerk uses it: a surname, a full name, part of a name, a full
 * phone or ID number, or the tail read off a masked number, each answered from the union's rows.
 */
describe('member search in a union’s list (through the SDK)', function () {
  this.timeout(180_000);
  let world: DemoWorld;
  let admin: Caller;
  let grassroots: string;

  const PEOPLE: Cell[][] = [
    ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'],
    ['欧阳小明', '居民身份证', id(1), '13900002001', ''],
    ['王小明', '居民身份证', id(2), '13900002002', ''],
    // Holds the pairs 王小 and 小明, but not 王小明 in one piece.
    ['小明王小', '居民身份证', id(3), '13900002003', ''],
    ['𠇔䶮', '居民身份证', id(4), '13900002004', ''],
    ['阿依古丽·买买提', '居民身份证', id(5), '13900002005', ''],
    ['Anna Lee', '居民身份证', id(6), '13900002006', ''],
    ['陈港澳', '港澳居民来往内地通行证', 'H87654321', '13900002007', ''],
    // 30 namesakes in part, for paging through one search.
    ...Array.from({ length: 30 }, (_, i): Cell[] => [
      `测试${String.fromCodePoint(0x4e00 + i)}`,
      '居民身份证',
      id(100 + i),
      `137${String(10_000_000 + i)}`,
      '',
    ]),
  ];

  before(async () => {
    ({ world, admin, grassroots } = await grassrootsWorld());
    const fileId = await uploadImport(world, xlsxOf(PEOPLE));
    let job: ImportJobView = await admin.ok('importer', 'submit', { unionId: grassroots, fileId });
    for (let i = 0; job.status !== 'done' && i < 50; i++) job = await admin.ok('importer', 'run', { jobId: job.jobId });
    assert.equal(job.status, 'done');
  });
  after(() => world.close());

  const search = async (keyword: string, realName = false): Promise<MemberRow[]> =>
    (await admin.ok('member', 'list', { unionId: grassroots, realName, keyword, pageSize: 50 })).items;
  const names = async (keyword: string, realName = false) => (await search(keyword, realName)).map((m) => m.name);

  it('finds a surname, a compound surname, a full name and part of a given name', async () => {
    assert.deepEqual(await names('王'), ['王小明'], 'one character is a surname: not 小明王小');
    assert.deepEqual(await names('欧阳'), ['欧阳小明']);
    assert.deepEqual(await names('王小明'), ['王小明'], 'a full name, not a name holding its pairs apart');
    assert.deepEqual((await names('小明')).sort(), ['小明王小', '欧阳小明', '王小明']);
    assert.deepEqual(await names('阳小明'), ['欧阳小明']);
    assert.deepEqual(await names('王 小明'), ['王小明'], 'spaces typed between characters do not matter');
    assert.deepEqual(await names('赵钱孙'), []);
  });

  it('finds names with characters beyond the BMP, with separators, and typed in full width', async () => {
    assert.deepEqual(await names('𠇔'), ['𠇔䶮']);
    assert.deepEqual(await names('䶮𠇔'), []);
    assert.deepEqual(await names('𠇔䶮'), ['𠇔䶮']);
    assert.deepEqual(await names('古丽'), ['阿依古丽·买买提']);
    assert.deepEqual(await names('古丽买买提'), ['阿依古丽·买买提'], 'across the separator');
    assert.deepEqual(await names('阿依古丽・买买提'), ['阿依古丽·买买提'], 'another dot for the separator');
    assert.deepEqual(await names('ＡＮＮＡ'), ['Anna Lee'], 'full-width letters, any case');
    assert.deepEqual(await names('anna lee'), ['Anna Lee']);
  });

  it('finds a full phone or ID number, as typed or pasted, and shows it masked', async () => {
    for (const keyword of ['13900002002', '139-0000-2002', '１３９００００２００２', '+86 139 0000 2002']) {
      const rows = await search(keyword);
      assert.deepEqual(
        rows.map((m) => [m.name, m.phoneMasked]),
        [['王小明', '139****2002']],
        keyword,
      );
    }
    assert.deepEqual(await names(id(2)), ['王小明']);
    assert.deepEqual(await names(` ${id(2).slice(0, 6)} ${id(2).slice(6)} `), ['王小明']);
    assert.deepEqual(await names('h87654321'), ['陈港澳'], 'a permit number in lower case');
  });

  it('finds the tail read off a masked phone or ID number, and only rows that show it', async () => {
    const shows = (rows: MemberRow[], tail: string) =>
      rows.every((m) => m.phoneMasked.endsWith(tail) || m.docMasked.endsWith(tail));
    for (const [tail, who] of [
      ['2002', '王小明'],
      [id(2).slice(-4), '王小明'],
      ['21', '陈港澳'],
    ]) {
      const rows = await search(tail);
      assert.ok(
        rows.some((m) => m.name === who),
        `${tail} finds ${who}`,
      );
      assert.ok(shows(rows, tail), `every row found by ${tail} shows it: ${rows.map((m) => m.name).join()}`);
    }
    assert.ok((await names('139****2002')).includes('王小明'), 'a masked number copied from the list');
    const middle = await search('0000');
    assert.ok(!middle.some((m) => m.name === '王小明'), 'the hidden middle of 139****2002 is not searchable');
    assert.ok(shows(middle, '0000'));
  });

  it('explains a keyword with digits that is neither a number nor a tail', async () => {
    const err = await admin.fails('member', 'list', { unionId: grassroots, realName: false, keyword: '3号楼' });
    assert.equal(err.code, 'INVALID_INPUT');
    assert.match(err.message, /完整的手机号或证件号码.*后 4 位/);
  });

  it('pages through a search by cursor, newest first, with its total', async () => {
    const seen: MemberRow[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await admin.ok('member', 'list', {
        unionId: grassroots,
        realName: false,
        keyword: '测试',
        pageSize: 12,
        cursor,
      });
      assert.equal(res.total, 30);
      seen.push(...res.items);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    assert.equal(seen.length, 30);
    assert.equal(new Set(seen.map((m) => m.id)).size, 30);
    const whole = await admin.ok('member', 'list', { unionId: grassroots, realName: false, pageSize: 100 });
    assert.deepEqual(
      seen.map((m) => m.id),
      whole.items.filter((m) => m.name.startsWith('测试')).map((m) => m.id),
      'the same order as the whole list',
    );
  });

  it('an imported person who registers is found on the real-name list by the new phone’s tail', async () => {
    await registerPerson(world, 'wx-search-wang', { name: '王小明', docNumber: id(2), phone: '13700007788' });
    assert.deepEqual(await names('7788', true), ['王小明']);
    assert.deepEqual(await names('王小明', true), ['王小明']);
    assert.deepEqual(await names('王小明'), [], 'gone from the not-real-name list');
    assert.deepEqual(await names('2002', true), [], 'the imported phone is no longer the member’s');
  });

  it('a member approved through an application is found by name, phone and ID', async () => {
    await registerPerson(world, 'wx-search-rare', { name: '𪚥·小红', docNumber: id(9), phone: '13700009911' });
    const sent = await world.as('wx-search-rare').ok('review', 'submit', {
      kind: 'memberJoin',
      data: { unionId: grassroots, unitName: '广州示例科技有限公司' },
    });
    await admin.ok('review', 'approve', { id: sent.application.id });
    for (const keyword of ['𪚥', '𪚥小红', '9911', '13700009911', id(9)])
      assert.deepEqual(await names(keyword, true), ['𪚥·小红'], keyword);
  });
});
