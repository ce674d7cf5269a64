import { createHash } from 'node:crypto';
import type { ApplicationKind } from '../../../typings/models';
import type { ApplicationView, BatchResult, Submission } from '../../../typings/review';
import { actorOf, requireActor, userOfOpenid, type Actor } from '../actor';
import { AppError } from '../app-error';
import { auditInTx } from '../audit';
import { cmd, findById, findMany, transaction, txGet } from '../db';
import type { HandlerContext } from '../handler';
import { approveBatch, decisionAudit, decisionChange } from './batch';
import type { Applicant, ApplicationDoc, KindHandler } from './kind';
import { releaseLocks, takeLocks } from './locks';
import { notifyDecided } from './notify';
import { canReview, KINDS } from './registry';
import { routeReviewer } from './routing';
import { isApplicant, view, viewerOf } from './views';

/**
 * The workflow's state changes: submit, decide (approve / reject, one or a batch) and withdraw. A
 * transition is a transaction that re-reads the status, so of N concurrent decisions exactly one wins
 * and the effect runs once.
 */

async function applicantOf(ctx: HandlerContext, handler: Pick<KindHandler, 'allowUnregistered'>): Promise<Applicant> {
  if (!ctx.caller.openid) throw new AppError('NOT_LOGGED_IN');
  const user = (await userOfOpenid(ctx.caller.openid)) ?? null;
  if (!user && !handler.allowUnregistered) throw new AppError('NOT_LOGGED_IN');
  const actor = user ? await actorOf(ctx.caller.openid, user) : null;
  return { openid: ctx.caller.openid, user, actor };
}

async function load(id: string): Promise<ApplicationDoc> {
  const app = await findById<ApplicationDoc>('applications', id);
  if (!app) throw new AppError('NOT_FOUND', '申请不存在或已被删除');
  return app;
}

/** `K` ties the submission's form to its kind's handler: the form arrives already parsed by that kind's schema. */
export async function submit<K extends ApplicationKind>(
  req: Submission<K>,
  ctx: HandlerContext,
): Promise<{ application: ApplicationView; replayed: boolean }> {
  const handler = KINDS[req.kind];
  const applicant = await applicantOf(ctx, handler);
  const viewer = { userId: applicant.user?._id ?? null, openid: applicant.openid };
  // A retried tap carries the same request id: the same application id, so a replay finds the first.
  const id = ctx.requestId
    ? createHash('sha256')
        .update(`${applicant.openid}\u0000${req.kind}\u0000${ctx.requestId}`)
        .digest('hex')
        .slice(0, 32)
    : createHash('sha256')
        .update(`${applicant.openid}\u0000${Date.now()}\u0000${Math.random()}`)
        .digest('hex')
        .slice(0, 32);
  const existing = await findById<ApplicationDoc>('applications', id);
  if (existing) return { application: await view(existing, viewer), replayed: true };

  const prepared = await handler.prepare(req.data, applicant, ctx);
  const routed = await routeReviewer(prepared.reviewerUnionId);
  const now = new Date();
  const applicantName = applicant.user?.name ?? prepared.applicantName ?? '';
  const app: ApplicationDoc = {
    _id: id,
    kind: req.kind,
    status: 'pending',
    version: 1,
    reviewerUnionId: routed.reviewerUnionId,
    ...(routed.routedFrom ? { routedFrom: routed.routedFrom } : {}),
    unionId: prepared.unionId,
    applicantUserId: viewer.userId,
    applicantOpenid: applicant.openid,
    applicantName,
    payload: prepared.payload,
    title: prepared.title,
    lines: prepared.lines,
    attachments: prepared.attachments ?? [],
    locks: prepared.locks.map((l) => l.key),
    history: [{ at: now, action: 'submitted', byUserId: viewer.userId, byName: applicantName }],
    createdAt: now,
    updatedAt: now,
    decidedAt: null,
    decidedBy: null,
    rejectReason: null,
  };
  const replayed = await transaction(async (tx) => {
    if (await txGet(tx, 'applications', id)) return true;
    await takeLocks(tx, prepared.locks, id);
    await tx.collection('applications').add(app);
    await auditInTx(
      tx,
      {
        actorUserId: app.applicantUserId,
        actorName: app.applicantName,
        action: `submit:${req.kind}`,
        targetType: 'application',
        targetId: id,
        unionId: app.unionId ?? app.reviewerUnionId,
        detail: { title: app.title },
      },
      ctx,
    );
    return false;
  });
  const stored = replayed ? await load(id) : app;
  return { application: await view(stored, viewer), replayed };
}

export async function approve(input: { id: string }, ctx: HandlerContext): Promise<{ application: ApplicationView }> {
  const actor = await requireActor(ctx);
  return {
    application: await view(await decideOne(input.id, 'approved', null, ctx, actor), {
      userId: actor.user._id,
      openid: ctx.caller.openid,
    }),
  };
}

