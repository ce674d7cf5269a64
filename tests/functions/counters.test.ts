import fs from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { MemberDoc, RoleDoc, UnionDoc } from '../../cloudfunctions/shared/documents';
import type { CounterShardDoc } from '../../cloudfunctions/shared/org/member-count';
import { demoPhone, demoResidentId, DEMO_PASSWORD } from '../../fixtures/demo';
import { demoWorld, lastSmsCode, type DemoWorld } from '../helpers/api';
import { insertRegisteredPeople } from '../../fixtures/people';
import { xlsxOf } from '../helpers/files';
import { uploadImport } from '../helpers/importer';
import { syntheticResidentId } from '../../cloudfunctions/shared/identity/resident-id';
import { checkInvariants, sdkSource } from '../../scripts/invariants';
import type { ImportJobView } from '../../typings/importer';

const PARALLEL = 24;

/** Limits under bursts of parallel requests, as a script would send them. */
describe('limits hold under parallel requests (through the SDK)', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  it(`${PARALLEL} parallel wrong passwords: exactly 5 are answered as wrong, the rest as locked, and the right password is locked out`, async () => {
    const phone = demoPhone(10); // demo-user 孙注册
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        world.as(`wx-burst-${i}`).fails('account', 'loginPassword', { phone, password: `Wrong${1000 + i}` }),
      ),
    );
    assert.equal(answers.filter((a) => a.code === 'LOGIN_FAILED').length, 5);
    assert.equal(answers.filter((a) => a.code === 'ACCOUNT_LOCKED').length, PARALLEL - 5);
    const right = await world
      .as('wx-burst-owner')
      .fails('account', 'loginPassword', { phone, password: DEMO_PASSWORD });
    assert.equal(right.code, 'ACCOUNT_LOCKED');
    assert.match(right.message, /账号已锁定，请 1[45] 分钟后再试或使用短信验证码登录/);
  });

  it(`${PARALLEL} parallel wrong SMS codes: 5 are checked for one code, then the right code is dead too`, async () => {
    const phone = demoPhone(9); // demo-member-rare
    await world.rewindSms();
    await world.as('wx-sms-burst').ok('account', 'sendSmsCode', { phone, purpose: 'login' });
    const code = await lastSmsCode(world, phone);
    const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        world.as(`wx-sms-burst-${i}`).fails('account', 'loginSms', { phone, smsCode: wrong(i) }),
      ),
    );
    assert.equal(answers.filter((a) => /验证码不正确，还可以尝试/.test(a.message)).length, 4);
    assert.equal(answers.filter((a) => /错误次数过多/.test(a.message)).length, PARALLEL - 4);
    const [stored] = await world.docs<{ attempts: number; used: boolean }>('smsCodes', { used: false });
    assert.equal(stored.attempts, 5);
    const dead = await world.as('wx-sms-burst').fails('account', 'loginSms', { phone, smsCode: code });
    assert.match(dead.message, /错误次数过多，请重新获取/);
  });

  it(`${PARALLEL} parallel uses of one right SMS code: exactly one logs in`, async () => {
    const phone = demoPhone(8); // demo-member
    await world.rewindSms();
    await world.as('wx-sms-race').ok('account', 'sendSmsCode', { phone, purpose: 'login' });
    const smsCode = await lastSmsCode(world, phone);
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        world.as(`wx-sms-race-${i}`).call('account', 'loginSms', { phone, smsCode }),
      ),
    );
    assert.equal(results.filter((r) => r.ok).length, 1);
  });

  it(`${PARALLEL} parallel code requests: one code a minute, and never more than 10 a day`, async () => {
    const phone = demoPhone(6); // demo-admin-group
    const burst = async () => {
      await world.rewindSms();
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          world.as(`wx-sms-day-${i}`).call('account', 'sendSmsCode', { phone, purpose: 'login' }),
        ),
      );
      return results.filter((r) => r.ok).length;
    };
    const sentPerBurst: number[] = [];
    for (let i = 0; i < 11; i++) sentPerBurst.push(await burst());
    assert.deepEqual(sentPerBurst, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  });
});

