import { randomBytes } from 'node:crypto';
import {
  DELETION_STATEMENT,
  type AccountRole,
  type AccountSummary,
  type FaceStartResult,
  type LoginSession,
  type MeResult,
  type OwnerProof,
  type RegisterResult,
} from '../../../typings/account';
import type { DocumentType } from '../../../typings/models';
import { activeRoles, requireActor, userByDocIndex, userByPhone, userOfOpenid } from '../actor';
import { AppError } from '../app-error';
import { audit, auditInTx } from '../audit';
import { cmd, db, findById, findMany, transaction, txGet, type Tx } from '../db';
import {
  newUser,
  PLATFORM_SCOPE,
  type BindingDoc,
  type MemberDoc,
  type SealedPii,
  type UnionDoc,
  type UserDoc,
} from '../documents';
import type { HandlerContext } from '../handler';
import { validateDocument } from '../identity/documents';
import { claimImportedMembership } from '../membership/matching';
import { memberSearchTokens } from '../membership/search-tokens';
import { faceProvider, type FaceSubject } from '../providers/face';
import { attachWaitingRoles } from '../roles/grants';
import { hashPassword, verifyPassword } from '../security/password';
import { blindIndex, decrypt, maskPhone, shownDocument } from '../security/pii';
import { sealIdentity, sealPhone } from '../security/seal';
import { requireSlot } from '../security/rate-limit';
import { bindingDoc, dropStaleBindings, endOneSession, endSessions, listSessions, raiseEpochInTx } from './sessions';
import { consumeSmsCode, issueSmsCode, type SmsPurpose } from './sms';

export const LOCKOUT = { maxFailures: 5, minutes: 15 };
const FACE_SESSION_MINUTES = 30;
/** Face checks per WeChat an hour: each costs money and each answer is about a real person. */
export const FACE_PER_HOUR = 10;

export function summary(user: UserDoc): AccountSummary {
  return {
    userId: user._id,
    name: user.name,
    docType: user.docType,
    docMasked: shownDocument(user.doc, user.docType),
    phoneMasked: user.phone.masked,
    verifiedBy: user.verifiedBy,
    hasPassword: Boolean(user.passwordHash),
  };
}

export async function me(_input: unknown, ctx: HandlerContext): Promise<MeResult> {
  const user = await userOfOpenid(ctx.caller.openid);
  if (!user) return { registered: false, account: null, roles: [], showAdminTab: false };
  const roles = await activeRoles(user._id);
  const unionIds = roles.map((r) => r.unionId).filter((id) => id !== PLATFORM_SCOPE);
  const unions = unionIds.length
    ? await findMany<UnionDoc>('unions', { _id: cmd().in(unionIds) }, unionIds.length)
    : [];
  const list: AccountRole[] = roles.map((r) => ({
    unionId: r.unionId,
    unionName:
      r.unionId === PLATFORM_SCOPE ? '省总智慧工会办公室' : (unions.find((u) => u._id === r.unionId)?.name ?? ''),
    role: r.role,
    permissions: r.permissions,
  }));
  return { registered: true, account: summary(user), roles: list, showAdminTab: list.length > 0 };
}

export const ALREADY_REGISTERED = '该证件号码已注册，请直接登录；如忘记密码可用短信验证码重置';
export const PHONE_TAKEN = '该手机号已被其他账号使用，请更换手机号码';
export const RECOVER_INSTEAD = '该证件号码已注册。如原手机号已不再使用，请选择“找回账号”，绑定新手机号后登录';

/** Minutes left of a password lockout; 0 when the account is not locked. */
function lockMinutesLeft(user: UserDoc): number {
  const left = user.lockedUntil ? new Date(user.lockedUntil).getTime() - Date.now() : 0;
  return left > 0 ? Math.ceil(left / 60_000) : 0;
}

/** Account-security changes are logged against the user, readable by the province office. */
function auditAccount(
  user: Pick<UserDoc, '_id' | 'name'>,
  action: string,
  ctx: HandlerContext,
  detail: Record<string, unknown> = {},
): Promise<void> {
  return audit(
    {
      actorUserId: user._id,
      actorName: user.name,
      action: `account:${action}`,
      targetType: 'user',
      targetId: user._id,
      unionId: PLATFORM_SCOPE,
      detail,
    },
    ctx,
  );
}

