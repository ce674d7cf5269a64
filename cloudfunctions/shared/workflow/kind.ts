import type { ApplicationKind, ApplicationStatus, Permission } from '../../../typings/models';
import type { FieldParser } from '../../../typings/api';
import type { ApplicationForms, ApplicationLine, Submission, TimelineEntry } from '../../../typings/review';
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

/** An application as stored; `P` is its kind's payload (what approval needs, sealed where personal). */
export interface ApplicationDoc<P = unknown> {
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
  payload: P;
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

export interface Prepared<P> {
  reviewerUnionId: string;
  unionId: string | null;
  payload: P;
  /** Who applies, for an applicant without an account yet (document registration). */
  applicantName?: string;
  title: string;
  lines: ApplicationLine[];
  attachments?: string[];
  locks: Array<{ key: string; message: string }>;
}

/**
 * One kind of application. `K` ties the handler to its kind and its form (`ApplicationForms[K]` in
 * typings/review.ts); `P` is the payload it stores and reads back at approval, so no kind casts.
 */
export interface KindHandler<K extends ApplicationKind = ApplicationKind, P = unknown> {
  kind: K;
  /** 'platform': the province office reviews. */
  reviewPermission: Permission | 'platform';
  /** Anonymous applicants (no account yet) are allowed for this kind. */
  allowUnregistered?: boolean;
  /** The form's schema: `data` parsed into this kind's contract type (review.submit's entry runs it). */
  form: FieldParser<ApplicationForms[K]>;
  /** Checks the applicant may submit the form and prepares what to store. Reads only. */
  prepare(form: ApplicationForms[K], applicant: Applicant, ctx: HandlerContext): Promise<Prepared<P>>;
  /** Checks that must still hold when approving; may query. */
  beforeApprove?(app: ApplicationDoc<P>): Promise<void>;
  /** The approval's effect, in the same transaction as the status change: document operations only. */
  effect(tx: Tx, app: ApplicationDoc<P>, reviewer: Actor, ctx: HandlerContext): Promise<void>;
  /** Idempotent follow-up after commit (e.g. matching imported rows). */
  afterApprove?(app: ApplicationDoc<P>, ctx: HandlerContext): Promise<void>;
  /** Unions whose member count the effect moved: a batch folds their count shards once at its end. */
  countedUnions?(app: ApplicationDoc<P>): string[];
  /**
   * batchApprove's group path (workflow/batch.ts): many pending applications approved in one
   * transaction. `effect` applies `effect`'s rules and writes to each, returning per application the
   * refusal (nothing written for it) or null; `lane` picks the member-count shard so parallel groups
   * do not conflict. `after` is afterApprove for the committed ones, once. Kinds without it go one by one.
   */
  approveMany?: {
    effect(
      tx: Tx,
      apps: ApplicationDoc<P>[],
      reviewer: Actor,
      ctx: HandlerContext,
      lane: number,
    ): Promise<Array<AppError | null>>;
    after(apps: ApplicationDoc<P>[], ctx: HandlerContext): Promise<void>;
  };
}

/** A handler with its submission reader: `data` read by the kind's own schema into `Submission<K>`. */
export interface Kind<K extends ApplicationKind = ApplicationKind, P = unknown> extends KindHandler<K, P> {
  submission(data: unknown): Submission<K>;
}

/** Declares a kind; K and P come from the literal, so each kind reads its own form and payload. */
export function defineKind<K extends ApplicationKind, P>(handler: KindHandler<K, P>): Kind<K, P> {
  return { ...handler, submission: (data) => ({ kind: handler.kind, data: handler.form(data, '') }) };
}

/** Every kind and its handler: indexing by a kind gives that kind's handler, form and payload types. */
export type KindTable = { [K in ApplicationKind]: Kind<K> };
