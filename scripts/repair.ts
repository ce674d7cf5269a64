/**
 * `npm run check -- --url <emulator> --repair`: sets each drifted counter back to what its rows say,
 * safely next to live traffic. How each kind of counter is written decides how it is repaired:
 *
 * - memberCount (+ its shards) moves inside the transaction that writes the member row. The repair is
 *   a transaction too: its first read fixes the snapshot, the member rows are counted after it, and it
 *   writes the union and every shard, so an approval, removal or import that commits meanwhile makes it
 *   conflict and retry (the row count and the counter are always judged at one moment).
 * - adminCount and childCount move in the same transaction as their rows: a compare-and-set on the
 *   value read before counting (`where({_id, adminCount: stored})`), retried when it changed.
 * - The roll-ups (stats.*) move after their change commits (org/rollup.ts), so a recount can run ahead
 *   of an increment still on its way. Only a drift seen in two checks SETTLE_MS apart, with the same
 *   stored value, is repaired, as a compare-and-set on that value.
 * - The trend's monthly counters (memberMonths, org/member-months.ts) move with the roll-ups and are
 *   repaired the same way; a month whose document is missing is created empty first. This is also the
 *   backfill for data from before the counters existed.
 */
import tcb from '@cloudbase/node-sdk';
import type { UnionDoc } from '../cloudfunctions/shared/documents';
import type { Tx } from '../cloudfunctions/shared/db';
import { SHARDS, shardId, type CounterShardDoc } from '../cloudfunctions/shared/org/member-count';
import { emptyMonth, MEMBER_MONTHS, type MemberMonthDoc } from '../cloudfunctions/shared/org/member-months';
import { checkInvariants, sdkSource, type CheckReport, type Drift } from './invariants';
import { repairSearchTokens } from './repair-search-tokens';

const SETTLE_MS = 2000;
const ATTEMPTS = 10;

export interface Repair {
  check: string;
  target: string;
  from: unknown;
  to: unknown;
}

type App = ReturnType<typeof tcb.init>;

/** Drift targets are `name (id)`. */
function unionIdOf(d: Drift): string {
  return /\(([^()]+)\)$/.exec(d.target)?.[1] ?? '';
}

async function check(serviceUrl: string, env: string): Promise<CheckReport> {
  const source = sdkSource(serviceUrl, env);
  try {
    return await checkInvariants(source);
  } finally {
    await source.close();
  }
}

async function repairMemberCount(app: App, unionId: string): Promise<Repair | null> {
  const db = app.database();
  for (let attempt = 1; ; attempt++) {
    try {
      return (await db.runTransaction(async (tx: Tx) => {
        const union = (await tx.collection('unions').doc(unionId).get()).data as unknown as UnionDoc | undefined;
        if (!union) return null;
        // Counted after the snapshot above: a row committed since then came with a shard write, which
        // makes this transaction's shard writes below conflict.
        const rows = (await db.collection('members').where({ unionId, status: 'active' }).count()).total as number;
        let stored = union.memberCount;
        const shards: CounterShardDoc[] = [];
        for (let k = 0; k < SHARDS; k++) {
          const shard = (await tx.collection('counterShards').doc(shardId(unionId, k)).get()).data as unknown as
            CounterShardDoc | undefined;
          if (shard) shards.push(shard);
          stored += shard?.memberCount ?? 0;
        }
        if (stored === rows) return null;
        for (const s of shards) await tx.collection('counterShards').doc(s._id).update({ memberCount: 0 });
        await tx.collection('unions').doc(unionId).update({ memberCount: rows });
        return {
          check: 'unions.memberCount (+ counter shards) = active member rows',
          target: `${union.name} (${unionId})`,
          from: stored,
          to: rows,
        };
      }, 1)) as Repair | null;
    } catch (err) {
      if ((err as { code?: string }).code !== 'DATABASE_TRANSACTION_CONFLICT' || attempt >= ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 50 * attempt));
    }
  }
}

/** Compare-and-set of one field from the value it was seen with to the recount. */
async function compareAndSet(
  app: App,
  id: string,
  field: string,
  from: unknown,
  to: unknown,
  collection = 'unions',
): Promise<boolean> {
  const db = app.database();
  const guard = from === 0 ? db.command.or([db.command.eq(0), db.command.exists(false)]) : from;
  const res = await db
    .collection(collection)
    .where({ _id: id, [field]: guard })
    .update({ [field]: to });
  return Number((res as { updated?: number }).updated) === 1;
}

