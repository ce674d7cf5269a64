import type { ApplicationKind, ApplicationStatus, Permission } from '../../../typings/models';
import type { ApplicationLine, TimelineEntry } from '../../../typings/review';
import type { Actor } from '../actor';
import type { AppError } from '../app-error';
import type { Tx } from '../db';
import type { UserDoc } from '../documents';
import type { HandlerContext } from '../handler';
import type { RoutedFrom } from './routing';

export interface StoredTimelineEntry extends Omit<TimelineEntry, 'at' | 'actionName'> {
  at: Date;
  byUserId: string | null;
}

export interface ApplicationDoc {
  _id: string;
  kind: ApplicationKind;
  status: ApplicationStatus;
  version: number;
  /** The union whose admins decide, or 'platform' for the province office. */
  reviewerUnionId: string;
  /** Set when the natural reviewer had no admin and the nearest ancestor with one reviews instead. */
  routedFrom?: RoutedFrom | null;
  /** The union the application is about, for audit scoping (null when there is none yet). */
  unionId: string | null;
  applicantUserId: string | null;
  applicantOpenid: string;
  applicantName: string;
  payload: Record<string, unknown>;
  title: string;
  lines: ApplicationLine[];
  attachments: string[];
  /** Lock ids held while pending; released by any decision. */
  locks: string[];
  history: StoredTimelineEntry[];
  createdAt: Date;
  updatedAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  rejectReason: string | null;
}

/** Who submits: most kinds need a registered user; self-registration of foreign documents does not. */
export interface Applicant {
  openid: string;
  user: UserDoc | null;
  actor: Actor | null;
}

export interface Prepared {
  reviewerUnionId: string;
  unionId: string | null;
  payload: Record<string, unknown>;
  title: string;
  lines: ApplicationLine[];
  attachments?: string[];
  locks: Array<{ key: string; message: string }>;
}

export interface KindHandler {
  kind: ApplicationKind;
  /** 'platform': the province office reviews. */
  reviewPermission: Permission | 'platform';
  /** Anonymous applicants (no account yet) are allowed for this kind. */
  allowUnregistered?: boolean;
  /** Validates the input and checks the applicant may submit it. Reads only. */
  prepare(data: unknown, applicant: Applicant, ctx: HandlerContext): Promise<Prepared>;
  /** Checks that must still hold when approving; may query. */
  beforeApprove?(app: ApplicationDoc): Promise<void>;
  /** The approval's effect, in the same transaction as the status change: document operations only. */
  effect(tx: Tx, app: ApplicationDoc, reviewer: Actor, ctx: HandlerContext): Promise<void>;
  /** Idempotent follow-up after commit (e.g. matching imported rows). */
  afterApprove?(app: ApplicationDoc, ctx: HandlerContext): Promise<void>;
  /** Unions whose member count the effect moved: a batch folds their count shards once at its end. */
  countedUnions?(app: ApplicationDoc): string[];
  /**
   * batchApprove's group path (workflow/batch.ts): many pending applications approved in one
   * transaction. `effect` applies `effect`'s rules and writes to each, returning per application the
   * refusal (nothing written for it) or null; `lane` picks the member-count shard so parallel groups
   * do not conflict. `after` is afterApprove for the committed ones, once. Kinds without it go one by one.
   */
  approveMany?: {
    effect(tx: Tx, apps: ApplicationDoc[], reviewer: Actor, ctx: HandlerContext, lane: number): Promise<Array<AppError | null>>;
    after(apps: ApplicationDoc[], ctx: HandlerContext): Promise<void>;
  };
}
