/**
 * The invariant checker behind `npm run check`: recomputes every maintained counter from the rows it
 * counts and lists each place where they differ, plus the cross-document rules the workflow keeps.
 * Reads either a running emulator (through the real SDK, as any client would) or a data folder
 * (SQLite opened read-only, safe next to a running emulator thanks to WAL).
 */
import tcb from '@cloudbase/node-sdk';
import Database from 'better-sqlite3';
import path from 'node:path';
import {
  emptyStats,
  type MemberDoc,
  type RoleDoc,
  type UnionDoc,
  type UnionStats,
  type UserDoc,
} from '../cloudfunctions/shared/documents';
import type { ImportJobDoc } from '../cloudfunctions/shared/importer/chunks';
import type { CounterShardDoc } from '../cloudfunctions/shared/org/member-count';
import { searchTokensStale } from '../cloudfunctions/shared/membership/search-tokens';
import {
  emptyMonth,
  MEMBER_MONTHS,
  MONTH_FIELDS,
  monthCountersOf,
  type MemberMonthDoc,
} from '../cloudfunctions/shared/org/member-months';
import { decodeStored } from '../emulator/store/ejson';

type Row = Record<string, unknown> & { _id: string };

/** Where the rows come from: every document of a collection. */
export interface RowSource {
  describe: string;
  all(collection: string): Promise<Row[]>;
  close(): Promise<void>;
}

export interface Drift {
  check: string;
  target: string;
  stored: unknown;
  recomputed: unknown;
}

export interface CheckReport {
  source: string;
  checked: Record<string, number>;
  drifts: Drift[];
}

/**
 * A running emulator (or CloudBase itself) through the admin SDK, paged by _id. Every read is inside
 * one transaction, so all collections are seen at one snapshot even while writers are busy (a recount
 * from reads taken at different moments would report drift that is not there). A transaction lives
 * at most 30 seconds, which bounds how much this source can read.
 */
export function sdkSource(serviceUrl: string, env = 'local-dev'): RowSource {
  const app = tcb.init({ env, serviceUrl, secretId: 'check', secretKey: 'check', timeout: 120_000 });
  const db = app.database();
  const snapshot = db.startTransaction();
  return {
    describe: serviceUrl,
    async all(collection) {
      const tx = await snapshot;
      const rows: Row[] = [];
      let last = '';
      for (;;) {
        const page = await tx
          .collection(collection)
          .where({ _id: db.command.gt(last) })
          .orderBy('_id', 'asc')
          .limit(1000)
          .get();
        const data = page.data as Row[];
        rows.push(...data);
        if (data.length < 1000) return rows;
        last = data[data.length - 1]._id;
      }
    },
    async close() {
      await (await snapshot).rollback();
    },
  };
}

/** An emulator data folder, read-only, in one SQLite read transaction (one snapshot of every collection). */
export function folderSource(dataDir: string): RowSource {
  const db = new Database(path.join(dataDir, 'emulator.sqlite'), { readonly: true, fileMustExist: true });
  db.exec('BEGIN');
  return {
    describe: path.resolve(dataDir),
    async all(collection) {
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(`c:${collection}`);
      if (!exists) return [];
      return (db.prepare(`SELECT doc FROM "c:${collection}"`).all() as Array<{ doc: string }>).map(
        (r) => decodeStored(r.doc) as Row,
      );
    },
    async close() {
      db.exec('COMMIT');
      db.close();
    },
  };
}

