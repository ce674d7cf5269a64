import type { MyUnion, QrInfo, QrPurpose, ScanResult, UnionStatsRow, UnionView } from '../../../typings/org';
import { holdsRight, requireActor, requireUnion, rightInOrAbove, superiorRightOver } from '../actor';
import { AppError } from '../app-error';
import { audit } from '../audit';
import { cmd, db, findById } from '../db';
import type { UnionDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { cappedCount, keysetPage } from '../paging';
import { withPendingMembers } from './member-count';
import { myUnions as unionsOfRoles } from './my-unions';
import { currentQr, resolveQr } from './qr';
import { like } from './search';
import { queryTokens } from './search-tokens';
import { mayHoldMembers, unionView } from './unions';

/** Union organisations: QR codes, the admin's own unions, the directory and the 工作台 (spec §二, §五). */

/** Only above-grassroots unions have an org-registration code; only member-holding unions a member code. */
function assertHasQr(union: UnionDoc, purpose: QrPurpose): void {
  if (purpose === 'org' && union.category !== 'above')
    throw new AppError('INVALID_INPUT', '基层工会没有下级，不提供工会组织登记二维码', 'purpose');
  if (purpose === 'member' && !mayHoldMembers(union))
    throw new AppError('INVALID_INPUT', '该工会不能直接登记会员，没有会员登记二维码', 'purpose');
}

async function parentName(u: UnionDoc): Promise<string> {
  return u.parentId ? ((await findById<UnionDoc>('unions', u.parentId))?.name ?? '') : '';
}

/** A street can have hundreds of grassroots unions; the 工作台 shows the first ones and says so. */
const STATS_CHILDREN = 500;

function statsRow(u: UnionDoc): UnionStatsRow {
  const s = u.stats;
  return {
    id: u._id,
    name: u.name,
    realName: s?.realName ?? 0,
    notRealName: s?.notRealName ?? 0,
    subtreeRealName: s?.subtreeRealName ?? 0,
    subtreeNotRealName: s?.subtreeNotRealName ?? 0,
    subtreeUnions: (s?.subtreeAbove ?? 0) + (s?.subtreeGrassroots ?? 0),
  };
}

/** Anyone may scan; what the code leads to is decided here, not by the client. */
export async function scan(input: { code: string }): Promise<ScanResult> {
  const { purpose, union } = await resolveQr(input.code);
  if (purpose === 'member' && !mayHoldMembers(union))
    throw new AppError('CONFLICT', '该工会不能直接登记会员，请扫描您所在单位基层工会的二维码');
  return {
    purpose,
    union: unionView(union, await parentName(union)),
    next:
      purpose === 'org'
        ? `/pages/org-register/index?code=${encodeURIComponent(input.code)}`
        : `/pages/membership/apply?code=${encodeURIComponent(input.code)}`,
  };
}

export async function myUnions(_input: unknown, ctx: HandlerContext): Promise<{ unions: MyUnion[] }> {
  const actor = await requireActor(ctx);
  return { unions: await unionsOfRoles(actor.roles) };
}

export async function detail(
  input: { unionId: string },
  ctx: HandlerContext,
): Promise<{
  union: UnionView;
  changeLog: Array<{ at: string; before: Record<string, unknown>; after: Record<string, unknown> }>;
}> {
  const actor = await requireActor(ctx);
  const [union] = await withPendingMembers([await requireUnion(input.unionId, { active: false })]);
  if (!rightInOrAbove(actor, union, 'orgInfo') && !actor.roles.some((r) => r.unionId === union._id)) {
    throw new AppError('PERMISSION_DENIED', '只能查看本级及下级工会的信息');
  }
  return {
    union: unionView(union, await parentName(union)),
    changeLog: (union.changeLog ?? []).map((c) => ({
      at: new Date(c.at).toISOString(),
      before: c.before,
      after: c.after,
    })),
  };
}

export async function qr(input: { unionId: string; purpose: QrPurpose }, ctx: HandlerContext): Promise<QrInfo> {
  const actor = await requireActor(ctx);
  const union = await requireUnion(input.unionId);
  if (!actor.roles.some((r) => r.unionId === union._id))
    throw new AppError('PERMISSION_DENIED', '只有本级工会管理员可以查看二维码');
  assertHasQr(union, input.purpose);
  return (await currentQr(union, input.purpose, false)).info;
}

export async function regenerateQr(
  input: { unionId: string; purpose: QrPurpose },
  ctx: HandlerContext,
): Promise<QrInfo> {
  const actor = await requireActor(ctx);
  const union = await requireUnion(input.unionId);
  if (!holdsRight(actor, union._id, 'orgInfo'))
    throw new AppError('PERMISSION_DENIED', '只有本级工会管理员可以重新生成二维码');
  assertHasQr(union, input.purpose);
  const result = await currentQr(union, input.purpose, true);
  await audit(
    {
      actorUserId: actor.user._id,
      action: 'qr:regenerate',
      targetType: 'union',
      targetId: union._id,
      unionId: union._id,
      detail: { purpose: input.purpose, revoked: result.revoked },
    },
    ctx,
  );
  return result.info;
}

/** 工会组织目录: the union itself and its subordinates, grassroots and above-grassroots apart. */
export async function directory(
  input: {
    unionId: string;
    category: 'above' | 'grassroots';
    keyword?: string;
    cursor?: string;
    page?: number;
    pageSize?: number;
  },
  ctx: HandlerContext,
) {
  const actor = await requireActor(ctx);
  const self = await requireUnion(input.unionId, { active: false });
  if (!actor.roles.some((r) => r.unionId === self._id) && !superiorRightOver(actor, self, 'orgInfo')) {
    throw new AppError('PERMISSION_DENIED', '只能查看本级及下级工会的目录');
  }
  // {ancestors, category, status, name, _id}: the subtree in name order, a page at a time.
  const where: Record<string, unknown> = { ancestors: self._id, category: input.category, status: 'active' };
  if (input.keyword) {
    const tokens = queryTokens(input.keyword);
    if (tokens.length) where.searchTokens = cmd().all(tokens);
    where.name = like(input.keyword);
  }
  const coll = db().collection('unions');
  const rollup = input.category === 'above' ? self.stats?.subtreeAbove : self.stats?.subtreeGrassroots;
  const [res, count] = await Promise.all([
    keysetPage<UnionDoc>(coll, where, { field: 'name', dir: 'asc' }, input),
    input.keyword ? cappedCount(coll, where) : { total: rollup ?? 0 },
  ]);
  // Member counts include approvals not yet folded into the union documents (org/member-count).
  const [counted, ...items] = await withPendingMembers([self, ...res.items]);
  return { self: unionView(counted, await parentName(self)), ...res, items: items.map((u) => unionView(u)), ...count };
}

/** 工作台: roll-up counts of the union and its direct subordinates (a few documents, never the members). */
export async function stats(
  input: { unionId: string },
  ctx: HandlerContext,
): Promise<{ self: UnionStatsRow; children: UnionStatsRow[]; childrenCapped?: boolean }> {
  const actor = await requireActor(ctx);
  const self = await requireUnion(input.unionId, { active: false });
  if (!actor.roles.some((r) => r.unionId === self._id) && !superiorRightOver(actor, self, 'orgInfo')) {
    throw new AppError('PERMISSION_DENIED', '只能查看本级及下级工会的统计');
  }
  const res = await db()
    .collection('unions')
    .where({ parentId: self._id, status: 'active' })
    .limit(STATS_CHILDREN + 1)
    .get();
  const children = res.data as UnionDoc[];
  return {
    self: statsRow(self),
    children: children.slice(0, STATS_CHILDREN).map(statsRow),
    ...(children.length > STATS_CHILDREN ? { childrenCapped: true } : {}),
  };
}
