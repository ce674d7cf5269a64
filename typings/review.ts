import type { PersonForRole } from './admin';
import type { ActionSpec } from './api';
import type { AboveSubtype, ApplicationKind, ApplicationStatus, DocumentType, UnionCategory } from './models';

/**
 * What the applicant sends as `data` for each kind of application (review.submit). The server parses
 * `data` with the kind's schema, which the compiler holds to these types.
 */
export interface UnionFormFields {
  name: string;
  unitName: string;
  creditCode: string;
  address: string;
  chairName: string;
  contactPhone: string;
  declaredMembers: number;
}

/** 工会组织登记: scanned the superior's registration code. */
export interface OrgRegisterForm extends UnionFormFields {
  code: string;
  category: UnionCategory;
  /** Only for above-grassroots unions. */
  subtype?: AboveSubtype;
}

/** 会员登记 / 入会 / 会籍转移: the union by its id (search) or its member code (scan), and the workplace. */
export interface MemberApplyForm {
  unionId?: string;
  code?: string;
  unitName: string;
}

/** 内置账号 (spec §一.4), applied for by the person's union admin with a stamped certificate. */
export interface BuiltinAccountForm {
  unionId: string;
  name: string;
  docType: DocumentType;
  docNumber: string;
  phone: string;
  reason: string;
  certificateFileId: string;
}

/** 港澳台及外籍人员注册: a document photo instead of the face check. */
export interface DocumentAccountForm {
  name: string;
  docType: DocumentType;
  docNumber: string;
  phone: string;
  smsCode: string;
  password: string;
  photoFileId: string;
}

export interface ApplicationForms {
  orgRegister: OrgRegisterForm;
  orgChange: { unionId: string; changes: Partial<UnionFormFields> };
  orgDeregister: { unionId: string; reason: string };
  memberRegister: MemberApplyForm;
  memberJoin: MemberApplyForm;
  memberTransfer: MemberApplyForm;
  roleGrant: PersonForRole;
  roleRevoke: { unionId: string; roleId: string; reason: string };
  builtinAccount: BuiltinAccountForm;
  documentAccount: DocumentAccountForm;
}

/** One kind's submission. */
export interface Submission<K extends ApplicationKind> {
  kind: K;
  data: ApplicationForms[K];
}

/** review.submit's payload: a union discriminated by `kind`, so `data` is checked against that kind's form. */
export type SubmitRequest = { [K in ApplicationKind]: Submission<K> }[ApplicationKind];

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
  submit: ActionSpec<SubmitRequest, { application: ApplicationView; replayed: boolean }>;
  withdraw: ActionSpec<{ id: string }, { application: ApplicationView }>;
  approve: ActionSpec<{ id: string }, { application: ApplicationView }>;
  reject: ActionSpec<{ id: string; reason: string }, { application: ApplicationView }>;
  batchApprove: ActionSpec<{ ids: string[] }, { results: BatchResult[] }>;
  listInbox: ActionSpec<
    { kind?: ApplicationKind; page?: number; pageSize?: number; cursor?: string },
    Page<ApplicationView> & { counts: Partial<Record<ApplicationKind, number>> }
  >;
  listMine: ActionSpec<{ status?: ApplicationStatus; page?: number; pageSize?: number }, Page<ApplicationView>>;
  detail: ActionSpec<{ id: string }, { application: ApplicationView }>;
  /** Signed temporary URLs of the application's images, for the back office (browsers cannot open cloud:// ids). */
  attachments: ActionSpec<{ id: string }, { attachments: ReviewAttachment[] }>;
}
