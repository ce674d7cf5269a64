/**
 * `npm run bench -- load`: 50 concurrent clients on 127.0.0.1 for a bounded time — members applying
 * to join, admins approving what arrives — through the real SDK and functions. Prints throughput,
 * p50/p99 latency and errors, then approval throughput on one union against many (bench/approvals.ts),
 * then checks the invariants on the data left behind, including `npm run check`'s counter recount.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MemberDoc, UserDoc } from '../cloudfunctions/shared/documents';
import type { ApplicationDoc } from '../cloudfunctions/shared/workflow/kind';
import { demoUnionId, seedDemo } from '../fixtures/demo';
import { startLocalEmulator } from '../fixtures/local-emulator';
import { printReport } from '../scripts/check';
import { checkInvariants, sdkSource } from '../scripts/invariants';
import { sdkFor } from '../emulator/client';
import { insertRegisteredPeople } from '../fixtures/people';
import { runApprovalBench } from './approvals';
import { peakRssMb, percentile, printTable } from './table';

const CLIENTS = Number(process.env.BENCH_LOAD_CLIENTS ?? 50);
const ADMINS = Math.max(2, Math.round(CLIENTS / 5));
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 20);
const PEOPLE = Number(process.env.BENCH_LOAD_PEOPLE ?? 3000);
const TARGETS = [
  { union: 'grassroots', admin: 'demo-admin-grassroots' },
  { union: 'federation', admin: 'demo-admin-federation' },
  { union: 'group', admin: 'demo-admin-group' },
];

type Answer = { ok: boolean; error?: { code: string }; data?: unknown };

export async function runLoadBench(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
  const emulator = await startLocalEmulator({ dataDir });
  try {
    await seedDemo(emulator);
    // Registered people, written straight to the store: registration is not what is measured here.
    insertRegisteredPeople(emulator, PEOPLE, 'load');

    const latencies: number[] = [];
    const errors = new Map<string, number>();
    let calls = 0;
    const deadline = Date.now() + SECONDS * 1000;
    const call = async (openid: string, fn: string, data: Record<string, unknown>): Promise<Answer> => {
      const t = process.hrtime.bigint();
      let res: Answer;
      try {
        res = (await sdkFor(emulator, openid, 60_000).callFunction({ name: fn, data })).result as Answer;
      } catch {
        res = { ok: false, error: { code: 'TRANSPORT' } };
      }
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      calls += 1;
      if (!res.ok) errors.set(res.error?.code ?? '?', (errors.get(res.error?.code ?? '?') ?? 0) + 1);
      return res;
    };
    let nextPerson = 0;
    const member = async (c: number) => {
      while (Date.now() < deadline && nextPerson < PEOPLE) {
        const i = nextPerson++;
        const target = TARGETS[(i + c) % TARGETS.length];
        // Two taps of one submit: the replay must not make a second application.
        const data = {
          action: 'submit',
          requestId: `load-${i}`,
          payload: { kind: 'memberJoin', data: { unionId: demoUnionId(target.union), unitName: '负载测试单位' } },
        };
        await Promise.all([call(`load-openid-${i}`, 'review', data), call(`load-openid-${i}`, 'review', data)]);
        // Some change their mind and apply elsewhere too: refused while one is pending.
        if (i % 7 === 0)
          await call(`load-openid-${i}`, 'review', {
            action: 'submit',
            payload: {
              kind: 'memberJoin',
              data: { unionId: demoUnionId(TARGETS[(i + 1) % 3].union), unitName: '负载测试单位' },
            },
          });
      }
    };
    const admin = async (a: number) => {
      const who = TARGETS[a % TARGETS.length].admin;
      while (Date.now() < deadline) {
        const inbox = await call(who, 'review', { action: 'listInbox', payload: { kind: 'memberJoin', pageSize: 10 } });
        const items = ((inbox.data as { items?: Array<{ id: string }> } | undefined)?.items ?? []).slice(0, 5);
        if (items.length === 0) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        // Admins of one union race for the same applications: exactly one approval each must win.
        for (const it of items) await call(who, 'review', { action: 'approve', payload: { id: it.id } });
      }
    };
    const started = Date.now();
    await Promise.all([
      ...Array.from({ length: CLIENTS - ADMINS }, (_, c) => member(c)),
      ...Array.from({ length: ADMINS }, (_, a) => admin(a)),
    ]);
    const elapsed = (Date.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    printTable(
      `load: ${CLIENTS} concurrent clients (${CLIENTS - ADMINS} members applying, ${ADMINS} admins approving) for ${SECONDS}s on 127.0.0.1`,
      [
        {
          calls,
          'calls/s': Math.round(calls / elapsed),
          'p50 ms': percentile(latencies, 50).toFixed(1),
          'p99 ms': percentile(latencies, 99).toFixed(1),
          'max ms': (latencies.at(-1) ?? 0).toFixed(1),
          'peak RSS MB': peakRssMb(),
        },
      ],
    );
    printTable(
      'answers other than ok (expected: ALREADY_PROCESSED for lost races, DUPLICATE for a second pending application)',
      [...errors].map(([code, n]) => ({ code, count: n })),
    );

    // Invariants on what is left behind.
    const members = emulator.engine.find('members', {
      status: 'active',
      userId: { $regex: '^load-user-' },
    }) as unknown as MemberDoc[];
    const apps = emulator.engine.find('applications', {
      applicantUserId: { $regex: '^load-user-' },
    }) as unknown as ApplicationDoc[];
    const usersAfter = emulator.engine.find('users', { _id: { $regex: '^load-user-' } }) as unknown as UserDoc[];
    const locks = emulator.engine.find('locks', {}) as unknown as Array<{ _id: string; applicationId: string }>;
    const perUser = new Map<string, number>();
    for (const m of members) perUser.set(String(m.userId), (perUser.get(String(m.userId)) ?? 0) + 1);
    const violations: string[] = [];
    for (const [u, n] of perUser) if (n > 1) violations.push(`${u} has ${n} active memberships`);
    const memberIds = new Set(members.map((m) => m._id));
    for (const u of usersAfter)
      if (u.activeMemberId && !memberIds.has(u.activeMemberId))
        violations.push(`${u._id} points at a missing membership`);
    const pendingPerUser = new Map<string, number>();
    for (const a of apps) {
      const effect = `m${a._id.slice(0, 23)}`;
      if (a.status === 'approved' && !memberIds.has(effect)) violations.push(`approved ${a._id} has no member row`);
      if (a.status !== 'approved' && memberIds.has(effect)) violations.push(`${a.status} ${a._id} has a member row`);
      if (a.status === 'pending') {
        pendingPerUser.set(String(a.applicantUserId), (pendingPerUser.get(String(a.applicantUserId)) ?? 0) + 1);
        if (!locks.some((l) => l.applicationId === a._id)) violations.push(`pending ${a._id} holds no lock`);
      }
      if (!['pending', 'approved', 'rejected', 'withdrawn'].includes(a.status))
        violations.push(`${a._id} in state ${a.status}`);
    }
    for (const [u, n] of pendingPerUser) if (n > 1) violations.push(`${u} has ${n} pending membership applications`);
    for (const l of locks)
      if (!apps.some((a) => a._id === l.applicationId && a.status === 'pending'))
        violations.push(`lock ${l._id} outlived its application`);
    const byStatus = apps.reduce<Record<string, number>>(
      (acc, a) => ((acc[a.status] = (acc[a.status] ?? 0) + 1), acc),
      {},
    );
    printTable('invariants after the run', [
      { check: 'applications by status', result: JSON.stringify(byStatus) },
      { check: 'active memberships (load users)', result: members.length },
      {
        check:
          'one active membership per person, approvals ↔ member rows, one pending application per person, locks ↔ pending',
        result:
          violations.length === 0
            ? 'all hold'
            : `${violations.length} VIOLATIONS: ${violations.slice(0, 5).join('; ')}`,
      },
    ]);
    if (violations.length) process.exitCode = 1;

    await runApprovalBench(emulator);

    // The same recount `npm run check -- --url` does, through the SDK, over everything left behind.
    const report = await checkInvariants(sdkSource(emulator.serviceUrl, emulator.envId));
    printReport(report);
    if (report.drifts.length) process.exitCode = 1;
  } finally {
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
