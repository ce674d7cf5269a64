import type { Permission } from '../../typings/models';
import { holdsRight, isProvinceOffice, requireActor, requireUnion, rightInOrAbove } from '../shared/actor';
import { AppError } from '../shared/app-error';
import { audit, type AuditEntry } from '../shared/audit';
import { describeAudit } from '../shared/audit-view';
import { db } from '../shared/db';
import type { RoleDoc } from '../shared/documents';
import { PLATFORM_SCOPE } from '../shared/documents';
import type { Handlers } from '../../typings/api';
import { defineFunction } from '../shared/handler';
import { appointSubordinate } from '../shared/roles/grants';
import { keysetPaging, keysetPage, cappedCount } from '../shared/paging';
import { bool, id, optional, parse, record } from '../shared/validate';

/** Admins and operators (spec §六): who holds which rights, direct entry for subordinates, the audit log. */
export const actions = {
  listRoles: async (payload, ctx) => {
    const input = parse({ unionId: id('工会') }, payload);
    const actor = await requireActor(ctx);
    const union = await requireUnion(input.unionId, { active: false });
    if (!rightInOrAbove(actor, union, 'settings')) throw new AppError('PERMISSION_DENIED', '只能查看本级及下级工会的管理员');
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
  },
  /** 下级工会权限设置: effective at once, no review; waits for the person if they are not registered. */
  appointSubordinate: async (payload, ctx) => {
    const input = parse({ person: record('人员信息') }, payload);
    const actor = await requireActor(ctx);
    return appointSubordinate(actor, input.person, ctx);
  },
  /**
   * An admin agrees (or stops agreeing) that applicants waiting on this union see their phone on the
   * waiting page (spec §三.9: the applicant may call the reviewing admin). Only one's own role.
   */
  setPhoneShown: async (payload, ctx) => {
    const input = parse({ unionId: id('工会'), shown: bool('是否向申请人显示手机号') }, payload);
    const actor = await requireActor(ctx);
    const own = actor.roles.find((r) => r.unionId === input.unionId && r.role === 'admin');
    if (!own) throw new AppError('PERMISSION_DENIED', '只有本工会管理员可以设置是否向申请人显示自己的手机号');
    await db().collection('roles').where({ _id: own._id, userId: actor.user._id, status: 'active' }).update({ phoneShown: input.shown });
    await audit({ actorUserId: actor.user._id, actorName: actor.user.name, action: 'role:phoneShown', targetType: 'role', targetId: own._id, unionId: input.unionId, detail: { shown: input.shown } }, ctx);
    return { phoneShown: input.shown };
  },
  /** Union admins read their own union's log; the province office reads everything. */
  auditLog: async (payload, ctx) => {
    const input = parse({ unionId: optional(id('工会')), ...keysetPaging }, payload);
    const actor = await requireActor(ctx);
    let where: Record<string, unknown>;
    if (isProvinceOffice(actor)) where = input.unionId ? { unionId: input.unionId } : {};
    else {
      if (!input.unionId) throw new AppError('INVALID_INPUT', '请选择工会', 'unionId');
      if (!holdsRight(actor, input.unionId, 'settings')) throw new AppError('PERMISSION_DENIED', '只有本级工会管理员可以查看本工会的操作日志');
      where = { unionId: input.unionId };
    }
    if (where.unionId === PLATFORM_SCOPE && !isProvinceOffice(actor)) throw new AppError('PERMISSION_DENIED');
    const coll = db().collection('auditLogs');
    // Newest first on {unionId, at, _id} or, for the whole province, {at, _id}.
    const [res, count] = await Promise.all([
      keysetPage<AuditEntry & { _id: string }>(coll, where, { field: 'at', dir: 'desc' }, input),
      Object.keys(where).length ? cappedCount(coll, where) : coll.count().then((c) => ({ total: c.total as number })),
    ]);
    return { ...res, items: await describeAudit(res.items), ...count };
  },
} satisfies Handlers<'admin'>;

export const main = defineFunction(actions);