/**
 * A new password also clears the lockout (the person has proved who they are) and ends every other
 * login: whoever knew the old password is out. `keepOpenid` stays logged in (the caller's own WeChat).
 */
async function setPassword(
  user: UserDoc,
  password: string,
  action: string,
  ctx: HandlerContext,
  keepOpenid: string | null,
): Promise<{ changed: true }> {
  const passwordHash = await hashPassword(password);
  await endSessions(
    user,
    keepOpenid ? { openid: keepOpenid, appid: ctx.caller.appid, via: 'password' } : null,
    action,
    ctx,
    { passwordHash, failedLogins: 0, lockedUntil: null },
  );
  await auditAccount(user, action, ctx);
  return { changed: true };
}

interface FaceSessionDoc {
  _id: string;
  openid: string;
  name: string;
  docType: DocumentType;
  doc: SealedPii;
  docIndex: string;
  provider: FaceStartResult['provider'];
  ref: string;
  outSeqNo: string;
  status: 'started' | 'passed' | 'failed' | 'cancelled' | 'expired' | 'used';
  createdAt: Date;
  expiresAt: Date;
}

function faceSubject(s: FaceSessionDoc): FaceSubject {
  return { name: s.name, docNumber: decrypt(s.doc.cipher), openid: s.openid, outSeqNo: s.outSeqNo };
}

/** Step 1 of 实名注册: the server starts the provider's session for this openid and this identity. */
export async function startFace(
  input: { name: string; docType: DocumentType; docNumber: string },
  ctx: HandlerContext,
): Promise<FaceStartResult> {
  if (!ctx.caller.openid) throw new AppError('NOT_LOGGED_IN', '请在微信中打开小程序');
  if (input.docType !== 'resident') {
    throw new AppError(
      'INVALID_INPUT',
      '人脸核身仅支持居民身份证；港澳台及外籍人员请选择“证件注册”，上传证件照片后由工作人员审核',
      'docType',
    );
  }
  const valid = validateDocument('resident', input.docNumber);
  const sealed = sealIdentity(valid);
  // Whether this ID is registered is answered only after the face check passes (completeFace), so
  // startFace cannot be used to look people up; the atomic per-WeChat limit caps what it costs.
  await requireSlot(
    { key: `face:caller:${ctx.caller.openid}`, limit: FACE_PER_HOUR, seconds: 3600 },
    '人脸核身尝试次数过多，请 1 小时后再试；多次不通过可请本级工会申请内置账号',
  );
  const id = randomBytes(16).toString('hex');
  const now = new Date();
  const provider = faceProvider();
  const subject: FaceSubject = { name: input.name, docNumber: valid.number, openid: ctx.caller.openid, outSeqNo: id };
  const started = await provider.start(subject);
  const session: FaceSessionDoc = {
    _id: id,
    openid: ctx.caller.openid,
    name: input.name,
    docType: 'resident',
    doc: sealed,
    docIndex: sealed.index,
    provider: provider.name,
    ref: started.ref,
    outSeqNo: id,
    status: 'started',
    createdAt: now,
    expiresAt: new Date(now.getTime() + FACE_SESSION_MINUTES * 60_000),
  };
  await db().collection('faceSessions').add(session);
  return { sessionId: id, ...started.client };
}

async function ownSession(sessionId: string, ctx: HandlerContext): Promise<FaceSessionDoc> {
  const s = await findById<FaceSessionDoc>('faceSessions', sessionId);
  if (!s || s.openid !== ctx.caller.openid) throw new AppError('NOT_FOUND', '人脸核身记录不存在，请重新开始');
  return s;
}

