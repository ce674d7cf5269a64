import assert from 'node:assert/strict';
import type { BatchResult } from '../../typings/review';
import type { MemberDoc, UserDoc } from '../../cloudfunctions/shared/documents';
import { checkInvariants, sdkSource } from '../../scripts/invariants';
import { demoWorld, type DemoWorld } from '../helpers/api';
import { insertRegisteredPeople } from '../../fixtures/people';

const PARALLEL = 24;

/**
 * batchApprove approves the applications of one union a group at a time, one transaction per group
 * (workflow/batch.ts). Each application must still be decided exactly once, by the same rules as a
 * single approval, with its member row, count, audit lines, released lock and message.
 */
describe('batchApprove: groups in one transaction, every rule of a single approval (through the SDK)', () => {
  let world: DemoWorld;
  let seq = 0;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  /** `n` registered people applying to join the federation (reviewed by demo-admin-federation). */
  async function joins(n: number): Promise<{ ids: string[]; users: UserDoc[] }> {
    seq += 1;
    const users = insertRegisteredPeople(world.emulator, n, `batch${seq}`, 40 + seq);
    const ids: string[] = [];
    for (let i = 0; i < n; i += PARALLEL) {
      const sent = await Promise.all(
        users.slice(i, i + PARALLEL).map((_, k) =>
          world.as(`batch${seq}-openid-${i + k}`).ok('review', 'submit', {
            kind: 'memberJoin',
            data: { unionId: world.union('federation'), unitName: '批量审核测试单位' },
          }),
        ),
      );
      ids.push(...sent.map((s) => s.application.id));
    }
    return { ids, users };
  }

  async function noDrift(): Promise<void> {
    const source = sdkSource(world.emulator.serviceUrl, world.emulator.envId);
    try {
      assert.deepEqual((await checkInvariants(source)).drifts, []);
    } finally {
      await source.close();
    }
  }

  it(`a batch of 60 while ${PARALLEL} single approvals and a withdrawal race it: each decided once, members, counts, audit, locks and messages exact`, async () => {
    const { ids, users } = await joins(60);
    const admin = world.as('demo-admin-federation');
    await world.as('batch1-openid-59').ok('review', 'withdraw', { id: ids[59] });
    const [batch, ...singles] = await Promise.all([
      admin.ok('review', 'batchApprove', { ids }),
      ...ids.slice(0, PARALLEL).map((id) => world.as('demo-admin-federation').call('review', 'approve', { id })),
    ]);
    const byId = new Map(batch.results.map((r: BatchResult) => [r.id, r]));
    // Exactly one decision won for each application; the loser was told it was processed already.
    for (const [i, id] of ids.slice(0, PARALLEL).entries()) {
      assert.equal(Number(byId.get(id)?.ok) + Number(singles[i].ok), 1, `application ${i} approved once`);
      if (!byId.get(id)?.ok) assert.equal(byId.get(id)?.message, '该申请已被处理');
    }
    for (const id of ids.slice(PARALLEL, 59)) assert.deepEqual(byId.get(id), { id, ok: true, message: '已通过' });
    assert.deepEqual(byId.get(ids[59]), { id: ids[59], ok: false, message: '该申请已被处理' });

    const _ = world.admin.database().command;
    const members = await world.docs<MemberDoc>('members', { userId: _.in(users.map((u) => u._id)), status: 'active' });
    assert.equal(members.length, 59);
    assert.equal(new Set(members.map((m) => m.userId)).size, 59);
    const apps = await world.docs<{ _id: string; status: string; history: Array<{ action: string; byName: string }> }>(
      'applications',
      { _id: _.in(ids) },
    );
    assert.equal(apps.filter((a) => a.status === 'approved').length, 59);
    for (const a of apps.filter((x) => x.status === 'approved'))
      assert.deepEqual(
        a.history.map((h) => h.action),
        ['submitted', 'approved'],
      );
    assert.equal((await world.docs('auditLogs', { action: 'approve:memberJoin', targetId: _.in(ids) })).length, 59);
    assert.equal(
      (await world.docs('auditLogs', { action: 'member:join', targetId: _.in(members.map((m) => m._id)) })).length,
      59,
    );
    assert.deepEqual(await world.docs('locks', { applicationId: _.in(ids) }), []);
    const told = (await world.outbox('subscribe')).filter(
      (m) =>
        ids.includes(String(m.payload.page).split('id=')[1]) &&
        (m.payload.data as { status: string }).status === '已通过',
    );
    assert.equal(told.length, 59);
    await noDrift();
  });

  it('an applicant who became a member elsewhere meanwhile is refused with what to do; the rest of the group is approved', async () => {
    const { ids, users } = await joins(30);
    // Joined another union in between (as an import claim would make it): the membership rule refuses.
    world.emulator.engine.modify({
      collection: 'users',
      query: { _id: users[7]._id },
      data: { $set: { activeMemberId: 'm-elsewhere' } },
      multi: false,
      merge: true,
      upsert: false,
    });
    const { results } = await world.as('demo-admin-federation').ok('review', 'batchApprove', { ids });
    assert.deepEqual(results[7], {
      id: ids[7],
      ok: false,
      message: '申请人已是其他工会的会员，不能重复入会；请驳回此申请',
    });
    assert.equal(results.filter((r) => r.ok).length, 29);
    const [pending] = await world.docs<{ status: string }>('applications', { _id: ids[7] });
    assert.equal(pending.status, 'pending');
    world.emulator.engine.modify({
      collection: 'users',
      query: { _id: users[7]._id },
      data: { $set: { activeMemberId: null } },
      multi: false,
      merge: true,
      upsert: false,
    });
    await noDrift();
  });

  it('a group whose transaction fails as a whole falls back to one approval at a time, and all are approved once', async () => {
    const { ids } = await joins(25);
    const commitsBefore = world.emulator.actionCounts.get('database.commitTransaction') ?? 0;
    // The group's commit (25 applications: one group) fails as a server error would.
    world.emulator.faults.set({ action: 'database.commitTransaction', failNth: 1 });
    const { results } = await world.as('demo-admin-federation').ok('review', 'batchApprove', { ids });
    world.emulator.faults.set(null);
    assert.deepEqual(
      results.filter((r) => !r.ok),
      [],
    );
    // The failed group, then 25 approvals one by one (and a fold, if a shard has gone cold by then).
    const commits = (world.emulator.actionCounts.get('database.commitTransaction') ?? 0) - commitsBefore;
    assert.ok(commits === 26 || commits === 27, `${commits} commits`);
    await noDrift();
  });
});
