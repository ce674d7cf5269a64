import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as XLSX from 'xlsx';
import type { MemberDoc, UnionDoc } from '../../cloudfunctions/shared/documents';
import type { ImportJobView } from '../../typings/importer';
import { demoResidentId } from '../../fixtures/demo';
import { requireOrSkip } from '../helpers/system-packages';
import { grassrootsWorld, uploadImport } from '../helpers/importer';
import { demoWorld, type Caller, type DemoWorld } from '../helpers/api';
import { convertWithLibreOffice, flatOds, passwordProtected, xlsxOf, zipBomb, type Cell } from '../helpers/files';
import { residentIdCheckChar, syntheticResidentId } from '../../cloudfunctions/shared/identity/resident-id';
import { CHUNK_ROWS } from '../../cloudfunctions/shared/importer/chunks';

const HEADER = ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'];

/** Valid resident IDs born 1960–1969, apart from the demo people (born 1980–1999). */
function personId(seq: number): string {
  return syntheticResidentId(`${1960 + Math.floor(seq / 1000)}0101`, seq % 1000);
}

/** A file of `count` different people, named `mark` + a CJK character, from person `firstSeq` on. */
function peopleFile(mark: string, count: number, firstSeq: number, phonePrefix: string): Cell[][] {
  const rows: Cell[][] = [HEADER];
  for (let i = 0; i < count; i++)
    rows.push([
      `${mark}${String.fromCodePoint(0x4e00 + i)}`,
      '',
      personId(firstSeq + i),
      `${phonePrefix}${String(20000000 + i)}`,
      '',
    ]);
  return rows;
}