/** Step 2: the server asks the provider for the outcome itself; the client's word is not enough. */
export async function completeFace(
  { sessionId }: { sessionId: string },
  ctx: HandlerContext,
): Promise<{ passed: true; name: string; docMasked: string; registered: boolean }> {
  const s = await ownSession(sessionId, ctx);
  if (s.status === 'passed') return passedFace(s);
  if (s.status === 'used') throw new AppError('ALREADY_PROCESSED', '该次人脸核身已用于注册，请直接登录');
  if (new Date(s.expiresAt).getTime() < Date.now()) {
    await db().collection('faceSessions').doc(s._id).update({ status: 'expired' });
    throw new AppError('FACE_EXPIRED');
  }
  const { outcome, ...detail } = await faceProvider().result(s.ref, faceSubject(s));
  if (outcome === 'pending') throw new AppError('FACE_RETRY', '尚未完成人脸核身，请完成后再试');
  // Device, network and provider trouble is not the person's fault: the session stays open.
  if (outcome === 'retry')
    throw new AppError('FACE_RETRY', `人脸核身没有完成（${'reason' in detail ? detail.reason : ''}），请重试`);
  const status =
    outcome === 'pass'
      ? 'passed'
      : outcome === 'cancelled'
        ? 'cancelled'
        : outcome === 'expired'
          ? 'expired'
          : 'failed';
  await db().collection('faceSessions').where({ _id: s._id, status: 'started' }).update({ status });
  if (outcome === 'cancelled') throw new AppError('FACE_CANCELLED');
  if (outcome === 'expired') throw new AppError('FACE_EXPIRED');
  if (outcome === 'fail') {
    console.warn(`[face] ${s.provider} session failed: ${'code' in detail ? String(detail.code) : ''}`);
    throw new AppError(
      'FACE_FAILED',
      '人脸核身未通过：请确认是本人操作，在光线充足处正对屏幕重试；多次不通过或姓名含生僻字无法核验的，可请本级工会申请内置账号',
    );
  }
  return passedFace(s);
}

/** Only the person whose face matched learns that the ID is registered, and is offered recovery. */
async function passedFace(
  s: FaceSessionDoc,
): Promise<{ passed: true; name: string; docMasked: string; registered: boolean }> {
  return {
    passed: true,
    name: s.name,
    docMasked: shownDocument(s.doc, s.docType),
    registered: Boolean(await userByDocIndex(s.docIndex)),
  };
}

/** Binds a caller (a WeChat openid, or a web session's id) to a user at the user's session epoch; every login ends here. */
export async function bindOpenid(
  openid: string,
  appid: string,
  user: UserDoc,
  ctx: HandlerContext,
  how: NonNullable<BindingDoc['via']>,
): Promise<void> {
  await db()
    .collection('bindings')
    .doc(openid)
    .set(bindingDoc(user, appid, how));
  await auditAccount(user, `bind:${how}`, ctx);
}

/** After any account comes into being: waiting roles attach and imported rows are claimed. */
export async function afterAccountCreated(
  userId: string,
  ctx: HandlerContext,
): Promise<Pick<RegisterResult, 'autoJoined' | 'rolesAttached'>> {
  const user = (await findById<UserDoc>('users', userId)) as UserDoc;
  const rolesAttached = await attachWaitingRoles(user);
  const claimed = await claimImportedMembership(user._id, ctx);
  const union = claimed ? await findById<UnionDoc>('unions', claimed.unionId) : undefined;
  return { autoJoined: claimed && union ? { unionId: union._id, unionName: union.name } : null, rolesAttached };
}

