import type { ActionSpec } from './api';
import type { DocumentType, MemberStatus } from './models';
import type { UnionView } from './org';
import type { ApplicationView, BatchResult, Page } from './review';

export interface UnionSearchHit {
  id: string;
  name: string;
  unitName: string;
  typeName: string;
  /** Set when the hit was found through its parent (其他 / 集团公司 / 工联会, spec §三.4). */
  viaParent?: string;
}

export interface UnionSearchResult {
  hits: UnionSearchHit[];
  /** When nothing is found: the three reasons of spec §三.4, in words a worker understands. */
  notFoundReasons: string[];
}

export interface MembershipCard {
  memberId: string;
  name: string;
  unionId: string;
  unionName: string;
  unitName: string;
  status: MemberStatus;
  statusName: string;
  joinedAt: string;
  docMasked: string;
  /** What the member's QR encodes: a signed member code an admin can scan. */
  memberCode: string;
  /** The same code as a PNG data URL, drawn by the server. */
  memberQr: string;
}

export interface MyMembership {
  card: MembershipCard | null;
  pending: ApplicationView | null;
  history: Array<{
    unionName: string;
    status: MemberStatus;
    statusName: string;
    joinedAt: string;
    endedAt?: string;
    endReason?: string;
  }>;
}

export interface MemberRow {
  id: string;
  name: string;
  docType: DocumentType;
  docTypeName: string;
  /** Always masked: lists never carry full ID numbers or phones. */
  docMasked: string;
  phoneMasked: string;
  unitName: string;
  realName: boolean;
  source: string;
  joinedAt: string;
}

/**
 * Members who joined in one month (YYYY-MM, China time) and are still members, for the back office's
 * 工作台 chart: `realName` / `notRealName` over the union and all its subordinates, `own*` the union's own.
 */
export interface MemberTrendPoint {
  month: string;
  realName: number;
  notRealName: number;
  ownRealName: number;
  ownNotRealName: number;
}

export interface MemberActions {
  searchUnions: ActionSpec<{ keyword: string }, UnionSearchResult>;
  my: ActionSpec<Record<string, never>, MyMembership>;
  list: ActionSpec<
    { unionId: string; realName: boolean; keyword?: string; page?: number; pageSize?: number; cursor?: string },
    Page<MemberRow> & { union: UnionView; scope: 'own' | 'subordinate' }
  >;
  remove: ActionSpec<{ unionId: string; memberIds: string[]; reason: string }, { results: BatchResult[] }>;
  export: ActionSpec<{ unionId: string; realName: boolean }, { url: string; fileId: string; rows: number }>;
  /** The last twelve months of joins still members, oldest first, over the subtree (own union or a subordinate, as `list`). */
  trend: ActionSpec<{ unionId: string }, { points: MemberTrendPoint[] }>;
}
