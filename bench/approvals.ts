/**
 * Approval throughput, part of `npm run bench -- load`: is one union's approval rate held back by a
 * counter document? Three runs through the real SDK and functions, in one emulator:
 * - baseline: 10 admins, each approving the applications of its own union (no shared documents);
 * - one union: 10 admins of the same union approving its applications at the same time;
 * - batch: one admin's batchApprove of 1,000 applications of one union, in one function call.
 */
import { newUnion, type RoleDoc, type UnionDoc, type UserDoc } from '../cloudfunctions/shared/documents';
import { demoCreditCode, demoUnionId } from '../fixtures/demo';
import type { RunningEmulator } from '../emulator/server';
import { sdkFor } from '../emulator/client';
import { insertRegisteredPeople } from '../fixtures/people';
import { ALL_PERMISSIONS } from '../typings/models';
import { printTable } from './table';

const ADMINS = 10;
const APPROVALS = Number(process.env.BENCH_APPROVALS ?? 300);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
/** The review function's timeout in cloudbaserc.json, which the emulator applies too. */
const REVIEW_BUDGET_S = 20;

type Answer = { ok: boolean; error?: { code: string; message: string }; data?: unknown };

export async function runApprovalBench(emulator: RunningEmulator): Promise<void> {
  const call = async (openid: string, action: string, payload: unknown): Promise<Answer> => {
    try {
      return (await sdkFor(emulator, openid, 120_000).callFunction({ name: 'review', data: { action, payload } }))
        .result as Answer;
    } catch (err) {
      return { ok: false, error: { code: 'TRANSPORT', message: String(err) } };
    }
  };
  const street = emulator.engine.find('unions', { _id: demoUnionId('street') })[0] as unknown as UnionDoc;
  let unionSeq = 0;
  /** A grassroots union under the demo street with these admins, written straight to the store. */
  const unionWithAdmins = (admins: UserDoc[]): string => {
    unionSeq += 1;
    const id = `bench-union-${unionSeq}`;
    const fields = {
      name: `压测基层工会${String.fromCodePoint(0x4e00 + unionSeq)}`,
      unitName: `压测单位${unionSeq}`,
      creditCode: demoCreditCode(9000 + unionSeq),
      category: 'grassroots' as const,
      subtype: null,
      address: '广州市天河区',
      chairName: '压测主席',
      contactPhone: '020-87000000',
      declaredMembers: 100,
    };
    emulator.engine.insert('unions', [
      newUnion(id, fields, street, { adminCount: admins.length }) as unknown as Record<string, unknown>,
    ]);
    emulator.engine.modify({
      collection: 'unions',
      query: { _id: street._id },
      data: { $inc: { childCount: 1 } },
      multi: false,
      merge: true,
      upsert: false,
    });
    // Counted by the roll-ups above it, as a registration's rollupUnions does (npm run check compares them).
    emulator.engine.modify({
      collection: 'unions',
      query: { _id: { $in: [street._id, ...street.ancestors] } },
      data: { $inc: { 'stats.subtreeGrassroots': 1 } },
      multi: true,
      merge: true,
      upsert: false,
    });
    const roles: RoleDoc[] = admins.map((u) => ({
      _id: `bench-role-${id}-${u._id}`,
      userId: u._id,
      docIndex: u.docIndex,
      name: u.name,
      docMasked: u.doc.masked,
      phone: u.phone,
      unionId: id,
      role: 'admin',
      permissions: ALL_PERMISSIONS,
      status: 'active',
      grantedBy: 'bench',
      grantedAt: new Date(),
    }));
    emulator.engine.insert('roles', roles as unknown as Array<Record<string, unknown>>);
    return id;
  };

  const admins = insertRegisteredPeople(emulator, ADMINS * 2 + 1, 'bench-admin', 20);
  const adminOpenid = (i: number) => `bench-admin-openid-${i}`;
  insertRegisteredPeople(emulator, APPROVALS * 2 + BATCH, 'bench-applicant', 30);
  let nextApplicant = 0;
  /** `count` pending memberJoin applications to `unionId`, submitted through the function, 20 at a time. */
  const applications = async (unionId: string, count: number): Promise<string[]> => {
    const first = nextApplicant;
    nextApplicant += count;
    const ids: string[] = [];
    let next = first;
    const worker = async () => {
      while (next < first + count) {
        const i = next++;
        const res = await call(`bench-applicant-openid-${i}`, 'submit', {
          kind: 'memberJoin',
          data: { unionId, unitName: '压测单位' },
        });
        if (!res.ok) throw new Error(`submit failed: ${res.error?.code} ${res.error?.message}`);
        ids.push((res.data as { application: { id: string } }).application.id);
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    return ids;
  };

  /** Each admin approves its own list, one after another; all admins at once. Returns approvals/s. */
  const approveAll = async (work: Array<{ admin: string; ids: string[] }>) => {
    const failures = new Map<string, number>();
    const started = process.hrtime.bigint();
    await Promise.all(
      work.map(async ({ admin, ids }) => {
        for (const id of ids) {
          const res = await call(admin, 'approve', { id });
          if (!res.ok) failures.set(res.error?.code ?? '?', (failures.get(res.error?.code ?? '?') ?? 0) + 1);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const total = work.reduce((n, w) => n + w.ids.length, 0);
    const failed = [...failures.values()].reduce((a, b) => a + b, 0);
    return {
      approved: total - failed,
      seconds,
      rate: (total - failed) / seconds,
      failures: failed ? JSON.stringify(Object.fromEntries(failures)) : 'none',
    };
  };

  // Baseline: ten unions, one admin each.
  const many = Array.from({ length: ADMINS }, (_, k) => ({
    admin: adminOpenid(k),
    unionId: unionWithAdmins([admins[k]]),
  }));
  const manyWork = await Promise.all(
    many.map(async (m) => ({ admin: m.admin, ids: await applications(m.unionId, APPROVALS / ADMINS) })),
  );
  const baseline = await approveAll(manyWork);

  // One union, ten admins: admin k takes every tenth application, so they never race for one.
  const oneUnion = unionWithAdmins(admins.slice(ADMINS, ADMINS * 2));
  const oneIds = await applications(oneUnion, APPROVALS);
  const one = await approveAll(
    Array.from({ length: ADMINS }, (_, k) => ({
      admin: adminOpenid(ADMINS + k),
      ids: oneIds.filter((_, i) => i % ADMINS === k),
    })),
  );

  printTable(
    `approvals per second: ${ADMINS} admins approving ${APPROVALS} applications at once (baseline = ${ADMINS} unions, measured in this run)`,
    [
      {
        run: `baseline: ${ADMINS} unions, 1 admin each`,
        approved: baseline.approved,
        seconds: baseline.seconds.toFixed(1),
        'approvals/s': baseline.rate.toFixed(1),
        'vs baseline': '1.00×',
        failures: baseline.failures,
      },
      {
        run: `one union, ${ADMINS} admins`,
        approved: one.approved,
        seconds: one.seconds.toFixed(1),
        'approvals/s': one.rate.toFixed(1),
        'vs baseline': `${(one.rate / baseline.rate).toFixed(2)}×`,
        failures: one.failures,
      },
    ],
  );

  // batchApprove of BATCH applications of one union, in one call of the review function.
  const batchUnion = unionWithAdmins([admins[ADMINS * 2]]);
  const batchIds = await applications(batchUnion, BATCH);
  const started = process.hrtime.bigint();
  const res = await call(adminOpenid(ADMINS * 2), 'batchApprove', { ids: batchIds });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const results = res.ok ? (res.data as { results: Array<{ ok: boolean }> }).results : [];
  printTable(
    `batchApprove of ${BATCH} applications on one union, one call (review function budget ${REVIEW_BUDGET_S} s)`,
    [
      {
        answered: res.ok ? 'ok' : `${res.error?.code} ${res.error?.message ?? ''}`.slice(0, 60),
        approved: results.filter((r) => r.ok).length,
        refused: results.filter((r) => !r.ok).length,
        seconds: seconds.toFixed(1),
        'approvals/s': (results.filter((r) => r.ok).length / seconds).toFixed(1),
        'share of budget': `${Math.round((seconds / REVIEW_BUDGET_S) * 100)}%`,
      },
    ],
  );
}
