import { DOCUMENT_TYPE_NAMES } from '../../../typings/models';
import { requireUnion, type Actor } from '../actor';
import { AppError } from '../app-error';
import { auditInTx } from '../audit';
import { cmd, findById, findMany, txGet, type Tx } from '../db';
import { rowPii, type MemberDoc, type UnionDoc, type UserDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { addMembers } from '../org/member-count';
import { resolveQr } from '../org/qr';
import { mayHoldMembers } from '../org/unions';
import { object, optional, orgName, str } from '../validate';
import type { MemberApplyForm } from '../../../typings/review';
import { defineKind, type Applicant, type ApplicationDoc, type Prepared } from '../workflow/kind';
import { rollupMembers } from '../org/rollup';
import { shownDocument } from '../security/pii';
import { withSearchTokens } from './search-tokens';

/** 会员登记 (already a member offline), 会员入会 (joining) and 会籍转移, all reviewed by the receiving union. */
const APPLY_FORM = object({
  unionId: optional(str({ label: '工会', max: 64 })),
  code: optional(str({ label: '会员登记二维码', max: 600 })),
  unitName: orgName('单位名称'),
});

/** 会员登记 / 入会: the union joined and the workplace given. */
interface JoinPayload {
  unionId: string;
  unitName: string;
}

/** 会籍转移: the membership left behind and the union moved to. */
interface TransferPayload {
  fromMemberId: string;
  fromUnionId: string;
  toUnionId: string;
  unitName: string;
}

const ONE_PENDING = '您已有一条审核中的会员申请（登记、入会或会籍转移），请等待审核结果或撤回后再提交';

async function targetUnion(input: { unionId?: string; code?: string }): Promise<UnionDoc> {
  let union: UnionDoc;
  if (input.code) union = (await resolveQr(input.code, 'member')).union;
  else if (input.unionId) union = await requireUnion(input.unionId);
  else throw new AppError('INVALID_INPUT', '请选择要申请的工会', 'unionId');
  if (!mayHoldMembers(union)) {
    throw new AppError(
      'INVALID_INPUT',
      `“${union.name}”是基层以上工会，不能直接登记会员，请选择您所在单位的基层工会`,
      'unionId',
    );
  }
  return union;
}

export async function activeMembership(user: Pick<UserDoc, 'activeMemberId'>): Promise<MemberDoc | undefined> {
  if (!user.activeMemberId) return undefined;
  const m = await findById<MemberDoc>('members', user.activeMemberId);
  return m && m.status === 'active' ? m : undefined;
}

function personLines(user: UserDoc, union: UnionDoc, unitName: string) {
  return [
    { label: '单位名称', value: unitName },
    { label: '工会名称', value: union.name },
    { label: '姓名', value: user.name },
    { label: DOCUMENT_TYPE_NAMES[user.docType], value: shownDocument(user.doc, user.docType) },
    { label: '手机号码', value: user.phone.masked },
  ];
}

/** 会员登记 and 入会 differ only in their name and the member row's source. */
function applyRules(kindName: string, source: 'register' | 'join') {
  return {
    reviewPermission: 'reviewMembers' as const,
    form: APPLY_FORM,
    async prepare(input: MemberApplyForm, applicant: Applicant): Promise<Prepared<JoinPayload>> {
      const user = applicant.user as UserDoc;
      const union = await targetUnion(input);
      const current = await activeMembership(user);
      if (current) {
        const holder = await findById<UnionDoc>('unions', current.unionId);
        throw new AppError('CONFLICT', `您已是“${holder?.name ?? '其他工会'}”的会员，如需更换工会请办理会籍转移`);
      }
      return {
        reviewerUnionId: union._id,
        unionId: union._id,
        payload: { unionId: union._id, unitName: input.unitName },
        title: `${user.name} 申请${kindName}：${union.name}`,
        lines: personLines(user, union, input.unitName),
        locks: [{ key: `member:${user._id}`, message: ONE_PENDING }],
      };
    },
    async effect(tx: Tx, app: ApplicationDoc<JoinPayload>, reviewer: Actor, ctx: HandlerContext) {
      await createMembership(tx, app, app.payload.unionId, app.payload.unitName, source, reviewer.user._id, ctx);
    },
    async afterApprove(app: ApplicationDoc<JoinPayload>) {
      await rollupMembers(app.payload.unionId, { realName: 1 });
    },
    countedUnions: (app: ApplicationDoc<JoinPayload>) => [app.payload.unionId],
    approveMany: {
      effect: (tx: Tx, apps: ApplicationDoc<JoinPayload>[], reviewer: Actor, ctx: HandlerContext, lane: number) =>
        createMemberships(tx, apps, source, reviewer.user._id, ctx, lane),
      async after(apps: ApplicationDoc<JoinPayload>[]) {
        for (const [unionId, n] of countBy(apps, (a) => a.payload.unionId))
          await rollupMembers(unionId, { realName: n });
      },
    },
  };
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** The new member row, the user's one active membership and the union's count move together. */
async function createMembership(
  tx: Tx,
  app: ApplicationDoc,
  unionId: string,
  unitName: string,
  source: MemberDoc['source'],
  reviewerId: string,
  ctx: HandlerContext,
  /** A transfer's old membership, ended in the same transaction. */
  fromMemberId?: string,
): Promise<string> {
  const user = await txGet<UserDoc>(tx, 'users', app.applicantUserId as string);
  const union = await txGet<UnionDoc>(tx, 'unions', unionId);
  const refusal = membershipRefusal(user, union, fromMemberId);
  if (refusal) throw refusal;
  const memberId = await writeMembership(tx, app, user as UserDoc, unionId, unitName, source, reviewerId, ctx);
  await addMembers(tx, unionId, 1);
  return memberId;
}

/**
 * createMembership for a batch group, inside its transaction: each applicant passes the same rules,
 * and each union's count moves once. The applicants are read in one query, after the transaction's
 * snapshot (workflow/batch.ts reads first); each one approved is written here, so one changed since
 * makes the transaction conflict.
 */
async function createMemberships(
  tx: Tx,
  apps: ApplicationDoc<JoinPayload>[],
  source: MemberDoc['source'],
  reviewerId: string,
  ctx: HandlerContext,
  lane: number,
): Promise<Array<AppError | null>> {
  const unions = new Map<string, UnionDoc | undefined>();
  for (const unionId of new Set(apps.map((a) => a.payload.unionId)))
    unions.set(unionId, await txGet<UnionDoc>(tx, 'unions', unionId));
  const userIds = apps.map((a) => String(a.applicantUserId));
  const users = new Map(
    (await findMany<UserDoc>('users', { _id: cmd().in(userIds) }, userIds.length)).map((u) => [u._id, u]),
  );
  const added = new Map<string, number>();
  const refusals: Array<AppError | null> = [];
  for (const app of apps) {
    const unionId = app.payload.unionId;
    const user = users.get(String(app.applicantUserId));
    const refusal = membershipRefusal(user, unions.get(unionId));
    refusals.push(refusal);
    if (refusal || !user) continue;
    const memberId = await writeMembership(tx, app, user, unionId, app.payload.unitName, source, reviewerId, ctx);
    // A second application of the same person in this group meets the membership just made.
    users.set(user._id, { ...user, activeMemberId: memberId });
    added.set(unionId, (added.get(unionId) ?? 0) + 1);
  }
  for (const [unionId, n] of added) await addMembers(tx, unionId, n, lane);
  return refusals;
}

/** Why this applicant cannot become a member of this union now, or null. One rule set for one and many. */
function membershipRefusal(
  user: UserDoc | undefined,
  union: UnionDoc | undefined,
  fromMemberId?: string,
): AppError | null {
  if (!user) return new AppError('NOT_FOUND', '申请人账号不存在');
  if (user.activeMemberId && user.activeMemberId !== fromMemberId) {
    return new AppError('CONFLICT', '申请人已是其他工会的会员，不能重复入会；请驳回此申请');
  }
  if (!union || union.status !== 'active') return new AppError('CONFLICT', '该工会已注销，不能通过此申请');
  return null;
}

/** The member row, the user's pointer to it and the audit line; the count is the caller's. */
async function writeMembership(
  tx: Tx,
  app: ApplicationDoc,
  user: UserDoc,
  unionId: string,
  unitName: string,
  source: MemberDoc['source'],
  reviewerId: string,
  ctx: HandlerContext,
): Promise<string> {
  const now = new Date();
  const memberId = `m${app._id.slice(0, 23)}`;
  const member: MemberDoc = withSearchTokens({
    _id: memberId,
    userId: user._id,
    unionId,
    realName: true,
    status: 'active',
    name: user.name,
    docType: user.docType,
    doc: rowPii(user.doc),
    docIndex: user.docIndex,
    phone: rowPii(user.phone),
    phoneIndex: user.phoneIndex,
    source,
    unitName,
    joinedAt: now,
    updatedAt: now,
    version: 1,
  });
  await tx.collection('members').add(member);
  await tx.collection('users').doc(user._id).update({ activeMemberId: memberId, updatedAt: now });
  await auditInTx(
    tx,
    {
      actorUserId: reviewerId,
      action: `member:${source}`,
      targetType: 'member',
      targetId: memberId,
      unionId,
      detail: { via: app._id },
    },
    ctx,
  );
  return memberId;
}

export const memberRegister = defineKind({ kind: 'memberRegister', ...applyRules('会员登记', 'register') });
export const memberJoin = defineKind({ kind: 'memberJoin', ...applyRules('入会', 'join') });

export const memberTransfer = defineKind({
  kind: 'memberTransfer',
  reviewPermission: 'reviewMembers',
  form: APPLY_FORM,
  async prepare(input, applicant): Promise<Prepared<TransferPayload>> {
    const user = applicant.user as UserDoc;
    const current = await activeMembership(user);
    if (!current) throw new AppError('CONFLICT', '您还不是会员，请先办理会员登记或入会');
    const to = await targetUnion(input);
    if (to._id === current.unionId)
      throw new AppError('INVALID_INPUT', '您已是该工会的会员，请选择要转入的新工会', 'unionId');
    const from = await findById<UnionDoc>('unions', current.unionId);
    return {
      reviewerUnionId: to._id,
      unionId: to._id,
      payload: { fromMemberId: current._id, fromUnionId: current.unionId, toUnionId: to._id, unitName: input.unitName },
      title: `${user.name} 会籍转移：${from?.name ?? ''} → ${to.name}`,
      lines: [{ label: '转出工会', value: from?.name ?? '' }, ...personLines(user, to, input.unitName)],
      locks: [{ key: `member:${user._id}`, message: ONE_PENDING }],
    };
  },
  async effect(tx, app, reviewer, ctx) {
    const fromId = app.payload.fromMemberId;
    const old = await txGet<MemberDoc>(tx, 'members', fromId);
    if (!old || old.status !== 'active')
      throw new AppError('CONFLICT', '申请人的会籍已发生变化，请驳回后由会员重新申请');
    const fromUnion = await txGet<UnionDoc>(tx, 'unions', old.unionId);
    const toUnion = await txGet<UnionDoc>(tx, 'unions', app.payload.toUnionId);
    const now = new Date();
    // The old row stays, marked transferred: the history keeps where the member was.
    await tx
      .collection('members')
      .doc(fromId)
      .update({
        status: 'transferred',
        endedAt: now,
        endReason: `会籍转移至 ${toUnion?.name ?? ''}`,
        updatedAt: now,
        version: old.version + 1,
      });
    if (fromUnion) await addMembers(tx, fromUnion._id, -1);
    await createMembership(
      tx,
      app,
      app.payload.toUnionId,
      app.payload.unitName,
      'transfer',
      reviewer.user._id,
      ctx,
      fromId,
    );
  },
  async afterApprove(app) {
    // The old row leaves the month it joined in; it is never changed again, so reading it now is safe.
    const old = await findById<MemberDoc>('members', app.payload.fromMemberId);
    await rollupMembers(app.payload.fromUnionId, { realName: -1 }, old?.joinedAt);
    await rollupMembers(app.payload.toUnionId, { realName: 1 });
  },
  countedUnions: (app) => [app.payload.fromUnionId, app.payload.toUnionId],
});
