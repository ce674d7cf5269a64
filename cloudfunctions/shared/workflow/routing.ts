import { AppError } from '../app-error';
import { cmd, findById, findMany } from '../db';
import { PLATFORM_SCOPE, type RoleDoc, type UnionDoc } from '../documents';

/** Why an application is reviewed somewhere other than where its kind would send it. */
export interface RoutedFrom {
  unionId: string;
  unionName: string;
  reason: string;
}

/**
 * No application waits for nobody: when the union that should review has no registered admin, the
 * nearest ancestor that has one reviews instead (recorded so the inbox can say why); when no union
 * up the tree has one, the application is refused before it is stored, naming whom to contact.
 */
export async function routeReviewer(
  reviewerUnionId: string,
): Promise<{ reviewerUnionId: string; routedFrom: RoutedFrom | null }> {
  if (reviewerUnionId === PLATFORM_SCOPE) return { reviewerUnionId, routedFrom: null };
  const union = await findById<UnionDoc>('unions', reviewerUnionId);
  if (!union) return { reviewerUnionId, routedFrom: null };
  const chain = [union._id, ...[...union.ancestors].reverse()];
  // A role entered by a superior that waits for the person to register (userId null) reviews nothing.
  const admins = await findMany<RoleDoc>(
    'roles',
    { unionId: cmd().in(chain), role: 'admin', status: 'active', userId: cmd().neq(null) },
    500,
    ['unionId'],
  );
  const staffed = new Set(admins.map((r) => r.unionId));
  const nearest = chain.find((id) => staffed.has(id));
  if (nearest === union._id) return { reviewerUnionId, routedFrom: null };
  const contact = union.contactPhone ? `（电话 ${union.contactPhone}）` : '';
  if (!nearest) {
    throw new AppError(
      'CONFLICT',
      `“${union.name}”及其上级工会暂无管理员，暂时无法审核，请联系“${union.name}”${contact}设置管理员，或联系省总智慧工会办公室`,
    );
  }
  return {
    reviewerUnionId: nearest,
    routedFrom: { unionId: union._id, unionName: union.name, reason: `“${union.name}”暂无管理员，由上级工会代为审核` },
  };
}
