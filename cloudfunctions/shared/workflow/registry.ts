import type { ApplicationKind } from '../../../typings/models';
import { builtinAccount, documentAccount } from '../account/kinds';
import { memberJoin, memberRegister, memberTransfer } from '../membership/kinds';
import { orgChange, orgDeregister, orgRegister } from '../org/kinds';
import { roleGrant, roleRevoke } from '../roles/grants';
import type { KindHandler } from './kind';
import { Workflow } from './service';

/** Every kind of application and where its rules live. */
export const KINDS: Record<ApplicationKind, KindHandler> = {
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

export const workflow = new Workflow(KINDS);