describe('member import from Excel (through the SDK)', function () {
  this.timeout(180_000);
  let world: DemoWorld;
  let admin: Caller;
  let grassroots: string;
  before(async () => ({ world, admin, grassroots } = await grassrootsWorld()));
  after(() => world.close());

  const upload = (buf: Buffer, name?: string) => uploadImport(world, buf, name);

  async function untilDone(job: ImportJobView): Promise<ImportJobView> {
    let j = job;
    for (let i = 0; j.status !== 'done' && i < 200; i++) j = await admin.ok('importer', 'run', { jobId: j.jobId });
    return j;
  }

  async function memberCount(): Promise<number> {
    return (await world.docs<MemberDoc>('members', {})).length;
  }

  /** Submits with every database insert from the nth on failing (an outage retries cannot outlast), as a crash at that point would. */
  async function submitDyingAt(nth: number, fileId: string): Promise<void> {
    await fetch(`${world.emulator.baseUrl}/_/faults`, {
      method: 'PUT',
      body: JSON.stringify({ action: 'database.insertDocument', failFrom: nth }),
    });
    const crashed = await admin.call('importer', 'submit', { unionId: grassroots, fileId });
    const faults = (await (await fetch(`${world.emulator.baseUrl}/_/faults`)).json()) as { failed: number };
    await fetch(`${world.emulator.baseUrl}/_/faults`, { method: 'DELETE' });
    assert.ok(faults.failed > 1, 'the failing insert was retried before the call gave up');
    assert.equal(crashed.ok, false);
    if (!crashed.ok) assert.equal(crashed.error.code, 'INTERNAL');
  }

  async function runningJob(): Promise<ImportJobView> {
    const running = (await admin.ok('importer', 'jobs', { unionId: grassroots })).jobs.filter(
      (j) => j.status === 'running',
    );
    assert.equal(running.length, 1);
    return running[0];
  }

  it('hands out a real template: header, dropdown, text-formatted ID and phone, instructions, marked examples', async () => {
    const t = await admin.ok('importer', 'template', {});
    const buf = Buffer.from(await (await fetch(t.url)).arrayBuffer());
    const book = XLSX.read(buf);
    assert.deepEqual(book.SheetNames, ['会员信息', '填写说明']);
    const rows = XLSX.utils.sheet_to_json<string[]>(book.Sheets['会员信息'], { header: 1 });
    assert.deepEqual(rows[0], ['姓名', '证件类型', '证件号码', '手机号码', '单位名称', '备注']);
    assert.ok(rows.slice(1).every((r) => r[5] === '示例行（导入时自动忽略）'));
    const zip = XLSX.CFB.read(buf, { type: 'buffer' });
    const sheetXml = Buffer.from(XLSX.CFB.find(zip, '/xl/worksheets/sheet1.xml')!.content).toString();
    assert.match(
      sheetXml,
      /<dataValidation type="list"[^>]*sqref="B2:B200001"><formula1>"居民身份证,港澳居民来往内地通行证,[^"]*护照"<\/formula1>/,
    );
    const style = /<col min="3" max="4"[^>]*style="(\d+)"/.exec(sheetXml)?.[1];
    assert.ok(style, 'the ID and phone columns carry a style');
    const styles = Buffer.from(XLSX.CFB.find(zip, '/xl/styles.xml')!.content).toString();
    const xfs = styles.slice(styles.indexOf('<cellXfs')).match(/<xf [^>]*>/g) ?? [];
    assert.match(xfs[Number(style)], /numFmtId="49"/, 'that style is the text format "@"');
    assert.match(XLSX.utils.sheet_to_csv(book.Sheets['填写说明']), /文本/);
    const asIs = await admin.fails('importer', 'validate', { unionId: grassroots, fileId: await upload(buf) });
    assert.match(asIs.message, /没有会员数据/);
  });

  const fileRows: Cell[][] = [
    HEADER,
    ['新甲', '居民身份证', personId(1), '13900001001', ''],
    ['新乙', '居民身份证', personId(2).slice(0, 17) + (personId(2)[17] === '1' ? '2' : '1'), '13900001002', ''],
    ['新丙', '居民身份证', personId(3), '1390000100', ''],
    ['X<1>', '居民身份证', personId(4), '13900001004', ''],
    ['新丁', '居民身份证', personId(1), '13900001005', ''],
    ['刘会员', '居民身份证', demoResidentId(8), '13900001006', ''],
    ['𠇔䶮·阿依古丽', '居民身份证', demoResidentId(9), '13900001007', ''],
    // eslint-disable-next-line no-loss-of-precision -- on purpose: a spreadsheet number cell has already lost the last digits
    ['新戊', '居民身份证', { num: 440106198001011234 }, '13900001008', ''],
    ['孙注册', '居民身份证', demoResidentId(10), '13800131010', ''],
    ['陈大文', '港澳居民来往内地通行证', 'H12345678', '13900001010', '广州示例科技有限公司'],
    ['新己', '军官证', personId(5), '13900001011', ''],
  ];

  it('validates as a dry run: every problem with its row, a downloadable report, nothing written', async () => {
    const before = await memberCount();
    const report = await admin.ok('importer', 'validate', {
      unionId: grassroots,
      fileId: await upload(xlsxOf(fileRows)),
    });
    assert.equal(await memberCount(), before, 'validation writes nothing');
    assert.equal(report.valid, 3);
    assert.equal(report.willAutoJoin, 1);
    const byRow = Object.fromEntries(report.problems.map((p) => [p.row, `${p.column}:${p.message}`]));
    assert.match(byRow[3], /^证件号码:.*校验位不正确/);
    assert.match(byRow[4], /^手机号码:.*11 位数字/);
    assert.match(byRow[5], /^姓名:.*只能包含汉字/);
    assert.match(byRow[6], /^证件号码:与第 2 行的证件号码重复/);
    assert.match(byRow[7], /^证件号码:已是本工会会员/);
    assert.match(byRow[8], /^证件号码:已是“五山街道示例产业园工会联合会”的会员/);
    assert.match(byRow[9], /^证件号码:证件号码被 Excel 存成了数字/);
    assert.match(byRow[12], /^证件类型:证件类型“军官证”不正确/);
    assert.deepEqual(Object.keys(byRow).map(Number), [3, 4, 5, 6, 7, 8, 9, 12]);
    const xlsx = XLSX.read(Buffer.from(await (await fetch(report.reportUrl)).arrayBuffer()));
    const rows = XLSX.utils.sheet_to_json<string[]>(xlsx.Sheets['校验报告'], { header: 1 });
    assert.deepEqual(rows[0], ['行号', '姓名', '证件类型', '证件号码', '手机号码', '单位名称', '错误原因']);
    assert.equal(rows.length, 9);
    assert.equal(rows[3][1], 'X<1>');
  });

  it('refuses a missing column before looking at rows, naming the sheet; an unknown column is left out with a notice', async () => {
    const missing = await admin.fails('importer', 'validate', {
      unionId: grassroots,
      fileId: await upload(
        xlsxOf([
          ['姓名', '证件类型', '证件号码'],
          ['张三', '居民身份证', personId(6)],
        ]),
      ),
    });
    assert.equal(
      missing.message,
      '工作表“会员信息”第 1 行缺少必填列：“手机号码”，请使用导入模板的表头（姓名、证件类型、证件号码、手机号码、单位名称）',
    );
    const unknown = await admin.ok('importer', 'validate', {
      unionId: grassroots,
      fileId: await upload(
        xlsxOf([
          [...HEADER, '工号'],
          ['张三', '居民身份证', personId(6), '13900001012', '', 'A01'],
        ]),
      ),
    });
    assert.deepEqual([unknown.valid, unknown.problemCount], [1, 0]);
    assert.deepEqual(unknown.notices, [
      '读取的是工作表“会员信息”，表头在第 1 行',
      '已忽略无法识别的列：“工号”；只导入姓名、证件类型、证件号码、手机号码、单位名称',
    ]);
  });

  it('submits a job: rows become not-real-name members, a registered person joins at once; a re-submit changes nothing', async () => {
    const fileId = await upload(xlsxOf(fileRows));
    const job = await untilDone(await admin.ok('importer', 'submit', { unionId: grassroots, fileId }));
    assert.equal(job.status, 'done');
    // Six rows fail the file checks; the two people already in a union are found and skipped as their chunk is written.
    assert.deepEqual(
      [job.total, job.imported, job.autoJoined, job.rejected, job.skipped, job.percent],
      [5, 2, 1, 6, 2, 100],
    );
    assert.deepEqual(
      job.rejectedRows.map((r) => r.row),
      [3, 4, 5, 6, 7, 8, 9, 12],
    );
    assert.match(job.rejectedRows[4].message, /^已是本工会会员/);
    const final = XLSX.utils.sheet_to_json<string[]>(
      XLSX.read(Buffer.from(await (await fetch(job.reportUrl)).arrayBuffer())).Sheets['校验报告'],
      { header: 1 },
    );
    assert.deepEqual(
      final.slice(1).map((r) => Number(r[0])),
      [3, 4, 5, 6, 7, 8, 9, 12],
      'the final report lists the skipped rows too',
    );
    assert.match(final[6][6], /^证件号码：已是“五山街道示例产业园工会联合会”的会员/);
    const unregistered = await admin.ok('member', 'list', { unionId: grassroots, realName: false, keyword: '陈大文' });
    assert.equal(unregistered.items[0].docTypeName, '港澳居民来往内地通行证');
    assert.equal(unregistered.items[0].unitName, '广州示例科技有限公司');
    // The row keeps each number sealed, with its blind index once, where a search by the whole number finds it.
    const [row] = await world.docs<MemberDoc>('members', { name: '陈大文' });
    assert.deepEqual(
      [Object.keys(row.doc).sort(), Object.keys(row.phone ?? {}).sort()],
      [
        ['cipher', 'masked'],
        ['cipher', 'masked'],
      ],
    );
    for (const keyword of ['H12345678', '139 0000 1010']) {
      const found = await admin.ok('member', 'list', { unionId: grassroots, realName: false, keyword });
      assert.deepEqual(
        found.items.map((m) => m.name),
        ['陈大文'],
        keyword,
      );
    }
    const card = (await world.as('demo-user').ok('member', 'my', {})).card;
    assert.equal(card?.unionName, '广州示例科技有限公司工会委员会', 'the registered person joined at import time');

    const before = await memberCount();
    const again = await admin.ok('importer', 'submit', {
      unionId: grassroots,
      fileId: await upload(xlsxOf(fileRows), 'again.xlsx'),
    });
    assert.equal(again.jobId, job.jobId);
    assert.equal(await memberCount(), before);
    const audit = await world.docs<{ action: string }>('auditLogs', { targetId: job.jobId });
    assert.deepEqual(audit.map((a) => a.action).sort(), ['import:done', 'import:submit']);
    // The 操作日志 tells the job in words, with what came of it.
    const log = await admin.ok('admin', 'auditLog', { unionId: grassroots, pageSize: 100 });
    assert.deepEqual(
      log.items.filter((r) => r.targetId === job.jobId).map((r) => `${r.actionName} ${r.targetLabel}`),
      [
        '会员导入完成 会员导入（新增 2 人，自动入会 1 人，未导入 8 行）',
        '提交会员导入 会员导入（5 行待导入，6 行未通过校验）',
      ],
    );
  });

  it('提交 in a container that did not run 校验 starts from 校验’s stored count, and still lists and reports every rejected row at the end', async () => {
    const rows = peopleFile('存', 3, 15000, '133');
    rows.push(['坏行', '', '440106199001011234', '13300000000', '']);
    const fileId = await upload(xlsxOf(rows));
    assert.equal((await admin.ok('importer', 'validate', { unionId: grassroots, fileId })).valid, 3);
    // Another file checked since: this container no longer holds the first one's count.
    const other = await upload(xlsxOf(peopleFile('他', 1, 15010, '133')));
    await admin.ok('importer', 'validate', { unionId: grassroots, fileId: other });
    const kept = await world.docs<{ _id: string; validCount: number; rejected: number }>('importChecks', {
      validCount: 3,
    });
    assert.equal(kept.length, 1);
    assert.equal(kept[0].rejected, 1);
    assert.deepEqual(Object.keys(kept[0]).sort(), [
      '_id',
      'checkedAt',
      'notices',
      'rejected',
      'sheetName',
      'unionId',
      'validCount',
    ]);
    // Marked, to see that 提交 takes it instead of reading the rows again.
    await world.admin.database().collection('importChecks').doc(kept[0]._id).update({ sheetName: '校验时的计数' });
    const job = await untilDone(await admin.ok('importer', 'submit', { unionId: grassroots, fileId }));
    assert.equal(job.sheetName, '校验时的计数');
    assert.deepEqual([job.status, job.total, job.imported, job.rejected], ['done', 3, 3, 1]);
    assert.deepEqual(
      job.rejectedRows.map((r) => [r.row, r.column]),
      [[5, '证件号码']],
    );
    const report = XLSX.utils.sheet_to_json<string[]>(
      XLSX.read(Buffer.from(await (await fetch(job.reportUrl)).arrayBuffer())).Sheets['校验报告'],
      { header: 1 },
    );
    assert.deepEqual(
      report.slice(1).map((r) => [Number(r[0]), r[1]]),
      [[5, '坏行']],
    );
  });

  it('resumes after a chunk is killed halfway, with no row lost or doubled', async () => {
    const fileId = await upload(xlsxOf(peopleFile('续', CHUNK_ROWS + 500, 100, '139')));
    const [unionBefore] = await world.docs<UnionDoc>('unions', { _id: grassroots });
    // Insert #1 is the job, #2 its audit entry, then chunk 0 goes in batches of 250: #6, its fourth batch, dies.
    await submitDyingAt(6, fileId);
    const partial = await world.docs<MemberDoc>('members', {
      name: world.admin.database().RegExp({ regexp: '^续', options: '' }),
    });
    assert.equal(partial.length, 750, 'the first chunk was cut after three batches');

    const resumed = await untilDone(await admin.ok('importer', 'submit', { unionId: grassroots, fileId }));
    const total = CHUNK_ROWS + 500;
    assert.deepEqual([resumed.total, resumed.imported, resumed.rowsDone], [total, total, total]);
    const all = await world.admin.database().collection('members').where({ importJobId: resumed.jobId }).count();
    assert.equal(all.total, total);
    const [unionAfter] = await world.docs<UnionDoc>('unions', { _id: grassroots });
    assert.equal(unionAfter.memberCount, unionBefore.memberCount + total);
  });

  it('a job submitted before chunk sizes were kept goes on in its own 2,000-row chunks', async () => {
    const count = 2500;
    const fileId = await upload(xlsxOf(peopleFile('旧', count, 16000, '134')));
    await submitDyingAt(3, fileId);
    const job = await runningJob();
    // As the job document was written then: no chunkRows, and chunks counted by 2,000.
    await world.admin
      .database()
      .collection('importJobs')
      .doc(job.jobId)
      .update({ chunkRows: world.admin.database().command.remove(), chunks: 2 });
    const done = await untilDone(await admin.ok('importer', 'submit', { unionId: grassroots, fileId }));
    assert.deepEqual([done.status, done.total, done.imported, done.rowsDone], ['done', count, count, count]);
    const markers = await world.docs<{ chunk: number }>('importChunks', { jobId: job.jobId });
    assert.deepEqual(markers.map((m) => m.chunk).sort(), [0, 1]);
  });

  it('refuses to go on when the uploaded file was replaced under a running job, and goes on from a new upload of it', async () => {
    const cloudPath = `uploads/imports/replaced-${Date.now()}.xlsx`;
    const rows = peopleFile('换', 600, 5000, '137');
    const { fileID } = await world.admin.uploadFile({ cloudPath, fileContent: xlsxOf(rows) });
    // The job is created (#1, #2), then its first batch dies: the job stays running.
    await submitDyingAt(3, fileID);
    const job = await runningJob();
    assert.equal(job.rowsDone, 0);
    await world.admin.uploadFile({ cloudPath, fileContent: xlsxOf(rows.slice(0, 300)) });
    const err = await admin.fails('importer', 'run', { jobId: job.jobId });
    assert.equal(err.code, 'CONFLICT');
    assert.match(err.message, /文件已被替换，请重新上传文件后提交/);
    assert.equal((await world.docs<MemberDoc>('members', { importJobId: job.jobId })).length, 0);
    // Uploading the original file again and submitting it picks the same job up and finishes it.
    const again = await untilDone(
      await admin.ok('importer', 'submit', { unionId: grassroots, fileId: await upload(xlsxOf(rows)) }),
    );
    assert.deepEqual([again.jobId, again.status, again.imported], [job.jobId, 'done', 600]);
  });

  it('three workers on one job at once write every row exactly once and count it once', async () => {
    const fileId = await upload(xlsxOf(peopleFile('并', CHUNK_ROWS + 300, 6000, '135')));
    const [unionBefore] = await world.docs<UnionDoc>('unions', { _id: grassroots });
    // The job is created (#1, #2), then its first batch dies: the job stays running with nothing written.
    await submitDyingAt(3, fileId);
    const job = await runningJob();
    const answers = await Promise.all([1, 2, 3].map(() => admin.call('importer', 'run', { jobId: job.jobId })));
    assert.ok(
      answers.every((a) => a.ok),
      JSON.stringify(answers.filter((a) => !a.ok)),
    );
    const done = await untilDone(await admin.ok('importer', 'run', { jobId: job.jobId }));
    const total = CHUNK_ROWS + 300;
    assert.deepEqual([done.status, done.rowsDone, done.imported, done.skipped], ['done', total, total, 0]);
    assert.equal(
      (await world.admin.database().collection('members').where({ importJobId: job.jobId }).count()).total,
      total,
    );
    const [unionAfter] = await world.docs<UnionDoc>('unions', { _id: grassroots });
    assert.equal(unionAfter.memberCount, unionBefore.memberCount + total);
  });

  it('an imported person who registers later joins automatically', async () => {
    const { registerPerson } = await import('../helpers/api');
    const res = await registerPerson(world, 'wx-imported-later', {
      name: '新甲',
      docNumber: personId(1),
      phone: '13900001001',
    });
    assert.equal(res.autoJoined?.unionId, grassroots);
  });

  describe('input limits, each with a clear message', () => {
    const cases: Array<[string, () => Buffer, RegExp]> = [
      [
        'a file over 20 MB',
        () => Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(20 * 1024 * 1024 + 10)]),
        /^文件大小 20\.0 MB，超过 20 MB 上限/,
      ],
      ['a zip bomb', () => zipBomb(60 * 1024 * 1024), /压缩比异常|解压后过大/],
      ['a password-protected workbook', passwordProtected, /设置了打开密码/],
      ['an empty sheet', () => xlsxOf([]), /表格是空的/],
      ['a header with no rows', () => xlsxOf([HEADER]), /没有会员数据/],
      ['not a spreadsheet at all', () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), /无法识别的文件格式/],
    ];
    for (const [label, make, message] of cases) {
      it(`refuses ${label}`, async () => {
        const err = await admin.fails('importer', 'validate', { unionId: grassroots, fileId: await upload(make()) });
        assert.equal(err.field, 'file');
        assert.match(err.message, message);
      });
    }

    it('refuses more than 200,000 rows', async () => {
      const rows: Cell[][] = [HEADER];
      for (let i = 0; i < 200_001; i++) rows.push(['甲']);
      const err = await admin.fails('importer', 'validate', {
        unionId: grassroots,
        fileId: await upload(xlsxOf(rows)),
      });
      assert.match(err.message, /单次最多导入 200000 行/);
    });

    it('refuses import into an above-grassroots union that cannot hold members, and without the right', async () => {
      const county = await world
        .as('demo-admin-county')
        .fails('importer', 'validate', { unionId: world.union('county'), fileId: await upload(xlsxOf(fileRows)) });
      assert.match(county.message, /不能直接挂接会员/);
      const other = await world
        .as('demo-admin-federation')
        .fails('importer', 'validate', { unionId: grassroots, fileId: await upload(xlsxOf(fileRows)) });
      assert.equal(other.code, 'PERMISSION_DENIED');
    });
  });

  describe('files written by LibreOffice', function () {
    before(function () {
      this.timeout(600_000);
      requireOrSkip(this, 'libreoffice-calc-nogui', '/usr/bin/soffice');
    });

    it('reads an xlsx LibreOffice saved, with text ID cells', async () => {
      const rows = [
        HEADER,
        ['李四', '居民身份证', personId(14000), '13900003000', '外部单位'],
        ['王五', '台湾居民来往大陆通行证', '12345678', '13900003001', ''],
      ];
      const xlsx = convertWithLibreOffice(flatOds(rows), 'members.fods', 'xlsx');
      const report = await admin.ok('importer', 'validate', { unionId: grassroots, fileId: await upload(xlsx) });
      assert.deepEqual([report.valid, report.problemCount], [2, 0]);
    });

    it('catches the IDs that LibreOffice turned into numbers from a CSV', async () => {
      const id = `44010619900101123${residentIdCheckChar('44010619900101123')}`;
      const csv = Buffer.from(
        `${HEADER.join(',')}\n赵六,居民身份证,${id.endsWith('X') ? id.slice(0, 17) + '1' : id},13900003002,\n`,
      );
      const xlsx = convertWithLibreOffice(csv, 'members.csv', 'xlsx', 'CSV:44,34,76');
      const report = await admin.ok('importer', 'validate', { unionId: grassroots, fileId: await upload(xlsx) });
      assert.equal(report.valid, 0);
      assert.match(report.problems[0].message, /存成了数字/);
    });
  });

  describe('with a budget smaller than reading the file takes', () => {
    let tight: DemoWorld;
    before(async () => {
      // The real importer bundle, loaded afresh with IMPORT_BUDGET_MS=0 as a deployer could set it.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'importer-budget-'));
      fs.mkdirSync(path.join(dir, 'importer'));
      fs.copyFileSync(
        path.join(__dirname, '..', '..', 'dist', 'cloudfunctions', 'importer', 'index.js'),
        path.join(dir, 'importer', 'bundle.js'),
      );
      fs.writeFileSync(
        path.join(dir, 'importer', 'index.js'),
        "const before = process.env.IMPORT_BUDGET_MS;\nprocess.env.IMPORT_BUDGET_MS = '0';\nmodule.exports = require('./bundle.js');\nif (before === undefined) delete process.env.IMPORT_BUDGET_MS;\nelse process.env.IMPORT_BUDGET_MS = before;\n",
      );
      tight = await demoWorld({ functionsDirs: [dir, path.join(__dirname, '..', '..', 'dist', 'cloudfunctions')] });
    });
    after(() => tight.close());

    it('still moves every call on by one chunk', async () => {
      const admin = tight.as('demo-admin-grassroots');
      const { fileID } = await tight.admin.uploadFile({
        cloudPath: 'uploads/imports/tight.xlsx',
        fileContent: xlsxOf(peopleFile('慢', CHUNK_ROWS + 10, 100, '136')),
      });
      const first = await admin.ok('importer', 'submit', { unionId: tight.union('grassroots'), fileId: fileID });
      assert.deepEqual([first.status, first.rowsDone, first.percent], ['running', CHUNK_ROWS, 99]);
      const second = await admin.ok('importer', 'run', { jobId: first.jobId });
      assert.deepEqual([second.status, second.rowsDone, second.imported], ['done', CHUNK_ROWS + 10, CHUNK_ROWS + 10]);
    });
  });
});
