import { cmd, db, transaction, txGet, type Tx } from '../db';
import type { UnionDoc } from '../documents';

/**
 * A union's member count is `unions.memberCount` plus the deltas waiting in its shards.
 *
 * Under snapshot isolation two transactions that both write one document conflict (MongoDB's rule),
 * so counting members on the union document would let only one approval on a union commit at a time.
 * Approvals instead add to one of SHARDS shard documents picked at random: parallel approvals on one
 * union rarely touch the same shard. The shard write is inside the approval's transaction, so the
 * count moves exactly when the member row does. Deregistration writes every shard, which makes it
 * conflict with any approval still in flight (a common document, not a hope that skew won't happen).
 * Shards are folded into unions.memberCount after the fact; a fold that loses a conflict is retried
 * by the next one, and exact readers add the shards themselves. A fold writes the shards it takes,
 * so it conflicts with every writer of those shards: it takes only shards nobody wrote for
 * COLD_MS. Folding every shard after each import chunk or removal made 20 parallel imports and
 * approvals on one union retry each other past the function's 20 s (tests/functions/counters.test.ts).
 */
export const SHARDS = 16;
const COLD_MS = 5000;

export interface CounterShardDoc {
  _id: string;
  unionId: string;
  memberCount: number;
  /** Set by deregistration: no approval may count into this union any more. */
  closed?: boolean;
  /** Last write by a count change: a fold leaves the shard alone while it is hot. */
  at?: Date;
}

export function shardId(unionId: string, k: number): string {
  return `${unionId}#${k}`;
}

/**
 * Inside the caller's transaction: the union gains (or loses) `delta` members. The caller has checked
 * that the union is active; a deregistration racing with it writes this shard too, so one of them
 * conflicts. One request when the shard exists, which after a union's first approvals it does.
 * `lane` pins the shard: parallel batch groups each take their own instead of a random one.
 */
export async function addMembers(tx: Tx, unionId: string, delta: number, lane?: number): Promise<void> {
  if (delta === 0) return;
  const id = shardId(unionId, lane === undefined ? Math.floor(Math.random() * SHARDS) : lane % SHARDS);
  const at = new Date();
  const res = (await tx
    .collection('counterShards')
    .doc(id)
    .update({ memberCount: cmd().inc(delta), at })) as { updated?: number };
  if (Number(res.updated) !== 1) await tx.collection('counterShards').doc(id).set({ unionId, memberCount: delta, at });
}

/** The exact count as this transaction sees it: the folded base plus every shard. */
export async function txMemberCount(tx: Tx, union: UnionDoc): Promise<number> {
  let total = union.memberCount;
  for (let k = 0; k < SHARDS; k++)
    total += (await txGet<CounterShardDoc>(tx, 'counterShards', shardId(union._id, k)))?.memberCount ?? 0;
  return total;
}

/** Deregistration: every shard is written (closed), so an approval in flight on any of them conflicts. */
export async function closeShards(tx: Tx, unionId: string): Promise<void> {
  for (let k = 0; k < SHARDS; k++) {
    const id = shardId(unionId, k);
    const shard = await txGet<CounterShardDoc>(tx, 'counterShards', id);
    await tx
      .collection('counterShards')
      .doc(id)
      .set({ unionId, memberCount: shard?.memberCount ?? 0, closed: true });
  }
}

/**
 * Moves the shards' deltas into unions.memberCount in one transaction. Best effort by design: the
 * work that calls it has committed, and deltas it leaves behind still count (withPendingMembers).
 */
export async function foldMemberCount(unionId: string, attempts = 3, opts: { hotToo?: boolean } = {}): Promise<void> {
  const _ = cmd();
  try {
    // `hotToo`: the end of a bulk write (an import job's last chunk) folds everything, once.
    const cold = (s: CounterShardDoc) =>
      opts.hotToo === true || !s.at || Date.now() - new Date(s.at).getTime() > COLD_MS;
    const pending = (
      (
        await db()
          .collection('counterShards')
          .where({ unionId, memberCount: _.neq(0) })
          .limit(SHARDS)
          .get()
      ).data as CounterShardDoc[]
    ).filter(cold);
    if (pending.length === 0) return;
    await transaction(async (tx) => {
      let sum = 0;
      for (const p of pending) {
        const shard = await txGet<CounterShardDoc>(tx, 'counterShards', p._id);
        if (!shard || shard.memberCount === 0 || shard.closed || !cold(shard)) continue;
        sum += shard.memberCount;
        await tx
          .collection('counterShards')
          .doc(shard._id)
          .update({ memberCount: _.inc(-shard.memberCount) });
      }
      if (sum !== 0)
        await tx
          .collection('unions')
          .doc(unionId)
          .update({ memberCount: _.inc(sum) });
    }, attempts);
  } catch {
    // A conflict with a concurrent fold or approval, or a failed request: the next fold takes them.
  }
}

/** Unions as users should see them: memberCount including the deltas not folded yet (one query). */
export async function withPendingMembers<T extends UnionDoc>(unions: T[]): Promise<T[]> {
  if (unions.length === 0) return unions;
  const _ = cmd();
  const ids = unions.map((u) => u._id);
  const shards = (
    await db()
      .collection('counterShards')
      .where({ unionId: _.in(ids), memberCount: _.neq(0) })
      .limit(1000)
      .get()
  ).data as CounterShardDoc[];
  if (shards.length === 0) return unions;
  const pending = new Map<string, number>();
  for (const s of shards) pending.set(s.unionId, (pending.get(s.unionId) ?? 0) + s.memberCount);
  return unions.map((u) => (pending.has(u._id) ? { ...u, memberCount: u.memberCount + (pending.get(u._id) ?? 0) } : u));
}
