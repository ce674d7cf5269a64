import { cmd, db, findById, isDuplicate } from '../db';
import type { UnionCategory } from '../../../typings/models';
import type { UnionDoc } from '../documents';
import { retrying } from '../retry';
import { emptyMonth, MEMBER_MONTHS, monthDocId, monthOf, type MemberMonthDoc } from './member-months';

/**
 * Roll-up counts for statistics (the back office's 工作台) and list totals: per union its own active
 * members, real-name and not, the same over its whole subtree, and the active unions below it by
 * category, so a dashboard over a city or the province reads a few union documents instead of
 * counting millions of members, and 工作台 / 工会组织目录 totals need no count.
 *
 * The one place membership changes (join, leave, transfer, import, import claim) and union
 * registrations and deregistrations reach the roll-ups.
 * Called after the change committed, as atomic `$inc` updates outside the transaction: every join in
 * the province touches the province document, and inside transactions those writes would conflict
 * with each other. A crash between the commit and this call leaves a roll-up short by that change;
 * the counts can be recomputed from the member rows (they are statistics, not limits).
 * Each request is retried on a transient failure, one by one: the change has committed, so its caller
 * must not see an error for it (an admin would redo the change; an import chunk would not count again).
 * A lost answer retried may count twice; `npm run check` shows that too.
 */
export interface MemberDelta {
  realName?: number;
  notRealName?: number;
}

/**
 * `joinedAt` is the join date of the member(s) concerned (now for a join; the chunk's for an import;
 * the member row's for a removal, a transfer out or a claim): the monthly trend counters count members
 * by join month. A join committed in a month's last milliseconds may reach the roll-up in the next
 * month; `npm run check` shows it and `--repair` recounts it, like any roll-up a crash left short.
 */
export async function rollupMembers(unionId: string, delta: MemberDelta, joinedAt = new Date()): Promise<void> {
  const r = delta.realName ?? 0;
  const n = delta.notRealName ?? 0;
  if (r === 0 && n === 0) return;
  const union = await retrying(() => findById<UnionDoc>('unions', unionId));
  if (!union) return;
  const _ = cmd();
  const subtree = { 'stats.subtreeRealName': _.inc(r), 'stats.subtreeNotRealName': _.inc(n) };
  await retrying(() =>
    db()
      .collection('unions')
      .doc(unionId)
      .update({ 'stats.realName': _.inc(r), 'stats.notRealName': _.inc(n), ...subtree }),
  );
  if (union.ancestors.length)
    await retrying(() =>
      db()
        .collection('unions')
        .where({ _id: _.in(union.ancestors) })
        .update(subtree),
    );
  await rollupMonth([unionId, ...union.ancestors], monthOf(joinedAt), r, n);
}

/**
 * The same change in the month counters (org/member-months.ts) of the union and every union above it.
 * The SDK has no `$inc` upsert, so a month's documents are made when the union's own is missing: top
 * down (the unions above first, the union's own last; of two racing creators one fails with a
 * duplicate and goes on). They are never deleted and a union's ancestors never change, so once the
 * union's own month exists so do the months above it, and the usual change is two increments.
 */
async function rollupMonth(chain: string[], month: string, r: number, n: number): Promise<void> {
  const _ = cmd();
  const coll = db().collection(MEMBER_MONTHS);
  const [own, ...above] = chain.map((id) => monthDocId(id, month));
  const subtree = { subtreeRealName: _.inc(r), subtreeNotRealName: _.inc(n) };
  const incOwn = () => retrying(() => coll.doc(own).update({ realName: _.inc(r), notRealName: _.inc(n), ...subtree }));
  if ((await incOwn()).updated === 0) {
    await createMonths([...chain.slice(1), chain[0]], month);
    await incOwn();
  }
  if (above.length) await retrying(() => coll.where({ _id: _.in(above) }).update(subtree));
}

/** Makes the missing month documents of `unions`, in the order given. */
async function createMonths(unions: string[], month: string): Promise<void> {
  const coll = db().collection(MEMBER_MONTHS);
  const ids = unions.map((id) => monthDocId(id, month));
  const found = (await retrying(() =>
    coll
      .where({ _id: cmd().in(ids) })
      .field({ _id: true })
      .limit(ids.length)
      .get(),
  )) as { data: Array<Pick<MemberMonthDoc, '_id'>> };
  const have = new Set(found.data.map((d) => d._id));
  for (const unionId of unions.filter((id) => !have.has(monthDocId(id, month)))) {
    try {
      await retrying(() => coll.add(emptyMonth(unionId, month)));
    } catch (err) {
      if (!isDuplicate(err)) throw err;
    }
  }
}

/** A union registered (+1) or deregistered (-1) under `parentId`: counted by every union above it. */
export async function rollupUnions(parentId: string, category: UnionCategory, delta: number): Promise<void> {
  const parent = await findById<UnionDoc>('unions', parentId);
  if (!parent) return;
  const _ = cmd();
  const field = category === 'above' ? 'stats.subtreeAbove' : 'stats.subtreeGrassroots';
  await db()
    .collection('unions')
    .where({ _id: _.in([parent._id, ...parent.ancestors]) })
    .update({ [field]: _.inc(delta) });
}
