import type { PersonForRole, RoleRow } from '../../../typings/admin';
import type { Permission } from '../../../typings/models';
import { requireActor, requireUnion, rightInOrAbove } from '../actor';
import { AppError } from '../app-error';
import { audit } from '../audit';
import { db } from '../db';
import type { RoleDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { appointSubordinate } from './grants';

/** Admins and operators (spec §六): who holds which rights in a union, and what each admin agrees to. */

export async function listRoles(
  input: { unionId: string },
  ctx: HandlerContext,
): Promise<{ roles: RoleRow[]; adminCount: number }> {
  const actor = await requireActor(ctx);
  const union = await requireUnion(input.unionId, { active: false });
  if (!rightInOrAbove(actor, union, 'settings'))
    throw new AppError('PERMISSION_DENIED', '只能查看本级及下级工会的管理员');
  const res = await db().collection('roles').where({ unionId: union._id, status: 'active' }).limit(100).get();
  return {
    roles: (res.data as RoleDoc[]).map((r) => ({
      id: r._id,
      name: r.name ?? '',
      docMasked: r.docMasked ?? '',
      phoneMasked: r.phone?.masked ?? '',
      role: r.role,
      permissions: r.permissions as Permission[],
      registered: r.userId !== null,
      isMe: r.userId === actor.user._id,
      phoneShown: r.phoneShown === true,
    })),
    adminCount: union.adminCount,
  };
}

/** 下级工会权限设置: effective at once, no review; waits for the person if they are not registered. */
export async function appoint(
  input: { person: PersonForRole },
  ctx: HandlerContext,
): Promise<{ roleId: string; attached: boolean }> {
  return appointSubordinate(input.person, await requireActor(ctx), ctx);
}

/**
 * An admin agrees (or stops agreeing) that applicants waiting on this union see their phone on the
 * waiting page (spec §三.9: the applicant may call the reviewing admin). Only one's own role.
 */
export async function setPhoneShown(
  input: { unionId: string; shown: boolean },
  ctx: HandlerContext,
): Promise<{ phoneShown: boolean }> {
  const actor = await requireActor(ctx);
  const own = actor.roles.find((r) => r.unionId === input.unionId && r.role === 'admin');
  if (!own) throw new AppError('PERMISSION_DENIED', '只有本工会管理员可以设置是否向申请人显示自己的手机号');
  await db()
    .collection('roles')
    .where({ _id: own._id, userId: actor.user._id, status: 'active' })
    .update({ phoneShown: input.shown });
  await audit(
    {
      actorUserId: actor.user._id,
      actorName: actor.user.name,
      action: 'role:phoneShown',
      targetType: 'role',
      targetId: own._id,
      unionId: input.unionId,
      detail: { shown: input.shown },
    },
    ctx,
  );
  return { phoneShown: input.shown };
}
