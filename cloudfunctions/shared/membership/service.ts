import { createHmac } from 'node:crypto';
import QRCode from 'qrcode';
import { DOCUMENT_TYPE_NAMES, type MemberStatus } from '../../../typings/models';
import type { MemberRow, MembershipCard, MyMembership } from '../../../typings/member';
import type { BatchResult, Page } from '../../../typings/review';
import { holdsRight, requireActor, requireUnion, superiorRightOver, type Actor } from '../actor';
import { AppError } from '../app-error';
import { audit, auditInTx } from '../audit';
import { cloudApp } from '../cloud';
import { qrConfig } from '../config';
import { cmd, db, findMany, transaction, txGet } from '../db';
import { addMembers, foldMemberCount, withPendingMembers } from '../org/member-count';
import type { MemberDoc, UnionDoc, UserDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { textWorkbook } from '../importer/text-book';
import { rollupMembers } from '../org/rollup';
import { unionView } from '../org/unions';
import { cappedCount, keysetPage } from '../paging';
import { decrypt, shownDocument } from '../security/pii';
import { memberKeywordFilter } from './search-tokens';
import type { ApplicationDoc } from '../workflow/kind';
import { view } from '../workflow/views';
import { trackPiiFile } from '../lifecycle/retention';

const STATUS_NAMES: Record<MemberStatus, string> = { active: '在册', removed: '已移出', transferred: '已转出' };
const MEMBER_KINDS = ['memberRegister', 'memberJoin', 'memberTransfer'];

/** A member's own code, for the card's QR: signed so it cannot be made up for someone else. */
export function memberCode(memberId: string): string {
  const sig = createHmac('sha256', qrConfig().signingKey).update(`card:${memberId}`).digest('base64url').slice(0, 16);
  return `UMC:${memberId}:${sig}`;
}

export async function myMembership(_input: unknown, ctx: HandlerContext): Promise<MyMembership> {
  const actor = await requireActor(ctx);
  const rows = await db()
    .collection('members')
    .where({ userId: actor.user._id })
    .orderBy('joinedAt', 'desc')
    .limit(50)
    .get();
  const members = rows.data as MemberDoc[];
  const unionIds = [...new Set(members.map((m) => m.unionId))];
  const unions = unionIds.length
    ? await findMany<UnionDoc>('unions', { _id: cmd().in(unionIds) }, unionIds.length)
    : [];
  const nameOf = (id: string) => unions.find((u) => u._id === id)?.name ?? '';
  const active = members.find((m) => m.status === 'active' && m._id === actor.user.activeMemberId);
  const card: MembershipCard | null = active
    ? {
        memberId: active._id,
        name: actor.user.name,
        unionId: active.unionId,
        unionName: nameOf(active.unionId),
        unitName: active.unitName,
        status: active.status,
        statusName: STATUS_NAMES[active.status],
        joinedAt: new Date(active.joinedAt).toISOString(),
        docMasked: shownDocument(actor.user.doc, actor.user.docType),
        memberCode: memberCode(active._id),
        memberQr: await QRCode.toDataURL(memberCode(active._id), { margin: 1, width: 240 }),
      }
    : null;
  const pendingRes = await db()
    .collection('applications')
    .where({ applicantUserId: actor.user._id, status: 'pending', kind: cmd().in(MEMBER_KINDS) })
    .limit(1)
    .get();
  const pendingDoc = (pendingRes.data as ApplicationDoc[])[0];
  return {
    card,
    pending: pendingDoc ? await view(pendingDoc, { userId: actor.user._id, openid: ctx.caller.openid }) : null,
    history: members.map((m) => ({
      unionName: nameOf(m.unionId),
      status: m.status,
      statusName: STATUS_NAMES[m.status],
      joinedAt: new Date(m.joinedAt).toISOString(),
      ...(m.endedAt ? { endedAt: new Date(m.endedAt).toISOString() } : {}),
      ...(m.endReason ? { endReason: m.endReason } : {}),
    })),
  };
}

/** Own union (with the right) or a subordinate union (view only, always masked). */
export async function memberScope(
  actor: Actor,
  unionId: string,
): Promise<{ union: UnionDoc; scope: 'own' | 'subordinate' }> {
  const union = await requireUnion(unionId, { active: false });
  if (holdsRight(actor, union._id, 'manageMembers')) return { union, scope: 'own' };
  if (superiorRightOver(actor, union, 'manageMembers')) return { union, scope: 'subordinate' };
  throw new AppError('PERMISSION_DENIED', '只能查看本级及下级工会的会员');
}

export async function listMembers(
  input: { unionId: string; realName: boolean; keyword?: string; cursor?: string; page?: number; pageSize?: number },
  ctx: HandlerContext,
): Promise<Page<MemberRow> & { union: ReturnType<typeof unionView>; scope: 'own' | 'subordinate' }> {
  const { union, scope } = await memberScope(await requireActor(ctx), input.unionId);
  const _ = cmd();
  const base = { unionId: union._id, status: 'active', realName: input.realName };
  const where = input.keyword
    ? (_.and([base, memberKeywordFilter(input.keyword)]) as unknown as Record<string, unknown>)
    : base;
  const coll = db().collection('members');
  // Newest first on the index {unionId, status, realName, joinedAt, _id}: a page reads a page. A
  // keyword is an index lookup too (search-tokens.ts), so its page and its capped count read what
  // they find, not the union. The whole list's total is the union's roll-up.
  const rollup = input.realName ? union.stats?.realName : union.stats?.notRealName;
  const [res, count] = await Promise.all([
    keysetPage<MemberDoc>(coll, where, { field: 'joinedAt', dir: 'desc' }, input),
    input.keyword ? cappedCount(coll, where) : { total: rollup ?? 0 },
  ]);
  const items = res.items.map((m): MemberRow => ({
    id: m._id,
    name: m.name,
    docType: m.docType,
    docTypeName: DOCUMENT_TYPE_NAMES[m.docType],
    docMasked: shownDocument(m.doc, m.docType),
    phoneMasked: m.phone?.masked ?? '',
    unitName: m.unitName,
    realName: m.realName,
    source: m.source,
    joinedAt: new Date(m.joinedAt).toISOString(),
  }));
  const [counted] = await withPendingMembers([union]);
  return { ...res, items, ...count, union: unionView(counted), scope };
}

/** Removal keeps the row (status removed, who, when, why) and ends the user's active membership. */
export async function removeMembers(
  input: { unionId: string; memberIds: string[]; reason: string },
  ctx: HandlerContext,
): Promise<{ results: BatchResult[] }> {
  const { unionId, reason } = input;
  const memberIds = [...new Set(input.memberIds)];
  const actor = await requireActor(ctx);
  if (!holdsRight(actor, unionId, 'manageMembers'))
    throw new AppError('PERMISSION_DENIED', '只有本级工会管理员可以移出会员');
  const results: BatchResult[] = [];
  for (const id of memberIds) {
    try {
      const removed = await transaction(async (tx) => {
        const m = await txGet<MemberDoc>(tx, 'members', id);
        if (!m || m.unionId !== unionId) throw new AppError('NOT_FOUND', '该会员不在本工会');
        if (m.status !== 'active') throw new AppError('ALREADY_PROCESSED', '该会员已被移出');
        const union = await txGet<UnionDoc>(tx, 'unions', unionId);
        const now = new Date();
        await tx
          .collection('members')
          .doc(id)
          .update({
            status: 'removed',
            endedAt: now,
            endReason: reason,
            removedBy: actor.user._id,
            updatedAt: now,
            version: m.version + 1,
          });
        if (m.userId) {
          const user = await txGet<UserDoc>(tx, 'users', m.userId);
          if (user && user.activeMemberId === id)
            await tx.collection('users').doc(user._id).update({ activeMemberId: null, updatedAt: now });
        }
        if (union) await addMembers(tx, unionId, -1);
        await auditInTx(
          tx,
          {
            actorUserId: actor.user._id,
            action: m.realName ? 'member:remove' : 'member:deleteUnregistered',
            targetType: 'member',
            targetId: id,
            unionId,
            detail: { reason },
          },
          ctx,
        );
        return m;
      });
      await rollupMembers(unionId, removed.realName ? { realName: -1 } : { notRealName: -1 }, removed.joinedAt);
      results.push({ id, ok: true, message: '已移出' });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      results.push({ id, ok: false, message: err.message });
    }
  }
  // A refused removal changes nothing, not even the count's representation.
  if (results.some((r) => r.ok)) await foldMemberCount(unionId);
  return { results };
}

/** Not-real-name members only, by an admin of that same union; real-name members never leave. */
export async function exportMembers(
  { unionId, realName }: { unionId: string; realName: boolean },
  ctx: HandlerContext,
) {
  const actor = await requireActor(ctx);
  if (realName) throw new AppError('PERMISSION_DENIED', '已实名注册会员的信息受保护，不支持导出');
  const union = await requireUnion(unionId, { active: false });
  if (!holdsRight(actor, union._id, 'export'))
    throw new AppError('PERMISSION_DENIED', '只有本级工会管理员可以导出本工会的未实名会员');
  const rows: string[][] = [['姓名', '证件类型', '证件号码', '手机号码', '单位名称', '导入时间']];
  let lastId = '';
  for (;;) {
    const res = await db()
      .collection('members')
      .where({ unionId, status: 'active', realName: false, _id: cmd().gt(lastId) })
      .orderBy('_id', 'asc')
      .limit(1000)
      .get();
    const batch = res.data as MemberDoc[];
    for (const m of batch) {
      rows.push([
        m.name,
        DOCUMENT_TYPE_NAMES[m.docType],
        decrypt(m.doc.cipher),
        m.phone ? decrypt(m.phone.cipher) : '',
        m.unitName,
        new Date(m.joinedAt).toISOString().slice(0, 10),
      ]);
    }
    if (batch.length < 1000) break;
    lastId = batch[batch.length - 1]._id;
  }
  // Text cells: nothing is run as a formula, and what is read back is exactly what is stored.
  const buffer = textWorkbook('未实名会员', rows, [12, 16, 22, 14, 28, 12]);
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const up = await cloudApp().uploadFile({
    cloudPath: `exports/${unionId}/unregistered-${stamp}.xlsx`,
    fileContent: buffer,
  });
  await trackPiiFile(up.fileID, 'export', unionId);
  const url = await cloudApp().getTempFileURL({ fileList: [up.fileID] });
  await audit(
    {
      actorUserId: actor.user._id,
      action: 'member:export',
      targetType: 'union',
      targetId: unionId,
      unionId,
      detail: { rows: rows.length - 1 },
    },
    ctx,
  );
  return { url: url.fileList[0]?.tempFileURL ?? '', fileId: up.fileID, rows: rows.length - 1 };
}
