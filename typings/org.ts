import type { ActionSpec } from './api';
import type { AboveSubtype, UnionCategory, UnionStatus } from './models';
import type { Page } from './review';

export interface UnionView {
  id: string;
  name: string;
  unitName: string;
  creditCode: string;
  category: UnionCategory;
  subtype: AboveSubtype | null;
  typeName: string;
  parentId: string | null;
  parentName: string;
  status: UnionStatus;
  address: string;
  chairName: string;
  contactPhone: string;
  declaredMembers: number;
  memberCount: number;
  childCount: number;
  mayHoldMembers: boolean;
}

export type QrPurpose = 'org' | 'member';

export interface ScanResult {
  purpose: QrPurpose;
  union: UnionView;
  /** The page the scan leads to. */
  next: string;
}

export interface QrInfo {
  purpose: QrPurpose;
  url: string;
  imageUrl: string;
  fileId: string;
}

export interface MyUnion {
  union: UnionView;
  role: 'admin' | 'operator';
  permissions: string[];
}

export interface OrgActions {
  scan: ActionSpec<{ code: string }, ScanResult>;
  myUnions: ActionSpec<Record<string, never>, { unions: MyUnion[] }>;
  detail: ActionSpec<
    { unionId: string },
    {
      union: UnionView;
      changeLog: Array<{ at: string; before: Record<string, unknown>; after: Record<string, unknown> }>;
    }
  >;
  qr: ActionSpec<{ unionId: string; purpose: QrPurpose }, QrInfo>;
  regenerateQr: ActionSpec<{ unionId: string; purpose: QrPurpose }, QrInfo>;
  directory: ActionSpec<
    { unionId: string; category: UnionCategory; keyword?: string; page?: number; pageSize?: number; cursor?: string },
    Page<UnionView> & { self: UnionView }
  >;
  /** 工作台 statistics from roll-up counts: the union and its direct subordinates, no member counting. */
  stats: ActionSpec<{ unionId: string }, { self: UnionStatsRow; children: UnionStatsRow[]; childrenCapped?: boolean }>;
}

/** Active members of one union and of its whole subtree, real-name and not. */
export interface UnionStatsRow {
  id: string;
  name: string;
  realName: number;
  notRealName: number;
  subtreeRealName: number;
  subtreeNotRealName: number;
  /** Active unions below this one, at every level (the 工作台's 下级工会). */
  subtreeUnions: number;
}