/** Steps 3–5: password, login phone (verified by SMS), done; the openid is bound to the new user. */
export async function register(
  input: { sessionId: string; phone: string; smsCode: string; password: string },
  ctx: HandlerContext,
): Promise<RegisterResult> {
  const s = await ownSession(input.sessionId, ctx);
  if (s.status === 'used') throw new AppError('ALREADY_PROCESSED', '该次人脸核身已完成注册，请直接登录');
  if (s.status !== 'passed') throw new AppError('FACE_FAILED', '请先完成人脸核身');
  if (new Date(s.expiresAt).getTime() < Date.now()) throw new AppError('FACE_EXPIRED');
  if (await userOfOpenid(ctx.caller.openid))
    throw new AppError('CONFLICT', '当前微信已登录其他账号，请先在“账号与安全”中退出登录');
  if (await userByDocIndex(s.docIndex)) throw new AppError('DUPLICATE', RECOVER_INSTEAD, 'docNumber');
  if (await userByPhone(input.phone)) throw new AppError('DUPLICATE', PHONE_TAKEN, 'phone');
  await consumeSmsCode(input.phone, 'register', input.smsCode);
  const user = newUser({
    name: s.name,
    docType: 'resident',
    doc: s.doc,
    phone: sealPhone(input.phone),
    passwordHash: await hashPassword(input.password),
    verifiedBy: 'face',
  });
  try {
    await transaction(async (tx) => {
      const current = await txGet<FaceSessionDoc>(tx, 'faceSessions', s._id);
      if (!current || current.status !== 'passed')
        throw new AppError('ALREADY_PROCESSED', '该次人脸核身已完成注册，请直接登录');
      await tx.collection('faceSessions').doc(s._id).update({ status: 'used' });
      await tx.collection('users').add(user);
      await tx
        .collection('bindings')
        .doc(ctx.caller.openid)
        .set(bindingDoc(user, ctx.caller.appid, 'register'));
      await auditInTx(
        tx,
        {
          actorUserId: user._id,
          action: 'account:register',
          targetType: 'user',
          targetId: user._id,
          unionId: PLATFORM_SCOPE,
          detail: { via: 'face' },
        },
        ctx,
      );
    });
  } catch (err) {
    // The unique indexes are the last word when two registrations race.
    if (err instanceof AppError && err.code === 'DUPLICATE')
      throw new AppError('DUPLICATE', `${ALREADY_REGISTERED}（或手机号已被使用）`);
    throw err;
  }
  return { account: summary(user), ...(await afterAccountCreated(user._id, ctx)) };
}

export async function loginPassword(
  input: { phone: string; password: string },
  ctx: HandlerContext,
): Promise<{ account: AccountSummary }> {
  if (!ctx.caller.openid) throw new AppError('NOT_LOGGED_IN', '请在微信中打开小程序');
  const user = await userByPhone(input.phone);
  if (!user) throw new AppError('PHONE_NOT_REGISTERED');
  const minutes = lockMinutesLeft(user);
  if (minutes > 0) {
    throw new AppError('ACCOUNT_LOCKED', `密码错误次数过多，账号已锁定，请 ${minutes} 分钟后再试或使用短信验证码登录`);
  }
  if (!user.passwordHash || !(await verifyPassword(input.password, user.passwordHash)))
    await countWrongPassword(user, new AppError('LOGIN_FAILED'));
  await passwordAccepted(user);
  await bindOpenid(ctx.caller.openid, ctx.caller.appid, user, ctx, 'password');
  return { account: summary(user) };
}

/**
 * Five failures lock the password login for 15 minutes; SMS login stays open. A wrong guess counts
 * with a guarded $inc and is answered "wrong" only while it is one of the five; beyond them it is
 * answered "locked", so a burst of parallel guesses gets five "wrong" answers, not one per request.
 */
async function countWrongPassword(user: UserDoc, wrong: AppError): Promise<never> {
  const _ = cmd();
  const users = db().collection('users');
  const now = new Date();
  // A lock that has run out gives the tries back; of parallel callers, the first one does it.
  if (user.lockedUntil && new Date(user.lockedUntil).getTime() <= now.getTime()) {
    await users.where({ _id: user._id, lockedUntil: _.lte(now) }).update({ failedLogins: 0, lockedUntil: null });
  }
  const hasTry = _.or([{ failedLogins: _.lt(LOCKOUT.maxFailures) }, { failedLogins: _.exists(false) }]);
  const taken = await users.where(_.and([{ _id: user._id }, hasTry])).updateAndReturn({ failedLogins: _.inc(1) });
  if (Number(taken.updated) !== 1) throw await lockedError(user._id);
  if ((taken.doc as UserDoc).failedLogins >= LOCKOUT.maxFailures) {
    await users.doc(user._id).update({ lockedUntil: new Date(Date.now() + LOCKOUT.minutes * 60_000) });
  }
  throw wrong;
}

