import type { Handlers } from '../../typings/api';
import { auditLog } from '../shared/audit-view';
import { defineFunction } from '../shared/handler';
import { keysetPaging } from '../shared/paging';
import { PERSON_FOR_ROLE } from '../shared/roles/grants';
import { appoint, listRoles, setPhoneShown } from '../shared/roles/service';
import { bool, id, optional } from '../shared/validate';

/** Admins and operators (spec §六): who holds which rights, direct entry for subordinates, the audit log. */
export const actions = {
  listRoles: { input: { unionId: id('工会') }, run: listRoles },
  /** The person's fields are named at the top level in errors, as on the 本级 form (roleGrant). */
  appointSubordinate: { input: { person: (v: unknown) => PERSON_FOR_ROLE(v, '') }, run: appoint },
  setPhoneShown: { input: { unionId: id('工会'), shown: bool('是否向申请人显示手机号') }, run: setPhoneShown },
  auditLog: { input: { unionId: optional(id('工会')), ...keysetPaging }, run: auditLog },
} satisfies Handlers<'admin'>;

export const main = defineFunction(actions);
