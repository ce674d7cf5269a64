import { auditInTx } from '../audit';
import { findById, findMany, transaction, txGet } from '../db';
import type { MemberDoc, UnionDoc, UserDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { nameKey } from '../importer/normalise';
import { rollupMembers } from '../org/rollup';
import { memberSearchTokens } from './search-tokens';

/**
 * Import matching (spec §三.3 method 2): a `realName: false` row with the person's document becomes
 * theirs when they register, joined with no review and moved to the real-name list. Idempotent: a
 * retry after a crash finds the row already claimed, or the user already a member, and stops.
 * The row must name the person as their verified name does: the ID number alone is what an admin
 * may have typed for someone else.
 */
export async function claimImportedMembership(
  userId: string,
  ctx: HandlerContext,
): Promise<{ memberId: string; unionId: string } | null> {
  const docIndex = (await findById<UserDoc>('users', userId))?.docIndex;
  if (!docIndex) return null;
  const rows = await findMany<MemberDoc>('members', { docIndex, status: 'active', realName: false }, 10);
  for (const row of rows) {
    const claimed = await transaction(async (tx) => {
      const user = await txGet<UserDoc>(tx, 'users', userId);
      if (!user || user.activeMemberId) return null;
      const current = await txGet<MemberDoc>(tx, 'members', row._id);
      if (!current || current.status !== 'active' || current.realName || nameKey(current.name) !== nameKey(user.name))
        return null;
      const union = await txGet<UnionDoc>(tx, 'unions', current.unionId);
      if (!union || union.status !== 'active') return null;
      const now = new Date();
      await tx
        .collection('members')
        .doc(row._id)
        .update({
          userId: user._id,
          realName: true,
          name: user.name,
          phone: user.phone,
          phoneIndex: user.phoneIndex,
          searchTokens: memberSearchTokens({ ...current, name: user.name, phone: user.phone }),
          updatedAt: now,
          version: current.version + 1,
        });
      await tx.collection('users').doc(user._id).update({ activeMemberId: row._id, updatedAt: now });
      await auditInTx(
        tx,
        {
          actorUserId: user._id,
          action: 'member:autoJoin',
          targetType: 'member',
          targetId: row._id,
          unionId: current.unionId,
          detail: { importJobId: current.importJobId ?? null },
        },
        ctx,
      );
      return { memberId: row._id, unionId: current.unionId, joinedAt: current.joinedAt };
    });
    if (claimed) {
      // The member moves from 未实名 to 已实名 in the month they were imported (joined).
      await rollupMembers(claimed.unionId, { realName: 1, notRealName: -1 }, claimed.joinedAt);
      return { memberId: claimed.memberId, unionId: claimed.unionId };
    }
  }
  return null;
}