/** A right password: refused if parallel wrong guesses locked the account meanwhile, else the count starts again. */
async function passwordAccepted(user: UserDoc): Promise<void> {
  const fresh = await findById<UserDoc>('users', user._id);
  if (fresh && lockMinutesLeft(fresh) > 0) throw await lockedError(user._id);
  if (fresh?.failedLogins || fresh?.lockedUntil)
    await db().collection('users').doc(user._id).update({ failedLogins: 0, lockedUntil: null });
}

async function lockedError(userId: string): Promise<AppError> {
  const fresh = await findById<UserDoc>('users', userId);
  const minutes = (fresh && lockMinutesLeft(fresh)) || LOCKOUT.minutes;
  return new AppError('ACCOUNT_LOCKED', `密码错误次数过多，账号已锁定，请 ${minutes} 分钟后再试或使用短信验证码登录`);
}

export async function loginSms(
  input: { phone: string; smsCode: string },
  ctx: HandlerContext,
): Promise<{ account: AccountSummary }> {
  if (!ctx.caller.openid) throw new AppError('NOT_LOGGED_IN', '请在微信中打开小程序');
  const user = await userByPhone(input.phone);
  if (!user) throw new AppError('PHONE_NOT_REGISTERED');
  await consumeSmsCode(input.phone, 'login', input.smsCode);
  await bindOpenid(ctx.caller.openid, ctx.caller.appid, user, ctx, 'sms');
  return { account: summary(user) };
}

/**
 * Proves that the logged-in caller is the account's owner, not just someone holding an unlocked
 * phone: the current password, a code sent to the current phone, or a face check on the account's ID.
 */
export async function proveOwner(user: UserDoc, proof: OwnerProof, ctx: HandlerContext): Promise<void> {
  if (proof.method === 'password') {
    if (lockMinutesLeft(user) > 0) throw new AppError('ACCOUNT_LOCKED');
    if (!user.passwordHash || !(await verifyPassword(proof.password, user.passwordHash))) {
      await countWrongPassword(
        user,
        new AppError(
          'LOGIN_FAILED',
          user.passwordHash ? '当前密码不正确' : '该账号未设置密码，请改用短信验证码或人脸核身验证',
          'proof',
        ),
      );
    }
    await passwordAccepted(user);
    return;
  }
  if (proof.method === 'sms') {
    await consumeSmsCode(decrypt(user.phone.cipher), 'verify', proof.smsCode, 'proof');
    return;
  }
  const s = await ownSession(proof.sessionId, ctx);
  if (s.status !== 'passed' || new Date(s.expiresAt).getTime() < Date.now())
    throw new AppError('FACE_FAILED', '请先完成本人人脸核身', 'proof');
  if (s.docIndex !== user.docIndex) throw new AppError('FACE_FAILED', '人脸核身的证件与本账号不一致', 'proof');
  const used = await db().collection('faceSessions').where({ _id: s._id, status: 'passed' }).update({ status: 'used' });
  if (Number(used.updated) !== 1) throw new AppError('ALREADY_PROCESSED', '该次人脸核身已使用，请重新核验');
}

/** New phone and member row in one transaction; every other login ends (an intruder cannot stay). */
export async function movePhone(tx: Tx, user: UserDoc, phone: SealedPii, now: Date): Promise<void> {
  if (user.activeMemberId) {
    const m = await txGet<MemberDoc>(tx, 'members', user.activeMemberId);
    if (m && m.userId === user._id)
      await tx
        .collection('members')
        .doc(m._id)
        .update({ phone, phoneIndex: phone.index, searchTokens: memberSearchTokens({ ...m, phone }), updatedAt: now });
  }
}

