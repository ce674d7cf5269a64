import { APPLICATION_KIND_NAMES, type ApplicationKind } from '../../typings/models';
import type { AuditRow } from '../../typings/admin';
import type { Page } from '../../typings/review';
import { holdsRight, isProvinceOffice, requireActor } from './actor';
import { AppError } from './app-error';
import type { AuditEntry } from './audit';
import { cmd, db, findMany } from './db';
import type { HandlerContext } from './handler';
import { cappedCount, keysetPage } from './paging';
import { PLATFORM_SCOPE, type MemberDoc, type RoleDoc, type UnionDoc, type UserDoc } from './documents';

const ROLE_NAMES = { admin: '管理员', operator: '操作员', provinceOffice: '省总智慧工会办公室' } as const;

const ACTION_VERBS: Record<string, string> = {
  submit: '提交申请',
  approve: '审核通过',
  reject: '审核驳回',
  withdraw: '撤回申请',
};

/** Privileged calls as a refused row names them (`function.action`). */
const CALL_NAMES: Record<string, string> = {
  'member.list': '查看会员名单',
  'member.remove': '移出会员',
  'member.export': '导出会员信息',
  'review.approve': '审核通过',
  'review.reject': '审核驳回',
  'review.batchApprove': '批量审核',
  'review.detail': '查看申请详情',
  'review.submit': '提交申请',
  'review.withdraw': '撤回申请',
  'admin.listRoles': '查看管理员',
  'admin.appointSubordinate': '录入下级管理员',
  'admin.auditLog': '查看操作日志',
  'admin.setPhoneShown': '设置向申请人显示手机号',
  'importer.template': '下载导入模板',
  'importer.validate': '校验导入文件',
  'importer.submit': '会员导入',
  'importer.run': '继续会员导入',
  'importer.jobs': '查看导入记录',
  'org.detail': '查看工会详情',
  'org.qr': '查看工会二维码',
  'org.regenerateQr': '重新生成工会二维码',
  'org.directory': '查看工会组织目录',
};

/** Changes the functions record themselves (`domain:what`), in words. */
const CHANGE_NAMES: Record<string, string> = {
  'member:register': '会员登记入册',
  'member:join': '入会',
  'member:transfer': '会籍转入',
  'member:autoJoin': '实名注册后认领导入的会籍',
  'member:export': '导出会员信息',
  'import:submit': '提交会员导入',
  'import:done': '会员导入完成',
  'qr:regenerate': '重新生成二维码',
  'role:firstAdmin': '成为首任管理员',
  'role:grant': '授予管理员/操作员权限',
  'role:revoke': '撤销管理员/操作员权限',
  'role:phoneShown': '设置向申请人显示手机号',
  'account:register': '实名注册',
  'account:changePhone': '更换手机号',
  'account:changePassword': '修改密码',
  'account:resetPassword': '重置密码',
  'account:recover': '找回账号',
  'account:delete': '注销账号',
  'account:logout': '退出登录',
  'account:endSession': '结束一处登录',
  'account:endSessions': '结束登录',
};

/** The last part of `account:create:<how>` and `account:bind:<how>`. */
const VERIFIED_BY: Record<string, string> = { face: '人脸核身', document: '证件审核', builtin: '内置账号' };
const BOUND_VIA: Record<string, string> = {
  register: '注册',
  password: '密码登录',
  sms: '验证码登录',
  recover: '找回账号',
  document: '证件审核',
  qr: '扫码登录',
};

/** The action in words, for the log's reader: `approve:memberJoin` → 审核通过·会员入会; `member.export` → 导出会员信息. */
export function actionName(action: string): string {
  const [verb, kind, how] = action.split(':');
  if (kind && verb in ACTION_VERBS)
    return `${ACTION_VERBS[verb]}·${APPLICATION_KIND_NAMES[kind as ApplicationKind] ?? kind}`;
  if (verb === 'account' && kind === 'create' && how) return `创建账号（${VERIFIED_BY[how] ?? how}）`;
  if (verb === 'account' && kind === 'bind' && how) return `微信绑定登录（${BOUND_VIA[how] ?? how}）`;
  return CHANGE_NAMES[action] ?? CALL_NAMES[action] ?? action;
}