export async function reject(
  input: { id: string; reason: string },
  ctx: HandlerContext,
): Promise<{ application: ApplicationView }> {
  const actor = await requireActor(ctx);
  return {
    application: await view(await decideOne(input.id, 'rejected', input.reason, ctx, actor), {
      userId: actor.user._id,
      openid: ctx.caller.openid,
    }),
  };
}

/**
 * A batch passes the application it has already loaded and collects the unions whose counts to
 * fold once at its end; a single decision loads it here.
 */
async function decideOne(
  id: string,
  decision: 'approved' | 'rejected',
  reason: string | null,
  ctx: HandlerContext,
  actor: Actor,
  batch?: { app: ApplicationDoc; counted: Set<string> },
): Promise<ApplicationDoc> {
  const app = batch?.app ?? (await load(id));
  if (!canReview(actor, app)) throw new AppError('PERMISSION_DENIED', '您不是该申请的审核人，无权审核');
  if (app.status !== 'pending') throw new AppError('ALREADY_PROCESSED');
  const handler = KINDS[app.kind];
  if (decision === 'approved') await handler.beforeApprove?.(app);
  const decided = await transaction(async (tx) => {
    const current = await txGet<ApplicationDoc>(tx, 'applications', id);
    if (!current || current.status !== 'pending') throw new AppError('ALREADY_PROCESSED');
    const change = decisionChange(current, decision, actor, reason);
    await tx.collection('applications').doc(id).update(change);
    await releaseLocks(tx, current.locks);
    if (decision === 'approved') await handler.effect(tx, current, actor, ctx);
    await auditInTx(tx, decisionAudit(current, decision, actor, reason), ctx);
    const result: ApplicationDoc = { ...current, ...change };
    return result;
  });
  if (decision === 'approved') {
    await handler.afterApprove?.(decided, ctx);
    // A single approval leaves its shard unfolded: folding writes the union's shards, so parallel
    // approvals on one union would conflict with each other's folds. Views add the shards anyway.
    for (const unionId of handler.countedUnions?.(decided) ?? []) batch?.counted.add(unionId);
  }
  await notifyDecided([decided]);
  return decided;
}

export async function withdraw(input: { id: string }, ctx: HandlerContext): Promise<{ application: ApplicationView }> {
  const viewer = await viewerOf(ctx);
  const app = await load(input.id);
  if (!isApplicant(app, viewer)) throw new AppError('PERMISSION_DENIED', '只能撤回自己提交的申请');
  if (app.status !== 'pending') throw new AppError('ALREADY_PROCESSED', '该申请已被处理，无法撤回');
  const withdrawn = await transaction(async (tx) => {
    const current = await txGet<ApplicationDoc>(tx, 'applications', input.id);
    if (!current || current.status !== 'pending') throw new AppError('ALREADY_PROCESSED', '该申请已被处理，无法撤回');
    const now = new Date();
    const change = {
      status: 'withdrawn' as const,
      version: current.version + 1,
      updatedAt: now,
      decidedAt: now,
      history: [
        ...current.history,
        { at: now, action: 'withdrawn' as const, byUserId: viewer.userId, byName: current.applicantName },
      ],
    };
    await tx.collection('applications').doc(input.id).update(change);
    await releaseLocks(tx, current.locks);
    await auditInTx(
      tx,
      {
        actorUserId: viewer.userId,
        actorName: current.applicantName,
        action: `withdraw:${current.kind}`,
        targetType: 'application',
        targetId: input.id,
        unionId: current.unionId ?? current.reviewerUnionId,
        detail: { title: current.title },
      },
      ctx,
    );
    return { ...current, ...change };
  });
  return { application: await view(withdrawn, viewer) };
}

export async function batchApprove(input: { ids: string[] }, ctx: HandlerContext): Promise<{ results: BatchResult[] }> {
  const ids = [...new Set(input.ids)];
  const actor = await requireActor(ctx);
  // Authorised as a whole before anything changes: a batch holding one foreign id is refused.
  const apps = new Map<string, ApplicationDoc>();
  for (let i = 0; i < ids.length; i += 1000) {
    const found = await findMany<ApplicationDoc>('applications', { _id: cmd().in(ids.slice(i, i + 1000)) });
    for (const app of found) apps.set(app._id, app);
  }
  const loaded: ApplicationDoc[] = ids.map((id) => {
    const app = apps.get(id);
    if (!app) throw new AppError('NOT_FOUND', '申请不存在或已被删除');
    if (!canReview(actor, app)) throw new AppError('PERMISSION_DENIED', '批量审核中包含您无权审核的申请');
    return app;
  });
  const results = await approveBatch(loaded, actor, ctx, {
    handler: (kind) => KINDS[kind],
    approveOne: (app, counted) => decideOne(app._id, 'approved', null, ctx, actor, { app, counted }),
  });
  return { results };
}
