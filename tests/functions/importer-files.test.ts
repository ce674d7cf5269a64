import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import * as XLSX from 'xlsx';
import type { MemberDoc } from '../../cloudfunctions/shared/documents';
import { demoResidentId } from '../../fixtures/demo';
import { requireOrSkip } from '../helpers/system-packages';
import { grassrootsWorld, uploadImport } from '../helpers/importer';
import { registerPerson } from '../helpers/api';
import { catalogueId } from '../helpers/catalogue';
import {
  convertWithLibreOffice,
  flatOds,
  workbookOf,
  xlsxFromParts,
  xlsxOf,
  zipBomb,
  type Cell,
} from '../helpers/files';

/**
 * The files admins really have (LibreOffice, WPS, old Excel, CSV from other systems) and what they
 * type into them, through the importer function and the real SDK.
 */
const HEADER = ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'];
/** What a Chinese input method in full-width mode types for ASCII letters, digits and `+`. */
/** A valid name per person number: names hold no digits. */
const nameOf = (mark: string, seq: number) => `${mark}${String.fromCodePoint(0x4e00 + seq)}`;
const fullWidth = (s: string) => s.replace(/[0-9A-Za-z+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('member import: files and typing as admins really have them (through the SDK)', function () {
  this.timeout(180_000);
  let s: Awaited<ReturnType<typeof grassrootsWorld>>;
  before(async () => {
    s = await grassrootsWorld();
  });
  after(() => s.world.close());

  const upload = (buf: Buffer, name?: string) => uploadImport(s.world, buf, name);
  const validate = async (buf: Buffer, name?: string) =>
    s.admin.ok('importer', 'validate', { unionId: s.grassroots, fileId: await upload(buf, name) });
  const refusal = async (buf: Buffer, name?: string) =>
    s.admin.fails('importer', 'validate', { unionId: s.grassroots, fileId: await upload(buf, name) });
  const problemsOf = (report: { problems: Array<{ row: number; column: string; message: string }> }) =>
    report.problems.map((p) => `${p.row} ${p.column}:${p.message}`);

  describe('identity: a registered person joins only under their own name', () => {
    it('refuses a row whose name differs from the registered name, masked, and joins no one', async () => {
      // demo-user 孙注册 is registered and in no union; a row with their ID under another name must not enrol them.
      const rows: Cell[][] = [HEADER, ['李冒名', '居民身份证', demoResidentId(10), '13900005001', '']];
      const report = await validate(xlsxOf(rows));
      assert.deepEqual([report.valid, report.willAutoJoin], [0, 0]);
      assert.deepEqual(problemsOf(report), [
        '2 姓名:该证件号码已由“孙**”实名注册，与本行姓名“李冒名”不一致，未导入；请核对姓名和证件号码',
      ]);
      const job = await s.admin.ok('importer', 'submit', { unionId: s.grassroots, fileId: await upload(xlsxOf(rows)) });
      assert.deepEqual([job.status, job.imported, job.autoJoined, job.skipped], ['done', 0, 0, 1]);
      assert.match(job.rejectedRows[0].message, /已由“孙\*\*”实名注册/);
      assert.equal(
        (await s.world.as('demo-user').ok('member', 'my', {})).card,
        null,
        'the registered person was not joined',
      );
      assert.equal(
        (await s.world.docs<MemberDoc>('members', { name: '李冒名' })).length,
        0,
        'and no not-real-name member was created either',
      );
    });

    it('joins a registered person whose name is typed with different spacing and full-width forms', async () => {
      await registerPerson(s.world, 'wx-import-identity', {
        name: '欧阳明',
        docNumber: catalogueId(101),
        phone: '13700005002',
      });
      const rows: Cell[][] = [HEADER, ['欧阳\u3000明', '居民身份证', fullWidth(catalogueId(101)), '13700005002', '']];
      const report = await validate(xlsxOf(rows));
      assert.deepEqual([report.valid, report.willAutoJoin, report.problemCount], [1, 1, 0]);
      const job = await s.admin.ok('importer', 'submit', { unionId: s.grassroots, fileId: await upload(xlsxOf(rows)) });
      assert.deepEqual([job.status, job.autoJoined], ['done', 1]);
      assert.equal(
        (await s.world.as('wx-import-identity').ok('member', 'my', {})).card?.unionName,
        '广州示例科技有限公司工会委员会',
      );
    });
  });

  it('a row imported under another name is not claimed when the person registers', async () => {
    const job = await s.admin.ok('importer', 'submit', {
      unionId: s.grassroots,
      fileId: await upload(xlsxOf([HEADER, ['错名', '居民身份证', catalogueId(102), '13700005003', '']])),
    });
    assert.equal(job.imported, 1);
    const reg = await registerPerson(s.world, 'wx-import-other-name', {
      name: '真名',
      docNumber: catalogueId(102),
      phone: '13700005004',
    });
    assert.equal(reg.autoJoined, null);
    assert.equal((await s.world.as('wx-import-other-name').ok('member', 'my', {})).card, null);
  });

  describe('what people type', () => {
    it('reads full-width digits, ideographic and non-breaking spaces, +86, dashes and a lower-case x', async () => {
      const idX = (() => {
        for (let i = 200; i < 400; i++) if (catalogueId(i).endsWith('X')) return catalogueId(i);
        throw new Error('no X check character in range');
      })();
      const rows: Cell[][] = [
        HEADER,
        ['全角甲', '居民身份证', fullWidth(catalogueId(120)), fullWidth('13900006001'), ''],
        ['\u00a0空格乙\u3000', '居民身份证', ` ${catalogueId(121)}\u00a0`, '+86 139-0000-6002', ''],
        ['加号丙', '居民身份证', catalogueId(122), fullWidth('+8613900006003'), ''],
        ['小写丁', '居民身份证', idX.toLowerCase(), '139 0000 6004', ''],
      ];
      const report = await validate(xlsxOf(rows));
      assert.deepEqual(problemsOf(report), []);
      assert.equal(report.valid, 4);
      const job = await s.admin.ok('importer', 'submit', { unionId: s.grassroots, fileId: await upload(xlsxOf(rows)) });
      assert.equal(job.imported, 4);
      const list = await s.admin.ok('member', 'list', { unionId: s.grassroots, realName: false, keyword: '空格乙' });
      assert.equal(list.items[0].name, '空格乙', 'stored without the spaces around it');
    });

    it('shows what was read when a value is still wrong', async () => {
      const rows: Cell[][] = [HEADER, ['错号', '居民身份证', fullWidth('4401061960'), fullWidth('139000'), '']];
      const report = await validate(xlsxOf(rows));
      const byColumn = Object.fromEntries(report.problems.map((p) => [p.column, p.message]));
      assert.match(byColumn['证件号码'], /（读到的是“４４０１０６１９６０”）$/);
      assert.match(byColumn['手机号码'], /^手机号码应为 11 位数字并以 1 开头，请核对（读到的是“１３９０００”）$/);
    });
  });

  describe('the sheet is found by its header', () => {
    it('reads the sheet with the header, wherever it is, says which, and keeps Excel row numbers under a title row', async () => {
      const book = workbookOf([
        ['汇总', [['2026 年会员汇总'], ['合计', '3']]],
        [
          '名单',
          [
            ['示例科技工会会员名册'],
            HEADER,
            ['表头后甲', '', catalogueId(130), '13900007001', ''],
            ['表头后乙', '', catalogueId(131), '1390000700', ''],
          ],
        ],
      ]);
      const report = await validate(book);
      assert.equal(report.sheetName, '名单');
      assert.deepEqual(report.notices, ['读取的是工作表“名单”，表头在第 2 行']);
      assert.equal(report.valid, 1);
      assert.deepEqual(
        report.problems.map((p) => [p.row, p.column]),
        [[4, '手机号码']],
      );
    });

    it('lists the sheets when none has a header', async () => {
      const err = await refusal(
        workbookOf([
          ['汇总', [['合计', '3']]],
          ['Sheet2', [['张三', '13900007002']]],
        ]),
      );
      assert.equal(err.field, 'file');
      assert.equal(
        err.message,
        '在工作表“汇总”、“Sheet2”中都没有找到表头行（姓名、证件类型、证件号码、手机号码、单位名称），请把表头放在第 1 行，或使用导入模板',
      );
    });

    it('names a second sheet with a header, which is not imported', async () => {
      const book = workbookOf([
        ['一车间', [HEADER, ['一车间甲', '', catalogueId(132), '13900007003', '']]],
        ['二车间', [HEADER, ['二车间甲', '', catalogueId(133), '13900007004', '']]],
      ]);
      const report = await validate(book);
      assert.equal(report.valid, 1);
      assert.match(report.notices.join('\n'), /工作表“二车间”也有表头，但本次只导入“一车间”，请分别导入/);
    });
  });

  describe('xlsx as other writers save it (read as a stream)', () => {
    it('reads prefixed tags, inline strings, rich text without its phonetic guide, number cells and cells without references; skips a hidden sheet', async () => {
      const inline = (t: string) => `<x:c t="inlineStr"><x:is><x:t>${t}</x:t></x:is></x:c>`;
      const header = `<x:row r="1">${HEADER.map(inline).join('')}</x:row>`;
      const hidden = `${header}<x:row r="2">${inline('隐藏甲')}${inline('')}${inline(catalogueId(143))}${inline('13900008004')}</x:row>`;
      const visible =
        header +
        `<x:row r="2"><x:c r="A2" t="s"><x:v>0</x:v></x:c><x:c r="C2" t="s"><x:v>1</x:v></x:c><x:c r="D2"><x:v>13900008005</x:v></x:c><x:c r="E2" t="s"><x:v>2</x:v></x:c></x:row>` +
        `<x:row r="4">${inline('流式乙')}${inline('')}${inline(catalogueId(145))}${inline('13900008006')}</x:row>`;
      const strings = [
        '<r><t>流式</t></r><r><t>甲</t></r><rPh sb="0" eb="2"><t>liushi</t></rPh>',
        `<t>${catalogueId(144)}</t>`,
        '<t xml:space="preserve">A&amp;B 公司</t>',
      ];
      const report = await validate(
        xlsxFromParts(
          [
            ['隐藏', hidden, true],
            ['名册', visible],
          ],
          strings,
        ),
      );
      assert.equal(report.sheetName, '名册');
      assert.deepEqual([report.valid, report.problemCount], [2, 0]);
      const job = await s.admin.ok('importer', 'submit', {
        unionId: s.grassroots,
        fileId: await upload(
          xlsxFromParts(
            [
              ['隐藏', hidden, true],
              ['名册', visible],
            ],
            strings,
          ),
        ),
      });
      assert.equal(job.imported, 2);
      const list = await s.admin.ok('member', 'list', { unionId: s.grassroots, realName: false, keyword: '流式甲' });
      assert.deepEqual([list.items[0]?.name, list.items[0]?.unitName], ['流式甲', 'A&B 公司']);
    });
  });

  describe('header aliases and extra columns', () => {
    it('takes 身份证号, 联系电话 and 单位, and leaves 序号 and 部门 out with a notice', async () => {
      const rows: Cell[][] = [
        ['序号', '姓名', '身份证号', '联系电话', '部门', '单位'],
        [1, '别名甲', catalogueId(140), '13900008001', '财务部', '外部单位'],
        [2, '别名乙', catalogueId(141), '13900008002', '人事部', ''],
      ];
      const report = await validate(xlsxOf(rows));
      assert.deepEqual([report.valid, report.problemCount], [2, 0]);
      assert.equal(
        report.notices[1],
        '已忽略无法识别的列：“序号”、“部门”；只导入姓名、证件类型、证件号码、手机号码、单位名称',
      );
      const alt = await validate(
        xlsxOf([
          ['*姓名', '证件号', '手机（必填）'],
          ['别名丙', catalogueId(142), '13900008003'],
        ]),
      );
      assert.deepEqual([alt.valid, alt.problemCount], [1, 0]);
    });
  });

  describe('CSV', () => {
    const csvText = (rows: string[][]) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
    const csvRows = (seq: number) => [
      HEADER,
      [nameOf('逗号', seq), '居民身份证', catalogueId(seq), `1390000${9000 + seq}`, '示例单位'],
    ];

    it('reads UTF-8 without and with a BOM, and GBK as Excel on Chinese Windows saves it', async () => {
      const plain = await validate(Buffer.from(csvText(csvRows(150))), 'members.csv');
      const bom = await validate(
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csvText(csvRows(151)))]),
        'members.csv',
      );
      const gbk = await validate(iconv.encode(csvText(csvRows(152)), 'gbk'), 'members.csv');
      for (const report of [plain, bom, gbk]) assert.deepEqual([report.valid, report.problemCount], [1, 0]);
      const job = await s.admin.ok('importer', 'submit', {
        unionId: s.grassroots,
        fileId: await upload(iconv.encode(csvText(csvRows(153)), 'gb18030'), 'members.csv'),
      });
      assert.equal(job.imported, 1);
      const list = await s.admin.ok('member', 'list', {
        unionId: s.grassroots,
        realName: false,
        keyword: nameOf('逗号', 153),
      });
      assert.equal(list.items[0].unitName, '示例单位', 'the GB18030 text was decoded, not mangled');
    });
  });

  describe('files LibreOffice wrote', function () {
    before(function () {
      this.timeout(600_000);
      requireOrSkip(this, 'libreoffice-calc-nogui', '/usr/bin/soffice');
    });
    const lo = (seq: number) => [
      HEADER,
      [nameOf('办公', seq), '居民身份证', catalogueId(seq), `1370000${9000 + seq}`, '办公单位'],
      [nameOf('办公', seq + 1), '居民身份证', catalogueId(seq + 1), `1370000${9001 + seq}`, ''],
    ];

    for (const [target, seq] of [
      ['xls', 160],
      ['ods', 170],
      ['csv', 180],
    ] as const) {
      it(`reads a .${target} LibreOffice saved`, async () => {
        const file = convertWithLibreOffice(flatOds(lo(seq)), 'members.fods', target);
        const report = await validate(file, `members.${target}`);
        assert.deepEqual(
          [report.valid, report.problemCount, report.sheetName],
          [2, 0, target === 'csv' ? 'Sheet1' : '会员信息'],
        );
      });
    }

    it('catches IDs LibreOffice stored as numbers in a .xls', async () => {
      const csv = Buffer.from(`${HEADER.join(',')}\n数字,居民身份证,${catalogueId(190)},13900009190,\n`);
      const xls = convertWithLibreOffice(csv, 'members.csv', 'xls', 'CSV:44,34,76');
      const report = await validate(xls, 'members.xls');
      assert.match(report.problems[0]?.message ?? '', /存成了数字/);
    });

    it('exports text cells that LibreOffice reads back exactly, with no formula and no added mark, and that re-import as they are', async () => {
      const rows: Cell[][] = [
        HEADER,
        ['导出甲', '居民身份证', catalogueId(195), '13900009195', '-1-1'],
        ['导出乙', '居民身份证', catalogueId(196), '13900009196', '-（一）车间'],
      ];
      const job = await s.admin.ok('importer', 'submit', { unionId: s.grassroots, fileId: await upload(xlsxOf(rows)) });
      assert.equal(job.imported, 2);
      const exported = await s.admin.ok('member', 'export', { unionId: s.grassroots, realName: false });
      const file = Buffer.from(await (await fetch(exported.url)).arrayBuffer());
      const sheet = XLSX.read(file).Sheets['未实名会员'];
      for (const cell of Object.keys(sheet).filter((k) => !k.startsWith('!'))) {
        assert.equal(sheet[cell].f, undefined, `${cell} holds no formula`);
        assert.equal(sheet[cell].t, 's', `${cell} is a text cell`);
      }
      const csv = convertWithLibreOffice(file, 'export.xlsx', 'csv').toString('utf8');
      const line = csv.split(/\r?\n/).find((l) => l.startsWith('导出甲'));
      assert.equal(line?.split(',').slice(0, 5).join(','), `导出甲,居民身份证,${catalogueId(195)},13900009195,-1-1`);
      assert.ok(
        csv.includes(',-（一）车间,') && !csv.includes("'"),
        'no visible quote added to any cell, brackets kept as typed',
      );
      // Validating the exported file finds the same people already in this union: read back, not refused as malformed.
      const again = await validate(file);
      const mine = again.problems.filter((p) => p.message.startsWith('已是本工会会员'));
      assert.equal(mine.length, again.total);
      assert.match(again.notices.join(), /已忽略无法识别的列：“导入时间”/);
    });
  });

  describe('limits', () => {
    it('asks for .xlsx when an .xls or .ods is larger than can be read whole within the function’s memory', async () => {
      const rows: Cell[][] = [HEADER];
      for (let i = 0; i < 30_000; i++)
        rows.push([nameOf('大表', i % 20_000), '居民身份证', catalogueId(i), '13900000000', '']);
      const book = XLSX.read(xlsxOf(rows));
      const ods = XLSX.write(book, { type: 'buffer', bookType: 'ods', compression: true }) as Buffer;
      const odsErr = await refusal(ods, 'members.ods');
      assert.equal(odsErr.field, 'file');
      assert.match(
        odsErr.message,
        /^\.ods 文件解压后 \d+(\.\d)? MB，超过 \.ods 能读取的 16 MB（约 2 万行）；请用 WPS 或 LibreOffice 把它另存为 \.xlsx（最多 200000 行）后再导入$/,
      );
      // The size is refused from the container's directory, before the workbook stream is parsed.
      const cfb = XLSX.CFB.utils.cfb_new();
      XLSX.CFB.utils.cfb_add(cfb, '/Workbook', Buffer.alloc(4.5 * 1024 * 1024, 1));
      const xls = Buffer.from(XLSX.CFB.write(cfb, { type: 'buffer' }) as Buffer);
      const xlsErr = await refusal(xls, 'members.xls');
      assert.match(
        xlsErr.message,
        /^\.xls 文件 4\.5 MB，超过 \.xls 能读取的 4 MB（约 3 万行）；请用 Excel 或 WPS 把它另存为 \.xlsx（最多 20 MB、200000 行）后再导入$/,
      );
    });

    it('refuses a zip whose directory under-declares its size, as soon as the inflated bytes pass the cap', async () => {
      const err = await refusal(zipBomb(200 * 1024 * 1024, 1000));
      assert.equal(err.field, 'file');
      assert.match(err.message, /^文件解压后过大/);
    });
  });
});
