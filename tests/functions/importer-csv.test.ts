import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import * as XLSX from 'xlsx';
import type { MemberDoc } from '../../cloudfunctions/shared/documents';
import { requireOrSkip } from '../helpers/system-packages';
import { grassrootsWorld, uploadImport } from '../helpers/importer';
import { catalogueId } from '../helpers/catalogue';
import { convertWithLibreOffice, flatOds } from '../helpers/files';

/**
 * CSV files as admins get them (saved by LibreOffice in each encoding, with the quoting it writes),
 * read as a stream, through the importer function and the real SDK; what is imported is read back
 * through the export an admin downloads.
 */
describe('member import: CSV as admins get them (read as a stream, through the SDK)', function () {
  this.timeout(180_000);
  let s: Awaited<ReturnType<typeof grassrootsWorld>>;
  before(async () => {
    s = await grassrootsWorld();
  });
  after(() => s.world.close());

  const upload = (buf: Buffer) => uploadImport(s.world, buf, 'members.csv');
  const validate = async (buf: Buffer) =>
    s.admin.ok('importer', 'validate', { unionId: s.grassroots, fileId: await upload(buf) });
  const submit = async (buf: Buffer) =>
    s.admin.ok('importer', 'submit', { unionId: s.grassroots, fileId: await upload(buf) });

  /** The not-real-name members as the export an admin downloads lists them: name, ID, phone, unit. */
  async function exported(names: string[]): Promise<string[][]> {
    const { url } = await s.admin.ok('member', 'export', { unionId: s.grassroots, realName: false });
    const file = Buffer.from(await (await fetch(url)).arrayBuffer());
    const rows = XLSX.utils.sheet_to_json<string[]>(XLSX.read(file).Sheets['未实名会员'], { header: 1 });
    return rows
      .filter((r) => names.includes(r[0]))
      .map((r) => [r[0], r[2], r[3], r[4] ?? ''])
      .sort((a, b) => a[0].localeCompare(b[0]));
  }

  describe('saved by LibreOffice', function () {
    before(function () {
      this.timeout(600_000);
      requireOrSkip(this, 'libreoffice-calc-nogui', '/usr/bin/soffice');
    });

    // A note column with a separator and line breaks sits before the ID, phone and unit, so a
    // split in the wrong place would move them; the unit itself holds a line break.
    const header = ['序号', '姓名', '备注', '证件号码', '手机号码', '单位名称'];
    const sheet = (mark: string, seq: number) => [
      header,
      ['1', `${mark}甲`, '调入, 待核实', catalogueId(seq), `1380000${1000 + seq}`, '广州示例科技\n一车间'],
      ['2', `${mark}乙`, '“老会员”\n2019 年入会,\n"转入"', catalogueId(seq + 1), `1380000${1001 + seq}`, ''],
      ['3', `${mark}丙`, '', catalogueId(seq + 2), `1380000${1002 + seq}`, '二车间'],
      ['4', `${mark}丁`, '号码少一位', catalogueId(seq + 3), '1380000100', '二车间'],
    ];
    const imported = (mark: string, seq: number) => [
      [`${mark}丙`, catalogueId(seq + 2), `1380000${1002 + seq}`, '二车间'],
      [`${mark}乙`, catalogueId(seq + 1), `1380000${1001 + seq}`, '广州示例科技有限公司'],
      [`${mark}甲`, catalogueId(seq), `1380000${1000 + seq}`, '广州示例科技 一车间'],
    ];

    for (const [label, mark, seq, options, bom] of [
      ['UTF-8', '八位', 300, '44,34,76', false],
      // LibreOffice 7.4 has no BOM option; Excel's "CSV UTF-8" is the same bytes after one.
      ['UTF-8 with a BOM', '带签', 310, '44,34,76', true],
      ['GBK (code page 936, as Excel on Chinese Windows saves it)', '国标', 320, '44,34,61', false],
      ['UTF-16 with tabs (Excel\u2019s “Unicode 文本”)', '双字', 330, '9,34,65535', false],
    ] as const) {
      it(`imports exactly the right members from ${label}, quoted separators and line breaks included`, async () => {
        const saved = convertWithLibreOffice(flatOds(sheet(mark, seq)), 'members.fods', 'csv', undefined, options);
        const file = bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), saved]) : saved;
        assert.ok(file.includes('"'), 'LibreOffice quoted the cells holding separators and line breaks');
        assert.equal(isUtf8(file), !options.endsWith(',61') && !options.endsWith(',65535'), 'saved in that encoding');

        const report = await validate(file);
        assert.equal(report.sheetName, 'Sheet1');
        assert.deepEqual([report.total, report.valid], [4, 3]);
        // Rows are numbered as Excel shows them: a line break inside quotes does not start a row.
        assert.deepEqual(
          report.problems.map((p) => `${p.row} ${p.column}`),
          ['5 手机号码'],
        );
        assert.match(report.notices.join('\n'), /已忽略无法识别的列：“序号”/);

        const job = await submit(file);
        assert.deepEqual([job.status, job.imported, job.rejected], ['done', 3, 1]);
        assert.deepEqual(await exported(imported(mark, seq).map((r) => r[0])), imported(mark, seq));
      });
    }
  });

  it('honours Excel’s sep= line, reads ="…" cells as their text, and flags an ID Excel saved as 4.40106E+17', async () => {
    const csv = [
      'sep=;',
      '姓名;证件号码;手机号码',
      `分号甲;="${catalogueId(340)}";13800002340`,
      '分号乙;4.40106E+17;13800002341',
    ].join('\r\n');
    const report = await validate(Buffer.from(csv));
    assert.deepEqual([report.total, report.valid], [2, 1]);
    assert.deepEqual(
      report.problems.map((p) => `${p.row} ${p.column}:${p.message}`),
      ['3 证件号码:证件号码被 Excel 存成了数字（末尾几位会变成 0），请把该列设为“文本”格式后重新输入'],
    );
  });

  it('refuses a CSV with an unclosed quote, naming the row, and imports none of it', async () => {
    const csv = Buffer.from(
      [
        '姓名,证件号码,手机号码,单位名称',
        `引号甲,${catalogueId(350)},13800002350,一车间`,
        `引号乙,${catalogueId(351)},13800002351,"二车间`,
        `引号丙,${catalogueId(352)},13800002352,三车间`,
        '',
      ].join('\n'),
    );
    const message =
      'CSV 文件第 3 行的引号（"）没有配对，后面的行都被并进了这一行；请用记事本或 WPS 打开文件，补上或删掉第 3 行多余的引号后重新保存，或另存为 .xlsx 后再导入';
    const refused = await s.admin.fails('importer', 'validate', { unionId: s.grassroots, fileId: await upload(csv) });
    assert.deepEqual([refused.field, refused.message], ['file', message]);
    const submitted = await s.admin.fails('importer', 'submit', { unionId: s.grassroots, fileId: await upload(csv) });
    assert.equal(submitted.message, message);
    assert.equal(
      (await s.world.docs<MemberDoc>('members', { name: '引号甲' })).length,
      0,
      'the rows before the broken one were not imported either',
    );
  });
});
