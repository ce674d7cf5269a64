import { ALL_PERMISSIONS } from '../../../typings/models';
import { requireRight, requireUnion } from '../actor';
import { AppError } from '../app-error';
import { auditInTx } from '../audit';
import { cmd, db, findById, findOne, txGet, type Tx } from '../db';
import { closeShards, txMemberCount } from './member-count';
import { newUnion, type RoleDoc, type UnionDoc, type UserDoc } from '../documents';
import { roleId } from '../roles/grants';
import { object, optional, str } from '../validate';
import { defineKind, type Prepared } from '../workflow/kind';
import { resolveQr } from './qr';
import {
  CATEGORY_FIELDS,
  CHANGEABLE_FIELDS,
  FIELD_LABELS,
  FORM_FIELDS,
  checkCategory,
  superiorOf,
  typeName,
  type UnionForm,
} from './unions';
import { unionSearchTokens } from './search-tokens';
import { rollupUnions } from './rollup';

async function assertCreditCodeFree(code: string, exceptUnionId?: string): Promise<void> {
  const holder = await findOne<UnionDoc>('unions', { creditCode: code, status: 'active' });
  if (holder && holder._id !== exceptUnionId)
    throw new AppError('DUPLICATE', `统一社会信用代码已被“${holder.name}”使用，同一单位只能登记一个工会`, 'creditCode');
}

async function txUnion(tx: Tx, id: string): Promise<UnionDoc> {
  const u = await txGet<UnionDoc>(tx, 'unions', id);
  if (!u) throw new AppError('NOT_FOUND', '工会组织不存在');
  return u;
}

/** What approval needs: the superior it registers under and the form as checked at submission. */
interface OrgRegisterPayload {
  parentId: string;
  form: UnionForm;
}

export const orgRegister = defineKind({
  kind: 'orgRegister',
  reviewPermission: 'orgInfo',
  form: object({ code: str({ label: '登记二维码', max: 600 }), ...FORM_FIELDS, ...CATEGORY_FIELDS }),
  async prepare(input): Promise<Prepared<OrgRegisterPayload>> {
    const { union: parent } = await resolveQr(input.code, 'org');
    const subtype = checkCategory(input.category, input.subtype, parent);
    await assertCreditCodeFree(input.creditCode);
    const form: UnionForm = {
      name: input.name,
      unitName: input.unitName,
      creditCode: input.creditCode,
      category: input.category,
      subtype,
      address: input.address,
      chairName: input.chairName,
      contactPhone: input.contactPhone,
      declaredMembers: input.declaredMembers,
    };
    return {
      reviewerUnionId: parent._id,
      unionId: null,
      payload: { parentId: parent._id, form },
      title: `${form.name}（${typeName(form)}）`,
      lines: [
        { label: '上级工会', value: parent.name },
        { label: '单位名称', value: form.unitName },
        { label: '统一社会信用代码', value: form.creditCode },
        { label: '工会主席', value: form.chairName },
        { label: '联系电话', value: form.contactPhone },
        { label: '会员人数', value: String(form.declaredMembers) },
        { label: '地址', value: form.address },
      ],
      locks: [
        { key: `org-credit:${form.creditCode}`, message: '该统一社会信用代码已有待审核的工会登记申请，请勿重复提交' },
      ],
    };
  },
  async beforeApprove(app) {
    await assertCreditCodeFree(app.payload.form.creditCode);
  },
  async afterApprove(app) {
    await rollupUnions(app.payload.parentId, app.payload.form.category, 1);
  },
  async effect(tx, app, reviewer, ctx) {
    const { form } = app.payload;
    const parent = await txUnion(tx, app.payload.parentId);
    if (parent.status !== 'active') throw new AppError('CONFLICT', '上级工会已注销，无法通过登记');
    const unionId = `u${app._id.slice(0, 23)}`;
    const now = new Date();
    const union = newUnion(unionId, form, parent, { adminCount: 1 });
    await tx.collection('unions').add(union);
    await tx
      .collection('unions')
      .doc(parent._id)
      .update({ childCount: cmd().inc(1), updatedAt: now });
    // The approved registrant becomes the new union's first admin (spec §六.1).
    const applicant = await txGet<UserDoc>(tx, 'users', app.applicantUserId as string);
    if (!applicant) throw new AppError('CONFLICT', '申请人账号不存在，无法设置管理员');
    const role: RoleDoc = {
      _id: roleId(unionId, applicant.docIndex),
      userId: applicant._id,
      docIndex: applicant.docIndex,
      name: applicant.name,
      docMasked: applicant.doc.masked,
      phone: applicant.phone,
      unionId,
      role: 'admin',
      permissions: ALL_PERMISSIONS,
      status: 'active',
      grantedBy: reviewer.user._id,
      grantedAt: now,
    };
    await tx.collection('roles').add(role);
    await auditInTx(
      tx,
      {
        actorUserId: reviewer.user._id,
        action: 'role:firstAdmin',
        targetType: 'role',
        targetId: role._id,
        unionId,
        detail: { via: app._id },
      },
      ctx,
    );
  },
});

/** Every changeable field, each optional: a change names only what changes. */
const CHANGE_SHAPE = {
  name: optional(FORM_FIELDS.name),
  unitName: optional(FORM_FIELDS.unitName),
  creditCode: optional(FORM_FIELDS.creditCode),
  address: optional(FORM_FIELDS.address),
  chairName: optional(FORM_FIELDS.chairName),
  contactPhone: optional(FORM_FIELDS.contactPhone),
  declaredMembers: optional(FORM_FIELDS.declaredMembers),
} satisfies Record<(typeof CHANGEABLE_FIELDS)[number], unknown>;

