import type { ActionSpec } from './api';
import type { ApplicationKind, ApplicationStatus } from './models';

/** The single application workflow as both sides see it. */
export interface ApplicationLine {
  label: string;
  value: string;
}

export interface TimelineEntry {
  at: string;
  action: 'submitted' | 'approved' | 'rejected' | 'withdrawn';
  actionName: string;
  byName: string;
  note?: string;
}

export interface ApplicationView {
  id: string;
  kind: ApplicationKind;
  kindName: string;
  status: ApplicationStatus;
  statusName: string;
  title: string;
  /** Masked where personal: what the reviewer and the applicant may see. */
  lines: ApplicationLine[];
  applicantName: string;
  reviewerUnionId: string;
  reviewerName: string;
  /** The phone a waiting applicant may call (spec §三.9): a reviewing admin's who agreed to show it, else the union's. */
  reviewerContactPhone: string;
  /** Whose phone that is: `admin` (with the admin's name) or the reviewing `union`. */
  reviewerContactKind?: 'admin' | 'union';
  reviewerContactName?: string;
  /** Set when the union that should review has no admin and a superior reviews instead; says why. */
  routedFrom?: { unionId: string; unionName: string; reason: string };
  createdAt: string;
  decidedAt?: string;
  rejectReason?: string;
  history: TimelineEntry[];
  canWithdraw: boolean;
  /** File ids of attached images (certificates, document photos), for the reviewer. */
  attachments: string[];
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  /** Opaque position after the last item: send it back as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
  /** `total` is a cap (e.g. 1000), not the exact count: show it as "1000+". */
  totalCapped?: boolean;
}

/** One image attached to an application; `url` is empty when the file is gone from storage. */
export interface ReviewAttachment {
  fileId: string;
  url: string;
}

export interface BatchResult {
  id: string;
  ok: boolean;
  message: string;
}

export interface ReviewActions {
  submit: ActionSpec<{ kind: ApplicationKind; data: Record<string, unknown> }, { application: ApplicationView; replayed: boolean }>;
  withdraw: ActionSpec<{ id: string }, { application: ApplicationView }>;
  approve: ActionSpec<{ id: string }, { application: ApplicationView }>;
  reject: ActionSpec<{ id: string; reason: string }, { application: ApplicationView }>;
  batchApprove: ActionSpec<{ ids: string[] }, { results: BatchResult[] }>;
  listInbox: ActionSpec<{ kind?: ApplicationKind; page?: number; pageSize?: number; cursor?: string }, Page<ApplicationView> & { counts: Partial<Record<ApplicationKind, number>> }>;
  listMine: ActionSpec<{ status?: ApplicationStatus; page?: number; pageSize?: number }, Page<ApplicationView>>;
  detail: ActionSpec<{ id: string }, { application: ApplicationView }>;
  /** Signed temporary URLs of the application's images, for the back office (browsers cannot open cloud:// ids). */
  attachments: ActionSpec<{ id: string }, { attachments: ReviewAttachment[] }>;
}
