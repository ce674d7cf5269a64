import type { MyUnion } from '../../../typings/org';
import { cmd, findMany } from '../db';
import { PLATFORM_SCOPE, type RoleDoc, type UnionDoc } from '../documents';
import { withPendingMembers } from './member-count';
import { unionView } from './unions';

/**
 * The unions an admin or operator holds a role in, each with its superior union's name: the parents
 * are read in one query for all of them, not one per union.
 */
export async function myUnions(roleDocs: RoleDoc[]): Promise<MyUnion[]> {
  // provinceOffice is only ever granted on PLATFORM_SCOPE; the guard says so to the compiler too.
  const roles = roleDocs.filter(
    (r): r is RoleDoc & { role: MyUnion['role'] } => r.unionId !== PLATFORM_SCOPE && r.role !== 'provinceOffice',
  );
  if (!roles.length) return [];
  const unions = await withPendingMembers(
    await findMany<UnionDoc>('unions', { _id: cmd().in(roles.map((r) => r.unionId)) }, roles.length),
  );
  const parentIds = [...new Set(unions.flatMap((u) => (u.parentId ? [u.parentId] : [])))];
  const parents = parentIds.length
    ? await findMany<UnionDoc>('unions', { _id: cmd().in(parentIds) }, parentIds.length, ['_id', 'name'])
    : [];
  const parentName = new Map(parents.map((p) => [p._id, p.name]));
  return roles.flatMap((r) => {
    const u = unions.find((x) => x._id === r.unionId);
    return u
      ? [
          {
            union: unionView(u, u.parentId ? (parentName.get(u.parentId) ?? '') : ''),
            role: r.role,
            permissions: r.permissions,
          },
        ]
      : [];
  });
}