/** The changed fields only: their values before (for the change log) and after. */
interface OrgChangePayload {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

export const orgChange = defineKind({
  kind: 'orgChange',
  reviewPermission: 'orgInfo',
  form: object({ unionId: str({ label: '工会', max: 64 }), changes: object(CHANGE_SHAPE, '变更内容') }),
  async prepare(input, applicant): Promise<Prepared<OrgChangePayload>> {
    const union = await requireUnion(input.unionId);
    requireRight(applicant.actor!, union._id, 'orgInfo');
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const f of CHANGEABLE_FIELDS) {
      const v = input.changes[f];
      if (v !== undefined && v !== union[f]) {
        before[f] = union[f];
        after[f] = v;
      }
    }
    if (Object.keys(after).length === 0) throw new AppError('INVALID_INPUT', '没有需要变更的内容', 'changes');
    if (typeof after.creditCode === 'string') await assertCreditCodeFree(after.creditCode, union._id);
    return {
      reviewerUnionId: superiorOf(union),
      unionId: union._id,
      payload: { before, after },
      title: `${union.name} 信息变更`,
      lines: Object.keys(after).map((f) => ({
        label: FIELD_LABELS[f as keyof typeof FIELD_LABELS],
        value: `${String(before[f])} → ${String(after[f])}`,
      })),
      locks: [{ key: `org:${union._id}`, message: '该工会已有待审核的变更或注销申请，请等待审核完成或先撤回' }],
    };
  },
  async effect(tx, app) {
    const union = await txUnion(tx, app.unionId as string);
    if (union.status !== 'active') throw new AppError('CONFLICT', '该工会已注销，无法变更');
    const now = new Date();
    const { after } = app.payload;
    const before = Object.fromEntries(
      Object.keys(after).map((k) => [k, (union as unknown as Record<string, unknown>)[k]]),
    );
    await tx
      .collection('unions')
      .doc(union._id)
      .update({
        ...after,
        searchTokens: unionSearchTokens({
          name: String(after.name ?? union.name),
          unitName: String(after.unitName ?? union.unitName),
        }),
        changeLog: [...(union.changeLog ?? []), { at: now, applicationId: app._id, before, after }],
        updatedAt: now,
        version: union.version + 1,
      });
  },
});

async function deregisterBlockers(unionId: string): Promise<string | null> {
  const [members, children] = await Promise.all([
    db().collection('members').where({ unionId, status: 'active' }).count(),
    db().collection('unions').where({ parentId: unionId, status: 'active' }).count(),
  ]);
  const reasons: string[] = [];
  if ((members.total as number) > 0) reasons.push(`仍有 ${members.total} 名在册会员（请先办理会籍转移或移出）`);
  if ((children.total as number) > 0) reasons.push(`仍有 ${children.total} 个未注销的下级工会（请先注销下级工会）`);
  return reasons.length ? `该工会不能注销：${reasons.join('；')}` : null;
}

export const orgDeregister = defineKind({
  kind: 'orgDeregister',
  reviewPermission: 'orgInfo',
  form: object({
    unionId: str({ label: '工会', max: 64 }),
    reason: str({ label: '注销原因', min: 2, max: 200, multiline: true }),
  }),
  async prepare(input, applicant): Promise<Prepared<{ reason: string }>> {
    const union = await requireUnion(input.unionId);
    requireRight(applicant.actor!, union._id, 'orgInfo');
    if (!union.parentId)
      throw new AppError('PERMISSION_DENIED', '最高一级工会没有上级工会审核，不能在线申请注销，请联系省总工会线下办理');
    const blocker = await deregisterBlockers(union._id);
    if (blocker) throw new AppError('CONFLICT', blocker);
    return {
      reviewerUnionId: superiorOf(union),
      unionId: union._id,
      payload: { reason: input.reason },
      title: `${union.name} 注销`,
      lines: [{ label: '注销原因', value: input.reason }],
      locks: [{ key: `org:${union._id}`, message: '该工会已有待审核的变更或注销申请，请等待审核完成或先撤回' }],
    };
  },
  async beforeApprove(app) {
    const blocker = await deregisterBlockers(app.unionId as string);
    if (blocker) throw new AppError('CONFLICT', blocker);
  },
  async afterApprove(app) {
    const union = await findById<UnionDoc>('unions', app.unionId as string);
    if (union?.parentId) await rollupUnions(union.parentId, union.category, -1);
  },
  async effect(tx, app) {
    const union = await txUnion(tx, app.unionId as string);
    // Exact: a join in flight writes a member-count shard and a registration writes this union, and
    // closing every shard below writes both, so either of them conflicts with this transaction.
    if ((await txMemberCount(tx, union)) > 0 || union.childCount > 0)
      throw new AppError('CONFLICT', '该工会仍有会员或下级工会，不能注销');
    await closeShards(tx, union._id);
    const now = new Date();
    await tx
      .collection('unions')
      .doc(union._id)
      .update({ status: 'deregistered', updatedAt: now, version: union.version + 1 });
    for (const tokenId of Object.values(union.qrTokens ?? {})) {
      if (tokenId) await tx.collection('qrTokens').doc(tokenId).update({ status: 'revoked', revokedAt: now });
    }
    if (union.parentId) {
      const parent = await txUnion(tx, union.parentId);
      await tx
        .collection('unions')
        .doc(parent._id)
        .update({ childCount: cmd().inc(-1), updatedAt: now });
    }
  },
});
