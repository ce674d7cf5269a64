import { DOCUMENT_TYPE_NAMES, type DocumentType } from '../../../typings/models';
import { holdsRight, requireUnion, userByDocIndex, userByPhone } from '../actor';
import { AppError } from '../app-error';
import { auditInTx } from '../audit';
import { findById, txGet, type Tx } from '../db';
import { newUser, PLATFORM_SCOPE, type SealedPii, type UserDoc } from '../documents';
import { DOCUMENT_TYPES, validateDocument } from '../identity/documents';
import { validateName, validatePassword, validatePhone } from '../identity/person';
import { hashPassword } from '../security/password';
import { sealIdentity, sealPhone } from '../security/seal';
import type { HandlerContext } from '../handler';
import { object, oneOf, str } from '../validate';
import { defineKind, type Prepared } from '../workflow/kind';
import { afterAccountCreated, ALREADY_REGISTERED, movePhone, PHONE_TAKEN } from './service';
import { bindingDoc, dropStaleBindings, raiseEpochInTx } from './sessions';
import { consumeSmsCode } from './sms';
import { shownDocument } from '../security/pii';

const FILE_ID = str({ label: '照片', max: 500, pattern: /^cloud:\/\/[^\s]+$/, patternMessage: '请先上传照片' });
const nameField = (v: unknown, f: string) => validateName(v, f);
const phoneField = (v: unknown, f: string) => validatePhone(v, f);

interface AccountPayload {
  name: string;
  docType: DocumentType;
  doc: SealedPii;
  phone: SealedPii;
  passwordHash: string | null;
  /** Set when the ID already has an account: approval moves that account to the new phone (找回账号). */
  recoverUserId?: string;
}

/** A union admin's application also keeps why and for which union. */
interface BuiltinPayload extends AccountPayload {
  reason: string;
  unionName: string;
}

async function checkFree(docIndex: string, phone: string): Promise<void> {
  if (await userByDocIndex(docIndex)) throw new AppError('DUPLICATE', ALREADY_REGISTERED, 'docNumber');
  if (await userByPhone(phone)) throw new AppError('DUPLICATE', PHONE_TAKEN, 'phone');
}

function accountLines(p: AccountPayload) {
  return [
    { label: '姓名', value: p.name },
    { label: DOCUMENT_TYPE_NAMES[p.docType], value: shownDocument(p.doc, p.docType) },
    { label: '手机号码', value: p.phone.masked },
  ];
}

async function createAccount(
  tx: Tx,
  p: AccountPayload,
  verifiedBy: UserDoc['verifiedBy'],
  reviewerId: string,
  appId: string,
  ctx: HandlerContext,
): Promise<UserDoc> {
  // Deterministic id: a retried effect cannot create a second account; the unique indexes guard the rest.
  const user = newUser(
    { name: p.name, docType: p.docType, doc: p.doc, phone: p.phone, passwordHash: p.passwordHash, verifiedBy },
    `usr${appId.slice(0, 24)}`,
  );
  if (await txGet(tx, 'users', user._id)) throw new AppError('ALREADY_PROCESSED');
  await tx.collection('users').add(user);
  await auditInTx(
    tx,
    {
      actorUserId: reviewerId,
      action: `account:create:${verifiedBy}`,
      targetType: 'user',
      targetId: user._id,
      unionId: PLATFORM_SCOPE,
      detail: { via: appId },
    },
    ctx,
  );
  return user;
}

/**
 * The person's ID already has an account and they lost its phone, with no face check possible:
 * the admin's application recovers that account to the new phone instead of creating one. The name
 * must match the account, and the new phone must be free (or already this account's).
 */
async function recoveryTarget(docIndex: string, name: string, phone: string): Promise<UserDoc | null> {
  const existing = await userByDocIndex(docIndex);
  if (!existing) {
    if (await userByPhone(phone)) throw new AppError('DUPLICATE', PHONE_TAKEN, 'phone');
    return null;
  }
  if (existing.name !== name)
    throw new AppError('INVALID_INPUT', '姓名与该证件已注册的账号不一致，请核对证明材料', 'name');
  const owner = await userByPhone(phone);
  if (owner && owner._id !== existing._id) throw new AppError('DUPLICATE', PHONE_TAKEN, 'phone');
  return existing;
}

/**
 * 内置账号 (spec §一.4): for a person whose face check fails or whose name the provider cannot take.
 * Their union's admin applies with the stamped certificate; the province office decides; the person
 * then logs in with an SMS code. For an ID that is already registered the same application recovers
 * the account (spec §七.4): the new phone replaces the old one and every old login ends.
 */