describe('counts stay exact under parallel approvals, transfers, removals, revokes and demotions (through the SDK)', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  /** What the union's member count says (the folded base plus its shards) and the rows it counts. */
  async function memberCounts(key: 'federation' | 'grassroots') {
    const unionId = world.union(key);
    const [union] = await world.docs<UnionDoc>('unions', { _id: unionId });
    const shards = await world.docs<CounterShardDoc>('counterShards', { unionId });
    const rows = await world.docs<MemberDoc>('members', { unionId, status: 'active' });
    return { counted: union.memberCount + shards.reduce((n, s) => n + s.memberCount, 0), rows: rows.length };
  }

  it(`${PARALLEL} applications approved in parallel, then transferred in parallel, then removed in parallel: every count equals its rows`, async () => {
    const people = insertRegisteredPeople(world.emulator, PARALLEL, 'cnt');
    const applicant = (i: number) => world.as(`cnt-openid-${i}`);
    const before = { federation: await memberCounts('federation'), grassroots: await memberCounts('grassroots') };
    assert.equal(before.federation.counted, before.federation.rows);

    const joins = await Promise.all(
      people.map((_, i) =>
        applicant(i).ok('review', 'submit', {
          kind: 'memberJoin',
          data: { unionId: world.union('federation'), unitName: '并发测试单位' },
        }),
      ),
    );
    const fedAdmin = world.as('demo-admin-federation');
    const approved = await Promise.all(joins.map((j) => fedAdmin.call('review', 'approve', { id: j.application.id })));
    assert.deepEqual(
      approved.filter((r) => !r.ok),
      [],
    );
    assert.deepEqual(await memberCounts('federation'), {
      counted: before.federation.rows + PARALLEL,
      rows: before.federation.rows + PARALLEL,
    });

    const moves = await Promise.all(
      people.map((_, i) =>
        applicant(i).ok('review', 'submit', {
          kind: 'memberTransfer',
          data: { unionId: world.union('grassroots'), unitName: '并发测试单位' },
        }),
      ),
    );
    const grAdmin = world.as('demo-admin-grassroots');
    const transferred = await Promise.all(
      moves.map((m) => grAdmin.call('review', 'approve', { id: m.application.id })),
    );
    assert.deepEqual(
      transferred.filter((r) => !r.ok),
      [],
    );
    assert.deepEqual(await memberCounts('federation'), {
      counted: before.federation.rows,
      rows: before.federation.rows,
    });
    assert.deepEqual(await memberCounts('grassroots'), {
      counted: before.grassroots.rows + PARALLEL,
      rows: before.grassroots.rows + PARALLEL,
    });

    const mine = await world.docs<MemberDoc>('members', {
      unionId: world.union('grassroots'),
      status: 'active',
      userId: world.admin.database().command.in(people.map((p) => p._id)),
    });
    assert.equal(mine.length, PARALLEL);
    const removed = await Promise.all(
      mine.map((m) =>
        grAdmin.ok('member', 'remove', {
          unionId: world.union('grassroots'),
          memberIds: [m._id],
          reason: '并发移出测试',
        }),
      ),
    );
    assert.deepEqual(
      removed.flatMap((r) => r.results).filter((r) => !r.ok),
      [],
    );
    assert.deepEqual(await memberCounts('grassroots'), before.grassroots);
  });

  /** A union with `extra` more admins, appointed by its superior (they need not have registered). */
  async function addAdmins(
    key: 'group' | 'groupBranch',
    superior: string,
    extra: number,
    firstSeq: number,
  ): Promise<void> {
    for (let i = 0; i < extra; i++) {
      await world.as(superior).ok('admin', 'appointSubordinate', {
        person: {
          unionId: world.union(key),
          role: 'admin',
          name: `管理员${String.fromCodePoint(0x4e00 + i)}`,
          docType: 'resident',
          docNumber: demoResidentId(firstSeq + i),
          phone: `1390000${String(firstSeq + i).padStart(4, '0')}`,
          permissions: [],
        },
      });
    }
  }

  async function adminState(key: 'group' | 'groupBranch') {
    const [union] = await world.docs<UnionDoc>('unions', { _id: world.union(key) });
    const admins = await world.docs<RoleDoc>('roles', { unionId: world.union(key), status: 'active', role: 'admin' });
    return { adminCount: union.adminCount, activeAdmins: admins.length };
  }

  it(`${PARALLEL + 1} crossing revokes approved in parallel leave exactly one admin, and adminCount says so`, async () => {
    await addAdmins('group', 'demo-admin-city', PARALLEL, 700);
    const roles = (
      await world.as('demo-admin-group').ok('admin', 'listRoles', { unionId: world.union('group') })
    ).roles.filter((r) => r.role === 'admin');
    assert.equal(roles.length, PARALLEL + 1);
    const revokes = await Promise.all(
      roles.map((r) =>
        world.as('demo-admin-group').ok('review', 'submit', {
          kind: 'roleRevoke',
          data: { unionId: world.union('group'), roleId: r.id, reason: '交接测试' },
        }),
      ),
    );
    const city = world.as('demo-admin-city');
    const outcomes = await Promise.all(revokes.map((s) => city.call('review', 'approve', { id: s.application.id })));
    const refused = outcomes.flatMap((o) => (o.ok ? [] : [o.error.message]));
    assert.equal(refused.length, 1, refused.join(' | '));
    assert.match(refused[0], /撤销后该工会将没有管理员/);
    assert.deepEqual(await adminState('group'), { adminCount: 1, activeAdmins: 1 });
  });

  it(`${PARALLEL + 1} demotions of admins to operators in parallel leave exactly one admin`, async () => {
    // The group's branch starts with no admin: all of them are appointed here by a superior (the city).
    await addAdmins('groupBranch', 'demo-admin-city', PARALLEL + 1, 800);
    assert.deepEqual(await adminState('groupBranch'), { adminCount: PARALLEL + 1, activeAdmins: PARALLEL + 1 });
    const group = world.as('demo-admin-city');
    const outcomes = await Promise.all(
      Array.from({ length: PARALLEL + 1 }, (_, i) =>
        group.call('admin', 'appointSubordinate', {
          person: {
            unionId: world.union('groupBranch'),
            role: 'operator',
            name: `管理员${String.fromCodePoint(0x4e00 + i)}`,
            docType: 'resident',
            docNumber: demoResidentId(800 + i),
            phone: `1390001${String(i).padStart(4, '0')}`,
            permissions: ['export'],
          },
        }),
      ),
    );
    const refused = outcomes.flatMap((o) => (o.ok ? [] : [o.error.message]));
    assert.equal(refused.length, 1, refused.join(' | '));
    assert.match(refused[0], /该工会将没有管理员/);
    assert.deepEqual(await adminState('groupBranch'), { adminCount: 1, activeAdmins: 1 });
  });
});