/** An import job as its log rows tell it: what was submitted, then what came of it. */
function importLabel(detail: Record<string, unknown> | undefined): string {
  const n = (k: string) => (typeof detail?.[k] === 'number' ? (detail[k] as number) : undefined);
  const imported = n('imported');
  if (imported !== undefined)
    return `会员导入（新增 ${imported} 人，自动入会 ${n('autoJoined') ?? 0} 人，未导入 ${(n('rejected') ?? 0) + (n('skipped') ?? 0)} 行）`;
  const rows = n('rows');
  if (rows !== undefined) return `会员导入（${rows} 行待导入，${n('rejected') ?? 0} 行未通过校验）`;
  return '会员导入';
}

async function byIds<T extends { _id: string }>(
  collection: string,
  ids: Iterable<string>,
  fields: Array<keyof T & string>,
): Promise<Map<string, T>> {
  const list = [...new Set(ids)].filter(Boolean);
  if (!list.length) return new Map();
  const rows = await findMany<T>(collection, { _id: cmd().in(list) }, list.length, fields);
  return new Map(rows.map((r) => [r._id, r]));
}

/**
 * Audit rows as a person reads them: who (name, and role in the row's union), did what, to whom or
 * what in words. Names come from the row when it was written with one (kept after an account is
 * deleted), else from the user now; targets are described by name or title, never by ID number.
 */
export async function describeAudit(entries: AuditEntry[]): Promise<AuditRow[]> {
  const actorIds = entries.map((e) => e.actorUserId).filter((id): id is string => Boolean(id));
  const targetIds = (type: string) => entries.filter((e) => e.targetType === type).map((e) => e.targetId);
  const [users, members, unions, roleTargets, roles] = await Promise.all([
    byIds<UserDoc>('users', [...actorIds, ...targetIds('user')], ['_id', 'name']),
    byIds<MemberDoc>('members', targetIds('member'), ['_id', 'name']),
    byIds<UnionDoc>('unions', targetIds('union'), ['_id', 'name']),
    byIds<RoleDoc>('roles', targetIds('role'), ['_id', 'name', 'role']),
    actorIds.length
      ? findMany<RoleDoc>('roles', { userId: cmd().in([...new Set(actorIds)]), status: 'active' }, 1000, [
          'userId',
          'unionId',
          'role',
        ])
      : Promise.resolve([] as RoleDoc[]),
  ]);
  const roleOf = (userId: string | null, unionId: string): string => {
    if (!userId) return '';
    const held = roles.filter((r) => r.userId === userId);
    const here =
      held.find((r) => r.unionId === unionId) ??
      (unionId === PLATFORM_SCOPE ? held.find((r) => r.role === 'provinceOffice') : undefined);
    if (here) return ROLE_NAMES[here.role];
    return held.length ? '其他工会管理人员' : '会员';
  };
  const targetLabel = (e: AuditEntry): string => {
    const title = typeof e.detail?.title === 'string' ? e.detail.title : '';
    if (title) return title;
    if (e.targetType === 'user')
      return (
        users.get(e.targetId)?.name ?? (e.targetId === e.actorUserId ? (e.actorName ?? '本人账号') : '已注销的账号')
      );
    if (e.targetType === 'member') return `会员 ${members.get(e.targetId)?.name ?? ''}`.trim();
    if (e.targetType === 'union') return unions.get(e.targetId)?.name ?? '工会';
    if (e.targetType === 'role') {
      const r = roleTargets.get(e.targetId);
      return r ? `${r.name}（${ROLE_NAMES[r.role]}）` : '职务';
    }
    if (e.targetType === 'importJob') return importLabel(e.detail);
    return '';
  };
  return entries.map((e) => ({
    ...e,
    at: new Date(e.at).toISOString(),
    actorName:
      e.actorName ??
      (e.actorUserId
        ? (users.get(e.actorUserId)?.name ?? '已注销的账号')
        : e.result === 'refused'
          ? '未登录的微信用户'
          : '系统'),
    actorRoleName: roleOf(e.actorUserId, e.unionId),
    targetLabel: targetLabel(e),
    actionName: actionName(e.action),
  }));
}

/** Union admins read their own union's log; the province office reads everything. */
export async function auditLog(
  input: { unionId?: string; cursor?: string; page?: number; pageSize?: number },
  ctx: HandlerContext,
): Promise<Page<AuditRow>> {
  const actor = await requireActor(ctx);
  let where: Record<string, unknown>;
  if (isProvinceOffice(actor)) where = input.unionId ? { unionId: input.unionId } : {};
  else {
    if (!input.unionId) throw new AppError('INVALID_INPUT', '请选择工会', 'unionId');
    if (!holdsRight(actor, input.unionId, 'settings'))
      throw new AppError('PERMISSION_DENIED', '只有本级工会管理员可以查看本工会的操作日志');
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
}
