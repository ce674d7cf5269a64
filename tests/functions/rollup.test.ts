import assert from 'node:assert/strict';
import type { MemberDoc, UnionDoc } from '../../cloudfunctions/shared/documents';
import { residentIdCheckChar } from '../../cloudfunctions/shared/identity/resident-id';
import type { ImportJobView } from '../../typings/importer';
import { demoWorld, type DemoWorld } from '../helpers/api';
import { xlsxOf, type Cell } from '../helpers/files';

/** Resident IDs born in the 1950s in Shenzhen: nobody else in the demo or the other tests. */
function shenzhenId(seq: number): string {
  const body = `440305195${seq % 10}0615${String(seq).padStart(3, '0')}`;
  return body + residentIdCheckChar(body);
}

/**
 * Roll-up counts (工作台 statistics): kept by org/rollup.ts as members join, leave and are imported,
 * and always equal to what counting the member rows would give, also under parallel changes.
 */
describe('roll-up member counts per union and subtree', function () {
  this.timeout(180_000);
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  /** Every union's roll-ups against a recount of the active member rows. */
  async function assertRollupsMatchRows(): Promise<void> {
    const unions = await world.docs<UnionDoc>('unions', {});
    const members = await world.docs<MemberDoc>('members', { status: 'active' });
    for (const u of unions) {
      const own = members.filter((m) => m.unionId === u._id);
      const subtreeIds = new Set(
        unions.filter((x) => x._id === u._id || x.ancestors.includes(u._id)).map((x) => x._id),
      );
      const sub = members.filter((m) => subtreeIds.has(m.unionId));
      const expected = {
        realName: own.filter((m) => m.realName).length,
        notRealName: own.filter((m) => !m.realName).length,
        subtreeRealName: sub.filter((m) => m.realName).length,
        subtreeNotRealName: sub.filter((m) => !m.realName).length,
      };
      const s = u.stats ?? { realName: 0, notRealName: 0, subtreeRealName: 0, subtreeNotRealName: 0 };
      assert.deepEqual(
        {
          realName: s.realName,
          notRealName: s.notRealName,
          subtreeRealName: s.subtreeRealName,
          subtreeNotRealName: s.subtreeNotRealName,
        },
        expected,
        `roll-ups of ${u.name}`,
      );
    }
  }

  async function provinceStats() {
    return world.as('demo-admin-province').ok('org', 'stats', { unionId: world.union('province') });
  }

  it('the 工作台 reads the union and its subordinates from roll-ups that match the rows', async () => {
    await assertRollupsMatchRows();
    const stats = await world.as('demo-admin-city').ok('org', 'stats', { unionId: world.union('city') });
    assert.equal(stats.self.name, '广州市总工会');
    assert.ok(stats.self.subtreeRealName >= 2);
    assert.deepEqual(
      stats.children.map((c) => c.name).sort(),
      ['广州市天河区总工会', '广州示例集团有限公司工会'].sort(),
    );
    const denied = await world.as('demo-admin-street').fails('org', 'stats', { unionId: world.union('city') });
    assert.equal(denied.code, 'PERMISSION_DENIED');
  });

  it('an import adds its rows as not real-name up the tree; 20 parallel removals take them away exactly', async () => {
    const before = (await provinceStats()).self;
    const admin = world.as('demo-admin-grassroots');
    const rows: Cell[][] = [['姓名', '证件类型', '证件号码', '手机号码', '单位名称']];
    for (let i = 0; i < 25; i++)
      rows.push([`卷${String.fromCodePoint(0x4e00 + i)}`, '', shenzhenId(i), `1371${String(1000000 + i)}`, '']);
    const upload = await world.admin.uploadFile({
      cloudPath: `uploads/imports/rollup-${Date.now()}.xlsx`,
      fileContent: xlsxOf(rows),
    });
    let job: ImportJobView = await admin.ok('importer', 'submit', {
      unionId: world.union('grassroots'),
      fileId: upload.fileID,
    });
    for (let i = 0; job.status !== 'done' && i < 200; i++)
      job = await admin.ok('importer', 'run', { jobId: job.jobId });
    assert.equal(job.status, 'done');

    const afterImport = (await provinceStats()).self;
    assert.equal(afterImport.subtreeNotRealName, before.subtreeNotRealName + 25);
    assert.equal(afterImport.subtreeRealName, before.subtreeRealName);
    await assertRollupsMatchRows();

    const imported = (
      await world.docs<MemberDoc>('members', { unionId: world.union('grassroots'), status: 'active', realName: false })
    ).filter((m) => m.name.startsWith('卷'));
    assert.equal(imported.length, 25);
    const results = await Promise.all(
      imported.slice(0, 20).map((m) =>
        admin.ok('member', 'remove', {
          unionId: world.union('grassroots'),
          memberIds: [m._id],
          reason: '数据核对后删除',
        }),
      ),
    );
    assert.ok(results.every((r) => r.results[0].ok));
    const afterRemoval = (await provinceStats()).self;
    assert.equal(afterRemoval.subtreeNotRealName, before.subtreeNotRealName + 5);
    await assertRollupsMatchRows();
  });
});
