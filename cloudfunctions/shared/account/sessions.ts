import { createHash } from 'node:crypto';
import type { LoginSession } from '../../../typings/account';
import { AppError } from '../app-error';
import { auditInTx } from '../audit';
import { db, findMany, transaction, txGet, type Tx } from '../db';
import { PLATFORM_SCOPE, type BindingDoc, type UserDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { isWebOpenid } from '../web/session';

/**
 * WeChat logins are bindings of an openid to a user, stamped with the user's session epoch at the
 * time of binding. Raising the epoch (password reset or change, phone change, recovery, deletion,
 * "end all other logins") invalidates every binding made before it in one write, whatever other
 * devices are doing at that moment; a web session (console) carries the epoch the same way.
 */
export function epochOf(user: Pick<UserDoc, 'sessionEpoch'>): number {
  return user.sessionEpoch ?? 0;
}

export function bindingValid(binding: Pick<BindingDoc, 'epoch'>, user: Pick<UserDoc, 'sessionEpoch'>): boolean {
  return (binding.epoch ?? 0) === epochOf(user);
}

/** An opaque handle for a login: the list never shows other devices' openids. */
export function sessionKey(openid: string): string {
  return createHash('sha256').update(`login:${openid}`).digest('base64url').slice(0, 16);
}

export function bindingDoc(
  user: Pick<UserDoc, '_id' | 'sessionEpoch'>,
  appid: string,
  via: BindingDoc['via'],
  epoch = epochOf(user),
): Omit<BindingDoc, '_id'> {
  return { userId: user._id, appid, boundAt: new Date(), epoch, via };
}

/**
 * Inside a transaction that read `user`: raises the epoch (a concurrent raise conflicts and retries)
 * and, when `keepOpenid` is given, binds that WeChat at the new epoch so the caller stays logged in.
 * Old binding documents are removed by the caller's `dropBindings` after commit; they are already dead.
 */
export async function raiseEpochInTx(
  tx: Tx,
  user: UserDoc,
  keep: { openid: string; appid: string; via: BindingDoc['via'] } | null,
  extra: Record<string, unknown> = {},
): Promise<number> {
  const current = await txGet<UserDoc>(tx, 'users', user._id);
  if (!current) throw new AppError('NOT_FOUND', '账号不存在或已注销');
  const epoch = epochOf(current) + 1;
  await tx
    .collection('users')
    .doc(user._id)
    .update({ sessionEpoch: epoch, updatedAt: new Date(), ...extra });
  if (keep)
    await tx
      .collection('bindings')
      .doc(keep.openid)
      .set(bindingDoc(current, keep.appid, keep.via, epoch));
  return epoch;
}

/** Tidies binding documents older than the epoch (they no longer log anyone in). */
export async function dropStaleBindings(userId: string, epoch: number): Promise<number> {
  const stale = (await findMany<BindingDoc>('bindings', { userId }, 100)).filter((b) => (b.epoch ?? 0) < epoch);
  for (const b of stale)
    await db()
      .collection('bindings')
      .where({ _id: b._id, userId, epoch: b.epoch ?? null })
      .remove();
  return stale.length;
}

/** Ends every login of the user (optionally keeping the caller's) and records it. */
export async function endSessions(
  user: UserDoc,
  keep: { openid: string; appid: string; via: BindingDoc['via'] } | null,
  reason: string,
  ctx: HandlerContext,
  extra: Record<string, unknown> = {},
): Promise<number> {
  const epoch = await transaction(async (tx) => {
    const e = await raiseEpochInTx(tx, user, keep, extra);
    await auditInTx(
      tx,
      {
        actorUserId: user._id,
        action: `account:endSessions`,
        targetType: 'user',
        targetId: user._id,
        unionId: PLATFORM_SCOPE,
        detail: { reason },
      },
      ctx,
    );
    return e;
  });
  await dropStaleBindings(user._id, epoch);
  return epoch;
}

/** The user's live logins (WeChat and back-office web sessions), newest first; `current` marks the caller's own. */
export async function listSessions(user: UserDoc, ctx: HandlerContext): Promise<LoginSession[]> {
  const bindings = (await findMany<BindingDoc>('bindings', { userId: user._id }, 100)).filter((b) =>
    bindingValid(b, user),
  );
  return bindings
    .sort((a, b) => new Date(b.boundAt).getTime() - new Date(a.boundAt).getTime())
    .map((b) => ({
      key: sessionKey(b._id),
      current: b._id === ctx.caller.openid,
      channel: isWebOpenid(b._id) ? ('web' as const) : ('wechat' as const),
      via: b.via ?? 'password',
      boundAt: new Date(b.boundAt).toISOString(),
    }));
}

/** Ends one other login by its key. */
export async function endOneSession(user: UserDoc, key: string, ctx: HandlerContext): Promise<void> {
  const bindings = await findMany<BindingDoc>('bindings', { userId: user._id }, 100);
  const target = bindings.find((b) => sessionKey(b._id) === key && bindingValid(b, user));
  if (!target) throw new AppError('NOT_FOUND', '该登录已结束，请刷新列表');
  if (target._id === ctx.caller.openid) throw new AppError('INVALID_INPUT', '当前设备请使用“退出登录”');
  // Conditional on the user: a binding re-bound to someone else meanwhile is left alone.
  await db().collection('bindings').where({ _id: target._id, userId: user._id }).remove();
  await transaction(async (tx) => {
    await auditInTx(
      tx,
      {
        actorUserId: user._id,
        action: 'account:endSession',
        targetType: 'user',
        targetId: user._id,
        unionId: PLATFORM_SCOPE,
        detail: { via: target.via ?? 'password' },
      },
      ctx,
    );
  });
}
