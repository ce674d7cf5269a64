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
  action: string;
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
  auditLog: ActionSpec<{ unionId?: string; page?: number; pageSize?: number }, Page<AuditRow>>;
}