/** adminCount / childCount: read, recount, set only if the counter did not move in between (else again). */
async function repairRowCounter(
  app: App,
  unionId: string,
  field: 'adminCount' | 'childCount',
  checkName: string,
): Promise<Repair | null> {
  const db = app.database();
  const rows =
    field === 'adminCount'
      ? { collection: 'roles', where: { unionId, role: 'admin', status: 'active' } }
      : { collection: 'unions', where: { parentId: unionId, status: 'active' } };
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const union = (await db.collection('unions').doc(unionId).get()).data[0] as UnionDoc | undefined;
    if (!union) return null;
    const count = (await db.collection(rows.collection).where(rows.where).count()).total as number;
    if (union[field] === count) return null;
    if (await compareAndSet(app, unionId, field, union[field], count))
      return { check: checkName, target: `${union.name} (${unionId})`, from: union[field], to: count };
  }
  return null;
}

/** A month's counter document, empty, unless it exists (a roll-up may be creating it right now). */
async function createMonth(app: App, doc: MemberMonthDoc): Promise<void> {
  try {
    await app.database().collection(MEMBER_MONTHS).add(doc);
  } catch (err) {
    if ((err as { code?: string }).code !== 'DATABASE_DUPLICATE_WRITE') throw err;
  }
}

/** Repairs every drifted counter and roll-up it safely can; answers what it changed and the check after. */
export async function repairDrifts(
  serviceUrl: string,
  env = 'local-dev',
): Promise<{ repairs: Repair[]; after: CheckReport }> {
  const app = tcb.init({ env, serviceUrl, secretId: 'check', secretKey: 'check', timeout: 120_000 });
  const repairs: Repair[] = [];
  const first = await check(serviceUrl, env);
  const memberDrifts = new Set(first.drifts.filter((d) => d.check.startsWith('unions.memberCount')).map(unionIdOf));
  for (const unionId of memberDrifts) {
    const r = await repairMemberCount(app, unionId);
    if (r) repairs.push(r);
  }
  for (const d of first.drifts.filter(
    (x) => x.check.startsWith('unions.adminCount') || x.check.startsWith('unions.childCount'),
  )) {
    const r = await repairRowCounter(
      app,
      unionIdOf(d),
      d.check.startsWith('unions.adminCount') ? 'adminCount' : 'childCount',
      d.check,
    );
    if (r) repairs.push(r);
  }
  const rollups = first.drifts.filter((d) => d.check.startsWith('unions.stats.'));
  if (rollups.length) {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const again = await check(serviceUrl, env);
    for (const d of rollups) {
      const still = again.drifts.find((x) => x.check === d.check && x.target === d.target && x.stored === d.stored);
      if (!still) continue;
      const field = /^unions\.(stats\.\w+) /.exec(d.check)?.[1] as string;
      if (await compareAndSet(app, unionIdOf(d), field, still.stored, still.recomputed))
        repairs.push({ check: d.check, target: d.target, from: still.stored, to: still.recomputed });
    }
  }
  const tokens = first.drifts.find((d) => d.check.startsWith('members.searchTokens'));
  if (tokens) {
    const { stale, updated } = await repairSearchTokens(app);
    repairs.push({ check: tokens.check, target: `${stale} rows`, from: 'missing or stale', to: `set on ${updated}` });
  }
  const months = first.drifts.filter((d) => d.check.startsWith(`${MEMBER_MONTHS}.`));
  if (months.length) {
    if (!rollups.length) await new Promise((r) => setTimeout(r, SETTLE_MS));
    const again = await check(serviceUrl, env);
    const created = new Set<string>();
    for (const d of months) {
      const still = again.drifts.find((x) => x.check === d.check && x.target === d.target && x.stored === d.stored);
      if (!still) continue;
      const id = unionIdOf(d);
      const [unionId, month] = [id.slice(0, id.lastIndexOf(':')), id.slice(id.lastIndexOf(':') + 1)];
      if (!created.has(id)) await createMonth(app, emptyMonth(unionId, month));
      created.add(id);
      const field = d.check.slice(MEMBER_MONTHS.length + 1, d.check.indexOf(' '));
      if (await compareAndSet(app, id, field, still.stored, still.recomputed, MEMBER_MONTHS))
        repairs.push({ check: d.check, target: d.target, from: still.stored, to: still.recomputed });
    }
  }
  return { repairs, after: await check(serviceUrl, env) };
}
