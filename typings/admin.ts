import type { ActionSpec } from './api';
import type { DocumentType, Permission, RoleName } from './models';
import type { Page } from './review';

export interface RoleRow {
  id: string;
  name: string;
  docMasked: string;
  phoneMasked: string;
  role: RoleName;
  permissions: Permission[];
  /** False while a role entered by a superior waits for the person to register. */
  registered: boolean;
  isMe: boolean;
  /** The admin agreed to show their phone to applicants waiting on this union. */
  phoneShown?: boolean;
}

export interface PersonForRole {
  unionId: string;
  role: 'admin' | 'operator';
  name: string;
  docType: DocumentType;
  docNumber: string;
  phone: string;
  permissions: Permission[];
}

/** One audit log entry: who did what to which target, when, with what result and request id. */
export interface AuditRow {
  _id: string;
  at: string;
  actorUserId: string | null;
  /** Who, in words: the actor's name as it was when acting (kept after the account is deleted). */
  actorName?: string;
  /** The actor's role in the row's union when the log is read: 管理员 / 操作员 / 省总智慧工会办公室 / 会员. */
  actorRoleName?: string;
  /** The target in words (application title, member name, union name), never an ID number or phone. */
  targetLabel?: string;
  action: string;
  /** The action in words (审核通过·会员入会), when the log is read. */
  actionName?: string;
  targetType: string;
  targetId: string;
  unionId: string;
  result: 'ok' | 'refused';
  requestId: string | null;
  detail: Record<string, unknown>;
}

export interface AdminActions {
  listRoles: ActionSpec<{ unionId: string }, { roles: RoleRow[]; adminCount: number }>;
  appointSubordinate: ActionSpec<{ person: PersonForRole }, { roleId: string; attached: boolean }>;
  setPhoneShown: ActionSpec<{ unionId: string; shown: boolean }, { phoneShown: boolean }>;
  auditLog: ActionSpec<{ unionId?: string; page?: number; pageSize?: number; cursor?: string }, Page<AuditRow>>;
}
