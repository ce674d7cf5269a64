import { DELETION_STATEMENT, type OwnerProof } from '../../../typings/account';
import { activeRoles, requireActor } from '../actor';
import { AppError } from '../app-error';
import { auditInTx } from '../audit';
import { cmd, db, findMany, transaction, txGet } from '../db';
import { PLATFORM_SCOPE, type BindingDoc, type MemberDoc, type UserDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { memberSearchTokens } from '../membership/search-tokens';
import { withdraw } from '../workflow/transitions';
import type { ApplicationDoc } from '../workflow/kind';
import { proveOwner } from './service';

export { DELETION_STATEMENT };

/**
 * 注销账号 (PIPL Art. 47). After the owner proves themselves again:
 * - pending applications are withdrawn (so no reviewer acts on a person who is gone);
 * - the user document (login, password, phone, ID cipher and blind index), every WeChat binding,
 *   face sessions and SMS codes are deleted;
 * - membership rows stay in the union's register, anonymised to the name and the masked ID.
 * The ID's unique index goes with the user document, so the same person can register again later.
 */
export async function deleteAccount(
  { proof }: { proof: OwnerProof },
  ctx: HandlerContext,
): Promise<{ deleted: true; withdrawn: number }> {
  const actor = await requireActor(ctx);
  const user = actor.user;
  const roles = await activeRoles(user._id);
  if (roles.length) {
    throw new AppError(
      'CONFLICT',
      '您仍担任工会管理员或操作员，请先由上级工会撤销您的职务（或移交管理员）后再注销账号',
    );
  }
  await proveOwner(user, proof, ctx);

  const pending = await findMany<ApplicationDoc>('applications', { applicantUserId: user._id, status: 'pending' }, 100);
  let withdrawn = 0;
  for (const app of pending) {
    try {
      await withdraw({ id: app._id }, ctx);
      withdrawn++;
    } catch (err) {
      // Decided meanwhile by a reviewer: nothing left to withdraw.
      if (!(err instanceof AppError && err.code === 'ALREADY_PROCESSED')) throw err;
    }
  }

  const bindings = await findMany<BindingDoc>('bindings', { userId: user._id }, 100);
  const rows = await findMany<MemberDoc>('members', { userId: user._id }, 100);
  await transaction(async (tx) => {
    const current = await txGet<UserDoc>(tx, 'users', user._id);
    if (!current) throw new AppError('ALREADY_PROCESSED', '该账号已注销');
    const now = new Date();
    for (const m of rows) {
      const row = await txGet<MemberDoc>(tx, 'members', m._id);
      if (!row || row.userId !== user._id) continue;
      await tx
        .collection('members')
        .doc(m._id)
        .update({
          userId: null,
          doc: { cipher: '', index: '', masked: row.doc.masked },
          docIndex: '',
          phone: null,
          phoneIndex: null,
          searchTokens: memberSearchTokens({ ...row, phone: null }),
          accountDeletedAt: now,
          updatedAt: now,
          version: row.version + 1,
        });
    }
    for (const b of bindings) await tx.collection('bindings').doc(b._id).remove();
    await tx.collection('users').doc(user._id).remove();
    await auditInTx(
      tx,
      {
        actorUserId: user._id,
        actorName: user.name,
        action: 'account:delete',
        targetType: 'user',
        targetId: user._id,
        unionId: PLATFORM_SCOPE,
        detail: { proof: proof.method, withdrawn, membershipRows: rows.length },
      },
      ctx,
    );
  });
  // Derived records keyed by the person; outside the transaction because they are found by query.
  await db().collection('faceSessions').where({ docIndex: user.docIndex }).remove();
  await db()
    .collection('faceSessions')
    .where({ openid: cmd().in(bindings.map((b) => b._id).concat(ctx.caller.openid)) })
    .remove();
  await db().collection('smsCodes').where({ phoneIndex: user.phoneIndex }).remove();
  return { deleted: true, withdrawn };
}