export async function changePhone(
  input: { newPhone: string; smsCode: string; proof: OwnerProof },
  ctx: HandlerContext,
): Promise<{ account: AccountSummary }> {
  const actor = await requireActor(ctx);
  if (blindIndex('phone', input.newPhone) === actor.user.phoneIndex)
    throw new AppError('INVALID_INPUT', '新手机号与当前手机号相同', 'newPhone');
  if (await userByPhone(input.newPhone)) throw new AppError('DUPLICATE', PHONE_TAKEN, 'newPhone');
  await proveOwner(actor.user, input.proof, ctx);
  await consumeSmsCode(input.newPhone, 'changePhone', input.smsCode);
  const phone = sealPhone(input.newPhone);
  const epoch = await transaction(async (tx) => {
    const now = new Date();
    const e = await raiseEpochInTx(
      tx,
      actor.user,
      { openid: ctx.caller.openid, appid: ctx.caller.appid, via: 'sms' },
      { phone, phoneIndex: phone.index },
    );
    await movePhone(tx, actor.user, phone, now);
    await auditInTx(
      tx,
      {
        actorUserId: actor.user._id,
        action: 'account:changePhone',
        targetType: 'user',
        targetId: actor.user._id,
        unionId: PLATFORM_SCOPE,
        detail: { to: phone.masked, proof: input.proof.method },
      },
      ctx,
    );
    return e;
  });
  await dropStaleBindings(actor.user._id, epoch);
  const user = (await findById<UserDoc>('users', actor.user._id)) as UserDoc;
  return { account: summary(user) };
}

/**
 * 找回账号 (spec §七.4): the phone is lost, the ID is registered. A face check that passed on that ID
 * proves the person; the new phone is proved by its code; this WeChat is bound and every other
 * login ends. Built-in account holders (no face check possible) recover through their union's
 * admin and the province office (builtinAccount application for a registered ID).
 */
export async function recover(
  input: { sessionId: string; phone: string; smsCode: string; newPassword?: string },
  ctx: HandlerContext,
): Promise<{ account: AccountSummary }> {
  const s = await ownSession(input.sessionId, ctx);
  if (s.status === 'used') throw new AppError('ALREADY_PROCESSED', '该次人脸核身已使用，请重新核验');
  if (s.status !== 'passed') throw new AppError('FACE_FAILED', '请先完成人脸核身');
  if (new Date(s.expiresAt).getTime() < Date.now()) throw new AppError('FACE_EXPIRED');
  const user = await userByDocIndex(s.docIndex);
  if (!user) throw new AppError('NOT_FOUND', '该证件尚未注册，请直接注册');
  const current = await userOfOpenid(ctx.caller.openid);
  if (current && current._id !== user._id)
    throw new AppError('CONFLICT', '当前微信已登录其他账号，请先在“账号与安全”中退出登录');
  const owner = await userByPhone(input.phone);
  if (owner && owner._id !== user._id) throw new AppError('DUPLICATE', PHONE_TAKEN, 'phone');
  await consumeSmsCode(input.phone, 'recover', input.smsCode);
  const passwordHash = input.newPassword ? await hashPassword(input.newPassword) : undefined;
  const phone = sealPhone(input.phone);
  const epoch = await transaction(async (tx) => {
    const face = await txGet<FaceSessionDoc>(tx, 'faceSessions', s._id);
    if (!face || face.status !== 'passed') throw new AppError('ALREADY_PROCESSED', '该次人脸核身已使用，请重新核验');
    await tx.collection('faceSessions').doc(s._id).update({ status: 'used' });
    const now = new Date();
    const extra: Record<string, unknown> = {
      phone,
      phoneIndex: phone.index,
      failedLogins: 0,
      lockedUntil: null,
      ...(passwordHash ? { passwordHash } : {}),
    };
    const e = await raiseEpochInTx(
      tx,
      user,
      { openid: ctx.caller.openid, appid: ctx.caller.appid, via: 'recover' },
      extra,
    );
    await movePhone(tx, user, phone, now);
    await auditInTx(
      tx,
      {
        actorUserId: user._id,
        action: 'account:recover',
        targetType: 'user',
        targetId: user._id,
        unionId: PLATFORM_SCOPE,
        detail: { to: phone.masked, via: 'face' },
      },
      ctx,
    );
    return e;
  });
  await dropStaleBindings(user._id, epoch);
  return { account: summary((await findById<UserDoc>('users', user._id)) as UserDoc) };
}

