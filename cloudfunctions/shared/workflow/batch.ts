import type { ApplicationKind } from '../../../typings/models';
import type { BatchResult } from '../../../typings/review';
import type { Actor } from '../actor';
import { AppError } from '../app-error';
import { auditInTx, type AuditInput } from '../audit';
import { cmd, findMany, transaction, txGet } from '../db';
import type { HandlerContext } from '../handler';
import { foldMemberCount } from '../org/member-count';
import type { ApplicationDoc, KindHandler, StoredTimelineEntry } from './kind';
import { releaseLocks } from './locks';
import { notifyDecided } from './notify';

/**
 * batchApprove. One approval on its own is a transaction of ~18 round trips (read, status, lock,
 * the effect's reads and writes, two audit lines, count shard, commit, then roll-ups and the message);
 * 1,000 of them did not fit the review function's 20 s. Here the applications of one kind and one
 * reviewer union are approved GROUP_SIZE at a time in ONE transaction: the group's applications and
 * applicants are read in one query each, the member count moves once per group, roll-ups and
 * messages go once per group after commit. Every rule of a single approval still runs for each
 * application (kinds implement `approveMany` with the same checks as `effect`). A refused application
 * is answered alone and the rest of its group commits; a group that fails as a whole (a conflict
 * that outlasts its retries, an unexpected refusal) falls back to one-by-one approvals, so one
 * failure never stops the rest.
 */
const GROUP_SIZE = 25;
/** Groups (or single approvals) in flight at once; each writes its own member-count shard (lane). */
const PARALLEL = 4;
const GROUP_ATTEMPTS = 5;
/**
 * The review function's timeout is 20 s (cloudbaserc.json): no new group starts after this much, and
 * what is left is answered as not done yet rather than lost to a timeout with nothing answered.
 */
const BUDGET_MS = 14_000;
export const NOT_REACHED = '本次批量审核未来得及处理此申请，它仍在待审核列表中，请再次批量审核';
/** A request failed mid-way: the approval may or may not have committed, so the answer says look. */
const FAILED = '处理此申请时出错，请刷新待审核列表查看它的状态后重试';

/** The fields a decision changes on the application (one definition for single and batch). */
export function decisionChange(
  current: ApplicationDoc,
  decision: 'approved' | 'rejected',
  actor: Actor,
  reason: string | null,
  now = new Date(),
) {
  const entry: StoredTimelineEntry = {
    at: now,
    action: decision,
    byUserId: actor.user._id,
    byName: actor.user.name,
    ...(reason ? { note: reason } : {}),
  };
  return {
    status: decision,
    version: current.version + 1,
    updatedAt: now,
    decidedAt: now,
    decidedBy: actor.user._id,
    rejectReason: reason,
    history: [...current.history, entry],
  };
}

export function decisionAudit(
  current: ApplicationDoc,
  decision: 'approved' | 'rejected',
  actor: Actor,
  reason: string | null,
): AuditInput {
  return {
    actorUserId: actor.user._id,
    actorName: actor.user.name,
    action: `${decision === 'approved' ? 'approve' : 'reject'}:${current.kind}`,
    targetType: 'application',
    targetId: current._id,
    unionId: current.unionId ?? current.reviewerUnionId,
    detail: { title: current.title, ...(reason ? { reason } : {}) },
  };
}

export interface BatchDeps {
  handler(kind: ApplicationKind): KindHandler;
  /** One approval the ordinary way; adds the unions whose count it moved to `counted`. Throws AppError when refused. */
  approveOne(app: ApplicationDoc, counted: Set<string>): Promise<unknown>;
}

type Work = { group: ApplicationDoc[] } | { one: ApplicationDoc };

