import { createHash } from 'node:crypto';
import {
  ALL_PERMISSIONS,
  DOCUMENT_TYPE_NAMES,
  PERMISSION_NAMES,
  type DocumentType,
  type Permission,
} from '../../../typings/models';
import { requireRight, requireUnion, superiorRightOver, userByDocIndex, type Actor } from '../actor';
import { AppError } from '../app-error';
import { auditInTx } from '../audit';
import { cmd, db, findById, transaction, txGet, type Tx } from '../db';
import type { RoleDoc, SealedPii, UnionDoc, UserDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { DOCUMENT_TYPES, validateDocument } from '../identity/documents';
import { validateName, validatePhone } from '../identity/person';
import { sealIdentity, sealPhone } from '../security/seal';
import type { PersonForRole } from '../../../typings/admin';
import { list, object, oneOf, str } from '../validate';
import { defineKind, type Prepared } from '../workflow/kind';
import { superiorOf } from '../org/unions';
import { shownDocument } from '../security/pii';

/** One role per person per union: the id is derived, so a person can never hold two. */
export function roleId(unionId: string, docIndex: string): string {
  return createHash('sha256').update(`${unionId}\u0000${docIndex}`).digest('hex').slice(0, 32);
}

/** The person made admin/operator: the form of 本级 roleGrant and of 下级 appointSubordinate alike. */
export const PERSON_FOR_ROLE = object(
  {
    unionId: str({ label: '工会', max: 64 }),
    role: oneOf<'admin' | 'operator'>('角色', ['admin', 'operator']),
    name: (v: unknown, f: string) => validateName(v, f),
    docType: oneOf<DocumentType>('证件类型', DOCUMENT_TYPES),
    docNumber: str({ label: '证件号码', max: 30 }),
    phone: (v: unknown, f: string) => validatePhone(v, f),
    permissions: list('权限', oneOf<Permission>('权限', ALL_PERMISSIONS), ALL_PERMISSIONS.length),
  },
  '人员信息',
);

interface GrantPayload {
  unionId: string;
  role: 'admin' | 'operator';
  permissions: Permission[];
  name: string;
  docType: DocumentType;
  doc: SealedPii;
  docIndex: string;
  phone: SealedPii;
}

/** Validates the person being made admin/operator; a registered person's name must match their document. */
async function grantInput(
  input: PersonForRole,
  authorize: (union: UnionDoc) => void,
): Promise<{ payload: GrantPayload; union: UnionDoc; user: UserDoc | undefined }> {
  const union = await requireUnion(input.unionId);
  // Rights first: nothing about the person is revealed to someone who may not set roles here.
  authorize(union);
  const doc = validateDocument(input.docType, input.docNumber);
  const sealed = sealIdentity(doc);
  const docIndex = sealed.index;
  const user = await userByDocIndex(docIndex);
  if (user && user.name !== input.name) throw new AppError('INVALID_INPUT', '姓名与证件号码不匹配，请核对', 'name');
  const permissions = input.role === 'admin' ? ALL_PERMISSIONS : input.permissions;
  if (input.role === 'operator' && permissions.length === 0)
    throw new AppError('INVALID_INPUT', '请至少为操作员选择一项权限', 'permissions');
  const existing = await findById<RoleDoc>('roles', roleId(union._id, docIndex));
  if (
    existing &&
    existing.status === 'active' &&
    existing.role === input.role &&
    samePermissions(existing.permissions, permissions)
  ) {
    throw new AppError('DUPLICATE', `该人员已是本工会${input.role === 'admin' ? '管理员' : '操作员'}`);
  }
  return {
    payload: {
      unionId: union._id,
      role: input.role,
      permissions,
      name: input.name,
      docType: input.docType,
      doc: sealed,
      docIndex,
      phone: sealPhone(input.phone),
    },
    union,
    user,
  };
}

function samePermissions(a: Permission[], b: Permission[]): boolean {
  return a.length === b.length && a.every((p) => b.includes(p));
}

/** Writes the role and keeps the union's admin count exact, inside the caller's transaction. */
async function applyGrant(tx: Tx, p: GrantPayload, grantedBy: string, ctx: HandlerContext, via: string): Promise<void> {
  const union = await txGet<UnionDoc>(tx, 'unions', p.unionId);
  if (!union || union.status !== 'active') throw new AppError('CONFLICT', '该工会已注销，不能设置管理员');
  const id = roleId(p.unionId, p.docIndex);
  const before = await txGet<RoleDoc>(tx, 'roles', id);
  // The person may register later: the role waits with userId null and attaches at registration.
  const user = await userByDocIndex(p.docIndex);
  const role: Omit<RoleDoc, '_id'> = {
    userId: user?._id ?? null,
    docIndex: p.docIndex,
    name: p.name,
    docMasked: p.doc.masked,
    phone: p.phone,
    unionId: p.unionId,
    role: p.role,
    permissions: p.permissions,
    status: 'active',
    grantedBy,
    grantedAt: new Date(),
  };
  await tx.collection('roles').doc(id).set(role);
  const wasAdmin = before?.status === 'active' && before.role === 'admin';
  const isAdmin = p.role === 'admin';
  // Written inside the transaction: a concurrent grant, revoke or demotion on this union conflicts with it.
  if (wasAdmin !== isAdmin)
    await tx
      .collection('unions')
      .doc(union._id)
      .update({ adminCount: cmd().inc(isAdmin ? 1 : -1) });
  if (wasAdmin && !isAdmin && union.adminCount <= 1)
    throw new AppError('CONFLICT', '这样设置后该工会将没有管理员，请先添加新的管理员');
  await auditInTx(
    tx,
    {
      actorUserId: grantedBy,
      action: 'role:grant',
      targetType: 'role',
      targetId: id,
      unionId: p.unionId,
      detail: { role: p.role, permissions: p.permissions, via },
    },
    ctx,
  );
}

function grantLines(p: GrantPayload) {
  return [
    { label: '角色', value: p.role === 'admin' ? '管理员' : '操作员' },
    { label: '姓名', value: p.name },
    { label: DOCUMENT_TYPE_NAMES[p.docType], value: shownDocument(p.doc, p.docType) },
    { label: '手机号码', value: p.phone.masked },
    { label: '权限', value: p.permissions.map((x) => PERMISSION_NAMES[x]).join('、') },
  ];
}

/** 本级工会权限设置: an admin proposes; the superior's admin approves; until then no rights. */
export const roleGrant = defineKind({
  kind: 'roleGrant',
  reviewPermission: 'settings',
  form: PERSON_FOR_ROLE,
  async prepare(input, applicant): Promise<Prepared<GrantPayload>> {
    const { payload, union } = await grantInput(input, (u) => requireRight(applicant.actor!, u._id, 'settings'));
    return {
      reviewerUnionId: superiorOf(union),
      unionId: union._id,
      payload,
      title: `${union.name} 设置${payload.role === 'admin' ? '管理员' : '操作员'}：${payload.name}`,
      lines: grantLines(payload),
      locks: [
        { key: `role:${roleId(union._id, payload.docIndex)}`, message: '该人员已有待审核的权限申请，请勿重复提交' },
      ],
    };
  },
  async effect(tx, app, reviewer, ctx) {
    await applyGrant(tx, app.payload, reviewer.user._id, ctx, app._id);
  },
});

/** Handover (spec §六.3): the new admin applies to revoke the old one; the superior approves. */
export const roleRevoke = defineKind({
  kind: 'roleRevoke',
  reviewPermission: 'settings',
  form: object({
    unionId: str({ label: '工会', max: 64 }),
    roleId: str({ label: '要撤销的人员', max: 64 }),
    reason: str({ label: '撤销原因', min: 2, max: 200, multiline: true }),
  }),
  async prepare(input, applicant): Promise<Prepared<{ roleId: string; reason: string }>> {
    const union = await requireUnion(input.unionId);
    requireRight(applicant.actor!, union._id, 'settings');
    const role = await findById<RoleDoc>('roles', input.roleId);
    if (!role || role.unionId !== union._id || role.status !== 'active')
      throw new AppError('NOT_FOUND', '该人员不是本工会的管理员或操作员');
    if (role.role === 'admin' && union.adminCount <= 1)
      throw new AppError('CONFLICT', '撤销后该工会将没有管理员，请先添加新的管理员并待上级审核通过');
    return {
      reviewerUnionId: superiorOf(union),
      unionId: union._id,
      payload: { roleId: role._id, reason: input.reason },
      title: `${union.name} 撤销${role.role === 'admin' ? '管理员' : '操作员'}：${role.name ?? ''}`,
      lines: [
        { label: '被撤销人', value: `${role.name ?? ''}（${role.docMasked ?? ''}）` },
        { label: '撤销原因', value: input.reason },
      ],
      locks: [{ key: `role:${role._id}`, message: '该人员已有待审核的权限申请，请勿重复提交' }],
    };
  },
  async effect(tx, app, reviewer, ctx) {
    const role = await txGet<RoleDoc>(tx, 'roles', app.payload.roleId);
    if (!role || role.status !== 'active') throw new AppError('CONFLICT', '该人员的权限已被撤销');
    const union = await txGet<UnionDoc>(tx, 'unions', role.unionId);
    if (!union) throw new AppError('NOT_FOUND', '工会组织不存在');
    if (role.role === 'admin') {
      // Checked on this transaction's snapshot and written to the union document: of two crossing
      // revokes, the second writer conflicts and its retry sees one admin left.
      if (union.adminCount <= 1)
        throw new AppError('CONFLICT', '撤销后该工会将没有管理员，请先添加新的管理员并待上级审核通过');
      await tx
        .collection('unions')
        .doc(union._id)
        .update({ adminCount: cmd().inc(-1) });
    }
    await tx
      .collection('roles')
      .doc(role._id)
      .update({ status: 'revoked', revokedAt: new Date(), revokedBy: reviewer.user._id });
    await auditInTx(
      tx,
      {
        actorUserId: reviewer.user._id,
        action: 'role:revoke',
        targetType: 'role',
        targetId: role._id,
        unionId: role.unionId,
        detail: { via: app._id },
      },
      ctx,
    );
  },
});

/** 下级工会权限设置: a superior enters a subordinate's admin directly; effective at once, audited. */
export async function appointSubordinate(
  person: PersonForRole,
  actor: Actor,
  ctx: HandlerContext,
): Promise<{ roleId: string; attached: boolean }> {
  const { payload, union } = await grantInput(person, (u) => {
    if (!superiorRightOver(actor, u, 'settings')) throw new AppError('PERMISSION_DENIED', '只能为下级工会设置管理员');
  });
  await transaction((tx) => applyGrant(tx, payload, actor.user._id, ctx, 'superior'));
  const role = await findById<RoleDoc>('roles', roleId(union._id, payload.docIndex));
  return { roleId: roleId(union._id, payload.docIndex), attached: Boolean(role?.userId) };
}

/** A role entered before the person registered attaches when they do. */
export async function attachWaitingRoles(user: Pick<UserDoc, '_id' | 'docIndex'>): Promise<number> {
  const res = await db()
    .collection('roles')
    .where({ docIndex: user.docIndex, userId: null, status: 'active' })
    .update({ userId: user._id });
  return Number(res.updated ?? 0);
}