export async function changePassword(
  input: { oldPassword: string; newPassword: string },
  ctx: HandlerContext,
): Promise<{ changed: true }> {
  const actor = await requireActor(ctx);
  const user = actor.user;
  if (lockMinutesLeft(user) > 0) throw new AppError('ACCOUNT_LOCKED');
  if (!user.passwordHash || !(await verifyPassword(input.oldPassword, user.passwordHash))) {
    await countWrongPassword(user, new AppError('LOGIN_FAILED', '原密码不正确', 'oldPassword'));
  }
  await passwordAccepted(user);
  return setPassword(user, input.newPassword, 'changePassword', ctx, actor.openid);
}

export async function resetPassword(
  input: { phone: string; smsCode: string; newPassword: string },
  ctx: HandlerContext,
): Promise<{ changed: true }> {
  const user = await userByPhone(input.phone);
  if (!user) throw new AppError('PHONE_NOT_REGISTERED');
  await consumeSmsCode(input.phone, 'resetPassword', input.smsCode);
  // The caller stays logged in only if this WeChat was already this account's live login.
  const mine = (await userOfOpenid(ctx.caller.openid))?._id === user._id;
  return setPassword(user, input.newPassword, 'resetPassword', ctx, mine ? ctx.caller.openid : null);
}

export async function logout(_input: unknown, ctx: HandlerContext): Promise<{ loggedOut: true }> {
  const user = await userOfOpenid(ctx.caller.openid);
  if (!user) throw new AppError('NOT_LOGGED_IN', '当前未登录');
  await db().collection('bindings').doc(ctx.caller.openid).remove();
  await auditAccount(user, 'logout', ctx);
  return { loggedOut: true };
}

/** A code for registering, logging in, changing phone, resetting or recovering: only where that makes sense for the phone. */
export async function sendSmsCode(
  input: { phone: string; purpose: SmsPurpose },
  ctx: HandlerContext,
): Promise<{ sentTo: string; resendAfter: number }> {
  if (!ctx.caller.openid) throw new AppError('NOT_LOGGED_IN', '请在微信中打开小程序');
  const existing = await userByPhone(input.phone);
  if ((input.purpose === 'login' || input.purpose === 'resetPassword') && !existing)
    throw new AppError('PHONE_NOT_REGISTERED');
  if ((input.purpose === 'register' || input.purpose === 'changePhone') && existing)
    throw new AppError('DUPLICATE', PHONE_TAKEN, 'phone');
  const sent = await issueSmsCode(input.phone, input.purpose, ctx.caller.openid);
  return { sentTo: maskPhone(input.phone), ...sent };
}

/** A code to the account's own phone, proving the owner before a sensitive change. */
export async function sendOwnerCode(
  _input: unknown,
  ctx: HandlerContext,
): Promise<{ sentTo: string; resendAfter: number }> {
  const actor = await requireActor(ctx);
  const own = decrypt(actor.user.phone.cipher);
  return { sentTo: actor.user.phone.masked, ...(await issueSmsCode(own, 'verify', ctx.caller.openid)) };
}

export async function mySessions(_input: unknown, ctx: HandlerContext): Promise<{ sessions: LoginSession[] }> {
  return { sessions: await listSessions((await requireActor(ctx)).user, ctx) };
}

export async function endMySession(input: { key: string }, ctx: HandlerContext): Promise<{ ended: true }> {
  await endOneSession((await requireActor(ctx)).user, input.key, ctx);
  return { ended: true };
}

/** Every other login of this account ends; this one stays. */
export async function endOtherSessions(_input: unknown, ctx: HandlerContext): Promise<{ ended: true }> {
  const actor = await requireActor(ctx);
  await endSessions(
    actor.user,
    { openid: ctx.caller.openid, appid: ctx.caller.appid, via: 'password' },
    'endOthers',
    ctx,
  );
  return { ended: true };
}

/** What deleting the account removes and keeps, and which proofs the owner can give. */
export async function deletionInfo(
  _input: unknown,
  ctx: HandlerContext,
): Promise<{ statement: typeof DELETION_STATEMENT; hasPassword: boolean; phoneMasked: string }> {
  const { user } = await requireActor(ctx);
  return { statement: DELETION_STATEMENT, hasPassword: Boolean(user.passwordHash), phoneMasked: user.phone.masked };
}
