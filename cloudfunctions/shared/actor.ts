import type { Permission } from '../../typings/models';
import { AppError } from './app-error';
import { findById, findMany, findOne } from './db';
import { retrying } from './retry';
import { blindIndex } from './security/pii';
import type { BindingDoc, RoleDoc, UnionDoc, UserDoc } from './documents';
import { PLATFORM_SCOPE } from './documents';
import type { HandlerContext } from './handler';
import { bindingValid } from './account/sessions';

/** Who is calling: the WeChat openid, the user it is bound to, and that user's active roles. */
export interface Actor {
  openid: string;
  user: UserDoc;
  roles: RoleDoc[];
}

export async function userOfOpenid(openid: string): Promise<UserDoc | undefined> {
  if (!openid) return undefined;
  const binding = await findById<BindingDoc>('bindings', openid);
  if (!binding) return undefined;
  const user = await findById<UserDoc>('users', binding.userId);
  // A login made before the last password change, phone change, recovery or "end all" is dead.
  return user && user.status === 'active' && bindingValid(binding, user) ? user : undefined;
}

export async function userByPhone(phone: string): Promise<UserDoc | undefined> {
  return findOne<UserDoc>('users', { phoneIndex: blindIndex('phone', phone) });
}

export async function userByDocIndex(docIndex: string): Promise<UserDoc | undefined> {
  return findOne<UserDoc>('users', { docIndex });
}

export async function activeRoles(userId: string): Promise<RoleDoc[]> {
  return findMany<RoleDoc>('roles', { userId, status: 'active' }, 200);
}

export async function actorOf(openid: string, user: UserDoc): Promise<Actor> {
  return { openid, user, roles: await activeRoles(user._id) };
}

/**
 * The caller, or NOT_LOGGED_IN. Its reads are retried after a transient database failure (they
 * change nothing), so a brief fault does not turn every function's first step into 系统繁忙.
 */
export async function requireActor(ctx: HandlerContext): Promise<Actor> {
  const { openid } = ctx.caller;
  if (!openid) throw new AppError('NOT_LOGGED_IN');
  return retrying(async () => {
    const user = await userOfOpenid(openid);
    if (!user) throw new AppError('NOT_LOGGED_IN');
    return actorOf(openid, user);
  });
}

/** Does the actor hold this right in exactly this union (admin: all rights; operator: the chosen ones)? */
export function holdsRight(actor: Actor, unionId: string, permission: Permission): boolean {
  return actor.roles.some(
    (r) =>
      r.unionId === unionId && (r.role === 'admin' || (r.role === 'operator' && r.permissions.includes(permission))),
  );
}

export function requireRight(actor: Actor, unionId: string, permission: Permission): void {
  if (!holdsRight(actor, unionId, permission)) throw new AppError('PERMISSION_DENIED');
}

export function isProvinceOffice(actor: Actor): boolean {
  return actor.roles.some((r) => r.unionId === PLATFORM_SCOPE && r.role === 'provinceOffice');
}

/** The unions where the actor holds the right, for inbox and list queries. */
export function unionsWithRight(actor: Actor, permission: Permission): string[] {
  const ids = actor.roles.filter((r) => r.unionId !== PLATFORM_SCOPE).map((r) => r.unionId);
  return [...new Set(ids)].filter((id) => holdsRight(actor, id, permission));
}

/**
 * A superior acting on a subordinate: the right must be held in a strict ancestor of the target.
 * Never on the union itself through this path, never on siblings or ancestors.
 */
export function superiorRightOver(actor: Actor, target: Pick<UnionDoc, 'ancestors'>, permission: Permission): boolean {
  return target.ancestors.some((a) => holdsRight(actor, a, permission));
}

/** The union itself or any union above it. */
export function rightInOrAbove(
  actor: Actor,
  target: Pick<UnionDoc, '_id' | 'ancestors'>,
  permission: Permission,
): boolean {
  return holdsRight(actor, target._id, permission) || superiorRightOver(actor, target, permission);
}

export async function requireUnion(unionId: string, opts: { active?: boolean } = {}): Promise<UnionDoc> {
  const union = await findById<UnionDoc>('unions', unionId);
  if (!union) throw new AppError('NOT_FOUND', '工会组织不存在，请刷新后重试');
  if (opts.active !== false && union.status !== 'active')
    throw new AppError('CONFLICT', `“${union.name}”已注销，无法办理此业务`);
  return union;
}

export async function openidsOf(userId: string): Promise<string[]> {
  const bindings = await findMany<BindingDoc>('bindings', { userId }, 20);
  return bindings.map((b) => b._id);
}