export const builtinAccount = defineKind({
  kind: 'builtinAccount',
  reviewPermission: 'platform',
  form: object({
    unionId: str({ label: '申请工会', max: 64 }),
    name: nameField,
    docType: oneOf<DocumentType>('证件类型', DOCUMENT_TYPES),
    docNumber: str({ label: '证件号码', max: 30 }),
    phone: phoneField,
    reason: str({ label: '申请原因', min: 2, max: 300, multiline: true }),
    certificateFileId: FILE_ID,
  }),
  async prepare(input, applicant): Promise<Prepared<BuiltinPayload>> {
    const union = await requireUnion(input.unionId);
    if (!applicant.actor || !holdsRight(applicant.actor, union._id, 'manageMembers')) {
      throw new AppError('PERMISSION_DENIED', '内置账号须由本级工会管理员代为申请');
    }
    const doc = sealIdentity(validateDocument(input.docType, input.docNumber));
    const recover = await recoveryTarget(doc.index, input.name, input.phone);
    const payload: AccountPayload = {
      name: input.name,
      docType: input.docType,
      doc,
      phone: sealPhone(input.phone),
      passwordHash: null,
      ...(recover ? { recoverUserId: recover._id } : {}),
    };
    return {
      reviewerUnionId: PLATFORM_SCOPE,
      unionId: union._id,
      payload: { ...payload, reason: input.reason, unionName: union.name },
      title: `${recover ? '账号找回（内置账号）' : '内置账号申请'}：${input.name}（${union.name}）`,
      lines: [
        ...accountLines(payload),
        { label: '申请工会', value: union.name },
        { label: '申请原因', value: input.reason },
      ],
      attachments: [input.certificateFileId],
      locks: [{ key: `account-doc:${doc.index}`, message: '该证件已有待审核的账号申请，请勿重复提交' }],
    };
  },
  async effect(tx, app, reviewer, ctx) {
    const p = app.payload;
    if (!p.recoverUserId) {
      await createAccount(tx, p, 'builtin', reviewer.user._id, app._id, ctx);
      return;
    }
    const user = await txGet<UserDoc>(tx, 'users', p.recoverUserId);
    if (!user || user.docIndex !== p.doc.index)
      throw new AppError('CONFLICT', '该账号已注销或已变更，请驳回后重新申请');
    await raiseEpochInTx(tx, user, null, {
      phone: p.phone,
      phoneIndex: p.phone.index,
      failedLogins: 0,
      lockedUntil: null,
    });
    await movePhone(tx, user, p.phone, new Date());
    await auditInTx(
      tx,
      {
        actorUserId: reviewer.user._id,
        actorName: reviewer.user.name,
        action: 'account:recover',
        targetType: 'user',
        targetId: user._id,
        unionId: PLATFORM_SCOPE,
        detail: { to: p.phone.masked, via: app._id },
      },
      ctx,
    );
  },
  async afterApprove(app, ctx) {
    const p = app.payload;
    if (!p.recoverUserId) {
      await afterAccountCreated(`usr${app._id.slice(0, 24)}`, ctx);
      return;
    }
    const user = await findById<UserDoc>('users', p.recoverUserId);
    if (user) await dropStaleBindings(user._id, user.sessionEpoch ?? 0);
  },
});

/** 港澳台及外籍人员注册: document photo instead of a face check, reviewed by the province office. */
export const documentAccount = defineKind({
  kind: 'documentAccount',
  reviewPermission: 'platform',
  allowUnregistered: true,
  form: object({
    name: nameField,
    docType: oneOf<DocumentType>(
      '证件类型',
      DOCUMENT_TYPES.filter((t) => t !== 'resident'),
    ),
    docNumber: str({ label: '证件号码', max: 30 }),
    phone: phoneField,
    smsCode: str({ label: '短信验证码', max: 6 }),
    password: (v: unknown, f: string) => validatePassword(v, f),
    photoFileId: FILE_ID,
  }),
  async prepare(input, applicant): Promise<Prepared<AccountPayload>> {
    if (applicant.user) throw new AppError('CONFLICT', '当前微信已登录账号，无需重复注册');
    const doc = sealIdentity(validateDocument(input.docType, input.docNumber));
    await checkFree(doc.index, input.phone);
    await consumeSmsCode(input.phone, 'register', input.smsCode);
    const payload: AccountPayload = {
      name: input.name,
      docType: input.docType,
      doc,
      phone: sealPhone(input.phone),
      passwordHash: await hashPassword(input.password),
    };
    return {
      reviewerUnionId: PLATFORM_SCOPE,
      unionId: null,
      payload,
      applicantName: input.name,
      title: `${DOCUMENT_TYPE_NAMES[input.docType]}注册：${input.name}`,
      lines: accountLines(payload),
      attachments: [input.photoFileId],
      locks: [{ key: `account-doc:${doc.index}`, message: '该证件已有待审核的注册申请，请等待审核结果' }],
    };
  },
  async effect(tx, app, reviewer, ctx) {
    const user = await createAccount(tx, app.payload, 'document', reviewer.user._id, app._id, ctx);
    const bound = await txGet(tx, 'bindings', app.applicantOpenid);
    if (!bound)
      await tx
        .collection('bindings')
        .doc(app.applicantOpenid)
        .set(bindingDoc(user, '', 'document'));
  },
  async afterApprove(app, ctx) {
    await afterAccountCreated(`usr${app._id.slice(0, 24)}`, ctx);
  },
});
