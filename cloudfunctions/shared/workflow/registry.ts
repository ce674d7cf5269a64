import { builtinAccount, documentAccount } from '../account/kinds';
import { holdsRight, isProvinceOffice, type Actor } from '../actor';
import { PLATFORM_SCOPE } from '../documents';
import { memberJoin, memberRegister, memberTransfer } from '../membership/kinds';
import { orgChange, orgDeregister, orgRegister } from '../org/kinds';
import { roleGrant, roleRevoke } from '../roles/grants';
import { APPLICATION_KIND_NAMES, type ApplicationKind } from '../../../typings/models';
import type { SubmitRequest } from '../../../typings/review';
import { object, oneOf, record } from '../validate';
import type { ApplicationDoc, KindTable } from './kind';

/** Every kind of application and where its rules live. */
export const KINDS: KindTable = {
  orgRegister,
  orgChange,
  orgDeregister,
  memberRegister,
  memberJoin,
  memberTransfer,
  roleGrant,
  roleRevoke,
  builtinAccount,
  documentAccount,
};

/** Whether the actor reviews this application: the kind's right in the reviewing union (or the province office). */
export function canReview(actor: Actor, app: Pick<ApplicationDoc, 'kind' | 'reviewerUnionId'>): boolean {
  const { reviewPermission } = KINDS[app.kind];
  if (reviewPermission === 'platform') return app.reviewerUnionId === PLATFORM_SCOPE && isProvinceOffice(actor);
  return holdsRight(actor, app.reviewerUnionId, reviewPermission);
}

const KIND = oneOf<ApplicationKind>('申请类型', Object.keys(APPLICATION_KIND_NAMES) as ApplicationKind[]);
const ENVELOPE = object({ kind: KIND, data: record('申请内容') });

/** review.submit's schema: `kind` picks the schema `data` is read with, so the form arrives typed as that kind's. */
export function parseSubmission(value: unknown, field: string): SubmitRequest {
  const { kind, data } = ENVELOPE(value, field);
  return KINDS[kind].submission(data);
}