describe('member counts under parallel imports racing approvals and removals on one union (through the SDK)', function () {
  this.timeout(600_000);
  let world: DemoWorld;
  before(async () => {
    // The deployed timeouts (importer 60 s): 50-odd calls at once on a shared machine outlast the default 20 s.
    const rc = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cloudbaserc.json'), 'utf8')) as {
      functions: Array<{ name: string; timeout: number }>;
    };
    world = await demoWorld({ functionTimeouts: Object.fromEntries(rc.functions.map((f) => [f.name, f.timeout])) });
  });
  after(() => world.close());

  const PER_FILE = 5;
  /** People nobody registered, born 1955 (apart from the demo people and insertRegisteredPeople's). */
  const importFile = (first: number, count: number) =>
    xlsxOf([
      ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'],
      ...Array.from({ length: count }, (_, i) => [
        `导入${String.fromCodePoint(0x4e00 + first + i)}`,
        '',
        syntheticResidentId('19550505', first + i),
        `1371${String(first + i).padStart(7, '0')}`,
        '',
      ]),
    ]);

  /** `imports` files of PER_FILE new people from person `first` on, all at once with the approvals and removals. */
  async function race(imports: number, first: number, approvals: number, removals: number, yearOffset: number) {
    const unionId = world.union('grassroots');
    const admin = world.as('demo-admin-grassroots');
    const untilDone = async (job: ImportJobView) => {
      let j = job;
      for (let i = 0; j.status !== 'done' && i < 200; i++) j = await admin.ok('importer', 'run', { jobId: j.jobId });
      return j;
    };
    const rows = async () => (await world.docs<MemberDoc>('members', { unionId, status: 'active' })).length;
    const counted = async () => {
      const [union] = await world.docs<UnionDoc>('unions', { _id: unionId });
      return (
        union.memberCount +
        (await world.docs<CounterShardDoc>('counterShards', { unionId })).reduce((n, s) => n + s.memberCount, 0)
      );
    };
    const removable = (await world.docs<MemberDoc>('members', { unionId, status: 'active', realName: false })).slice(
      0,
      removals,
    );
    const before = await rows();
    assert.equal(await counted(), before);
    const people = insertRegisteredPeople(world.emulator, approvals, `imprace${yearOffset}`, yearOffset);
    const sent = await Promise.all(
      people.map((_, i) =>
        world
          .as(`imprace${yearOffset}-openid-${i}`)
          .ok('review', 'submit', { kind: 'memberJoin', data: { unionId, unitName: '并发导入测试单位' } }),
      ),
    );
    const files = await Promise.all(
      Array.from({ length: imports }, (_, f) =>
        uploadImport(world, importFile(first + f * PER_FILE, PER_FILE), `race-${first + f}.xlsx`),
      ),
    );

    const [jobs, approved, removed] = await Promise.all([
      Promise.all(files.map(async (fileId) => untilDone(await admin.ok('importer', 'submit', { unionId, fileId })))),
      Promise.all(
        sent.map((s) => world.as('demo-admin-grassroots').call('review', 'approve', { id: s.application.id })),
      ),
      Promise.all(
        removable.map((m) =>
          world
            .as('demo-admin-grassroots')
            .ok('member', 'remove', { unionId, memberIds: [m._id], reason: '并发导入时移出' }),
        ),
      ),
    ]);
    assert.deepEqual(
      jobs.map((j) => j.imported),
      Array.from({ length: imports }, () => PER_FILE),
    );
    assert.deepEqual(
      approved.filter((a) => !a.ok),
      [],
    );
    assert.deepEqual(
      removed.flatMap((r) => r.results).filter((r) => !r.ok),
      [],
    );
    assert.equal(await rows(), before + imports * PER_FILE + approvals - removals);
    assert.equal(await counted(), await rows());
    const source = sdkSource(world.emulator.serviceUrl, world.emulator.envId);
    try {
      assert.deepEqual((await checkInvariants(source)).drifts, []);
    } finally {
      await source.close();
    }
  }

  it('20 imports into one union at once: its count and roll-ups equal the rows', async () => {
    await race(20, 0, 0, 0, 61);
  });

  // Fewer imports here: with 50-odd calls at once in one emulator process on a loaded machine,
  // single calls outlast the review function's 20 s.
  it('4 imports into one union racing 10 approvals and 5 removals there: the count equals the rows', async () => {
    await race(4, 100, 10, 5, 62);
  });
});