/** `apps` are authorised already, one per distinct id; the answers come back in their order. */
export async function approveBatch(
  apps: ApplicationDoc[],
  actor: Actor,
  ctx: HandlerContext,
  deps: BatchDeps,
): Promise<BatchResult[]> {
  const started = Date.now();
  const answers = new Map<string, BatchResult>();
  const counted = new Set<string>();
  const work: Work[] = [];
  const groups = new Map<string, ApplicationDoc[]>();
  for (const app of apps) {
    if (!deps.handler(app.kind).approveMany) {
      work.push({ one: app });
      continue;
    }
    const key = `${app.kind}\u0000${app.reviewerUnionId}`;
    const group = groups.get(key) ?? [];
    group.push(app);
    groups.set(key, group);
  }
  for (const group of groups.values())
    for (let i = 0; i < group.length; i += GROUP_SIZE) work.push({ group: group.slice(i, i + GROUP_SIZE) });

  const one = async (app: ApplicationDoc) => {
    try {
      await deps.approveOne(app, counted);
      answers.set(app._id, { id: app._id, ok: true, message: '已通过' });
    } catch (err) {
      answers.set(app._id, { id: app._id, ok: false, message: err instanceof AppError ? err.message : FAILED });
    }
  };
  let next = 0;
  const worker = async (lane: number) => {
    while (next < work.length && Date.now() - started < BUDGET_MS) {
      const item = work[next++];
      if ('one' in item) {
        await one(item.one);
        continue;
      }
      const handler = deps.handler(item.group[0].kind);
      let outcome: Awaited<ReturnType<typeof approveGroup>>;
      try {
        outcome = await approveGroup(item.group, handler, actor, ctx, lane);
      } catch {
        // Nothing of the group committed: each application gets its own chance.
        for (const app of item.group) await one(app);
        continue;
      }
      for (const [id, message] of outcome.refused) answers.set(id, { id, ok: false, message });
      for (const app of outcome.approved) answers.set(app._id, { id: app._id, ok: true, message: '已通过' });
      if (outcome.approved.length) {
        await handler.approveMany?.after(outcome.approved, ctx);
        for (const app of outcome.approved)
          for (const unionId of handler.countedUnions?.(app) ?? []) counted.add(unionId);
        await notifyDecided(outcome.approved);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, work.length) }, (_, lane) => worker(lane)));
  for (const unionId of counted) await foldMemberCount(unionId, 10);
  return apps.map((app) => answers.get(app._id) ?? { id: app._id, ok: false, message: NOT_REACHED });
}

/** One group of one kind and reviewer union, in one transaction. */
async function approveGroup(
  group: ApplicationDoc[],
  handler: KindHandler,
  actor: Actor,
  ctx: HandlerContext,
  lane: number,
) {
  const many = handler.approveMany as NonNullable<KindHandler['approveMany']>;
  const early = new Map<string, string>();
  let candidates = group;
  if (handler.beforeApprove) {
    candidates = [];
    for (const app of group) {
      try {
        await handler.beforeApprove(app);
        candidates.push(app);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        early.set(app._id, err.message);
      }
    }
  }
  if (candidates.length === 0) return { approved: [] as ApplicationDoc[], refused: early };
  const ids = candidates.map((a) => a._id);
  return transaction(async (tx) => {
    const refused = new Map(early);
    // The first read fixes the transaction's snapshot (MongoDB takes it at the first operation). The
    // query after it sees that snapshot or newer, and every application it returns is written below
    // if approved, so one that changed after the snapshot makes this transaction conflict and retry.
    await txGet(tx, 'applications', ids[0]);
    const fresh = new Map(
      (await findMany<ApplicationDoc>('applications', { _id: cmd().in(ids) }, ids.length)).map((a) => [a._id, a]),
    );
    const pending: ApplicationDoc[] = [];
    for (const id of ids) {
      const current = fresh.get(id);
      if (current?.status === 'pending') pending.push(current);
      else refused.set(id, new AppError('ALREADY_PROCESSED').message);
    }
    const refusals = pending.length ? await many.effect(tx, pending, actor, ctx, lane) : [];
    const approved: ApplicationDoc[] = [];
    const now = new Date();
    for (const [i, current] of pending.entries()) {
      const refusal = refusals[i];
      if (refusal) {
        refused.set(current._id, refusal.message);
        continue;
      }
      const change = decisionChange(current, 'approved', actor, null, now);
      await tx.collection('applications').doc(current._id).update(change);
      await releaseLocks(tx, current.locks);
      await auditInTx(tx, decisionAudit(current, 'approved', actor, null), ctx);
      approved.push({ ...current, ...change });
    }
    // A refusal may come from another reviewer deciding the same application meanwhile (its
    // membership is then already active): say it was processed, not that the applicant is elsewhere.
    const refusedPending = refusals.flatMap((r, i) => (r ? [pending[i]._id] : []));
    if (refusedPending.length) {
      const latest = await findMany<ApplicationDoc>(
        'applications',
        { _id: cmd().in(refusedPending) },
        refusedPending.length,
      );
      for (const app of latest)
        if (app.status !== 'pending') refused.set(app._id, new AppError('ALREADY_PROCESSED').message);
    }
    return { approved, refused };
  }, GROUP_ATTEMPTS);
}