function countBy<T>(rows: T[], key: (row: T) => string | null | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    const k = key(r);
    if (k) out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

export async function checkInvariants(source: RowSource): Promise<CheckReport> {
  const [unions, members, roles, users, shards, jobs, chunks, apps, locks, months] = (await Promise.all(
    [
      'unions',
      'members',
      'roles',
      'users',
      'counterShards',
      'importJobs',
      'importChunks',
      'applications',
      'locks',
      MEMBER_MONTHS,
    ].map((c) => source.all(c)),
  )) as unknown as [
    UnionDoc[],
    MemberDoc[],
    RoleDoc[],
    UserDoc[],
    CounterShardDoc[],
    ImportJobDoc[],
    Array<Row & { jobId: string; imported: number; autoJoined: number; skipped: unknown[] }>,
    Array<Row & { status: string; locks?: string[] }>,
    Array<Row & { applicationId: string }>,
    MemberMonthDoc[],
  ];
  const drifts: Drift[] = [];
  const drift = (check: string, target: string, stored: unknown, recomputed: unknown) => {
    if (stored !== recomputed) drifts.push({ check, target, stored, recomputed });
  };

  const activeMembers = members.filter((m) => m.status === 'active');
  const membersPerUnion = countBy(activeMembers, (m) => m.unionId);
  const shardSum = new Map<string, number>();
  for (const s of shards) shardSum.set(s.unionId, (shardSum.get(s.unionId) ?? 0) + s.memberCount);
  const adminsPerUnion = countBy(
    roles.filter((r) => r.status === 'active' && r.role === 'admin'),
    (r) => r.unionId,
  );
  const childrenPerUnion = countBy(
    unions.filter((u) => u.status === 'active'),
    (u) => u.parentId,
  );
  for (const u of unions) {
    const name = `${u.name} (${u._id})`;
    drift(
      'unions.memberCount (+ counter shards) = active member rows',
      name,
      u.memberCount + (shardSum.get(u._id) ?? 0),
      membersPerUnion.get(u._id) ?? 0,
    );
    drift('unions.adminCount = active admin roles', name, u.adminCount, adminsPerUnion.get(u._id) ?? 0);
    drift('unions.childCount = active child unions', name, u.childCount, childrenPerUnion.get(u._id) ?? 0);
  }

  // Roll-ups (org/rollup.ts) move after their change commits, so a crash in between leaves them short:
  // this is where that shows. Members count in their union and every union above it; active unions
  // count, by category, in every union above them.
  const rollups = new Map<string, Required<UnionStats>>();
  const rollupOf = (id: string) => {
    let r = rollups.get(id);
    if (!r) rollups.set(id, (r = emptyStats()));
    return r;
  };
  const unionById = new Map(unions.map((u) => [u._id, u]));
  for (const m of activeMembers) {
    const own = rollupOf(m.unionId);
    if (m.realName) own.realName += 1;
    else own.notRealName += 1;
    for (const id of [m.unionId, ...(unionById.get(m.unionId)?.ancestors ?? [])]) {
      if (m.realName) rollupOf(id).subtreeRealName += 1;
      else rollupOf(id).subtreeNotRealName += 1;
    }
  }
  for (const u of unions) {
    if (u.status !== 'active') continue;
    for (const id of u.ancestors) {
      if (u.category === 'above') rollupOf(id).subtreeAbove += 1;
      else rollupOf(id).subtreeGrassroots += 1;
    }
  }
  for (const u of unions) {
    const name = `${u.name} (${u._id})`;
    // The same quantity kept twice: memberCount exact (transactional, for limits and deregistration),
    // stats split by real name (statistics, after commit). Named apart so a report says which disagree.
    drift(
      'unions.memberCount (+ shards) = stats.realName + stats.notRealName',
      name,
      u.memberCount + (shardSum.get(u._id) ?? 0),
      (u.stats?.realName ?? 0) + (u.stats?.notRealName ?? 0),
    );
    const want = rollupOf(u._id);
    for (const key of Object.keys(want) as Array<keyof typeof want>)
      drift(`unions.stats.${key} = its member / union rows`, name, u.stats?.[key] ?? 0, want[key]);
  }

  // The trend's monthly counters (org/member-months.ts) move with the roll-ups, after the commit.
  const wantMonths = monthCountersOf(members, (id) => unionById.get(id)?.ancestors ?? []);
  const storedMonths = new Map(months.map((d) => [d._id, d]));
  for (const id of new Set([...wantMonths.keys(), ...storedMonths.keys()])) {
    const want = wantMonths.get(id);
    const stored = storedMonths.get(id);
    const blank = (want ?? stored) as MemberMonthDoc;
    const name = `${unionById.get(blank.unionId)?.name ?? blank.unionId} ${blank.month} (${id})`;
    const recomputed = want ?? emptyMonth(blank.unionId, blank.month);
    for (const key of MONTH_FIELDS)
      drift(`${MEMBER_MONTHS}.${key} = its member rows`, name, stored?.[key] ?? 0, recomputed[key]);
  }

  const activePerUser = countBy(activeMembers, (m) => m.userId);
  for (const [userId, n] of activePerUser) if (n > 1) drift('at most one active membership per person', userId, n, 1);
  const activeOf = new Map(activeMembers.filter((m) => m.userId).map((m) => [m.userId as string, m._id]));
  for (const user of users)
    drift(
      'users.activeMemberId = the active member row of that person',
      user._id,
      user.activeMemberId ?? null,
      activeOf.get(user._id) ?? null,
    );

  const chunksPerJob = new Map<string, { n: number; imported: number; autoJoined: number; skipped: number }>();
  for (const c of chunks) {
    const t = chunksPerJob.get(c.jobId) ?? { n: 0, imported: 0, autoJoined: 0, skipped: 0 };
    chunksPerJob.set(c.jobId, {
      n: t.n + 1,
      imported: t.imported + c.imported,
      autoJoined: t.autoJoined + c.autoJoined,
      skipped: t.skipped + c.skipped.length,
    });
  }
  for (const j of jobs) {
    const t = chunksPerJob.get(j._id) ?? { n: 0, imported: 0, autoJoined: 0, skipped: 0 };
    drift('importJobs.chunksDone = chunk markers', j._id, j.chunksDone, t.n);
    drift('importJobs.imported = Σ chunk imported', j._id, j.imported, t.imported);
    drift('importJobs.autoJoined = Σ chunk autoJoined', j._id, j.autoJoined, t.autoJoined);
    drift('importJobs.skipped = Σ chunk skipped rows', j._id, j.skipped, t.skipped);
  }

  const pending = new Set(apps.filter((a) => a.status === 'pending').map((a) => a._id));
  for (const l of locks) drift('a lock belongs to a pending application', l._id, pending.has(l.applicationId), true);
  for (const a of apps)
    if (a.status === 'pending')
      for (const key of a.locks ?? [])
        drift(
          'a pending application holds its locks',
          `${a._id} ${key}`,
          locks.some((l) => l._id === key && l.applicationId === a._id),
          true,
        );

  // Member search keys come from the name and the masks (membership/search-tokens.ts). Rows written
  // before they existed have none until --repair sets them: one line for all such rows, not one each.
  const staleTokens = members.filter((m) => searchTokensStale(m));
  drift(
    'members.searchTokens = the name’s characters and pairs and the masks’ tails (member search)',
    staleTokens.length ? `${staleTokens.length} rows, e.g. ${staleTokens[0]._id}` : 'members',
    staleTokens.length,
    0,
  );

  return {
    source: source.describe,
    checked: {
      unions: unions.length,
      members: members.length,
      roles: roles.length,
      users: users.length,
      counterShards: shards.length,
      importJobs: jobs.length,
      applications: apps.length,
      locks: locks.length,
      [MEMBER_MONTHS]: months.length,
    },
    drifts,
  };
}
