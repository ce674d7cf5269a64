import assert from 'node:assert/strict';
import { catalogueId } from '../helpers/catalogue';
import { demoWorld, type DemoWorld } from '../helpers/api';
import { xlsxOf } from '../helpers/files';
import { connectToEmulator, openPage, pageText, tap, until, usePageEnvironment } from '../helpers/page';

/** Long lists load 20 at a time and more when the user reaches the bottom (onReachBottom), to the end. */
describe('pages: lists page as the user scrolls', function () {
  this.timeout(120_000);
  usePageEnvironment();
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
    connectToEmulator(world.emulator).actAs('demo-admin-grassroots');
    const rows: string[][] = [['姓名', '证件类型', '证件号码', '手机号码', '单位名称']];
    for (let i = 0; i < 45; i++)
      rows.push([
        `翻页${String.fromCodePoint(0x4e00 + i)}`,
        '居民身份证',
        catalogueId(7000 + i),
        `137${String(70000000 + i)}`,
        '',
      ]);
    const admin = world.as('demo-admin-grassroots');
    const { fileID } = await world.admin.uploadFile({
      cloudPath: `uploads/imports/paging-${Date.now()}.xlsx`,
      fileContent: xlsxOf(rows),
    });
    let job = await admin.ok('importer', 'submit', { unionId: world.union('grassroots'), fileId: fileID });
    for (let i = 0; job.status !== 'done' && i < 200; i++)
      job = await admin.ok('importer', 'run', { jobId: job.jobId });
    assert.equal(job.imported, 45);
  });
  after(() => world.close());

  it('members: 20 first, 20 more at the bottom, then the rest; the total is the whole list', async () => {
    const page = openPage('admin/members/index');
    await until(page, () => Boolean(page.data.loaded), 'the first page');
    await tap(page, '#real-name >>> .t-tabs__item', 1);
    const shown = () => page.querySelectorAll('.member').length;
    await until(page, () => shown() === 20, 'the first 20');
    assert.match(pageText(page), /共 47 人/, 'the total counts every row, not the page');
    (page.instance.onReachBottom as () => void)();
    await until(page, () => shown() === 40, 'the next 20');
    (page.instance.onReachBottom as () => void)();
    await until(page, () => shown() === 47, 'the rest');
    assert.match(pageText(page), /已全部显示/);
    (page.instance.onReachBottom as () => void)();
    await until(page, () => !page.data.busy, 'nothing more to load');
    assert.equal(shown(), 47, 'no duplicates after the end');
    const names = (page.data.items as Array<{ id: string }>).map((m) => m.id);
    assert.equal(new Set(names).size, 47);
  });
});
