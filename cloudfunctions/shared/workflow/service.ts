import { createHash } from 'node:crypto';
import { APPLICATION_KIND_NAMES, APPLICATION_STATUS_NAMES, type ApplicationKind, type ApplicationStatus } from '../../../typings/models';
import type { ApplicationView, BatchResult, Page, TimelineEntry } from '../../../typings/review';
import { actorOf, holdsRight, isProvinceOffice, requireActor, unionsWithRight, userOfOpenid, type Actor } from '../actor';
import { AppError } from '../app-error';
import { auditInTx } from '../audit';
import { cmd, db, findById, findMany, transaction, txGet } from '../db';
import { PLATFORM_SCOPE, type RoleDoc, type UnionDoc } from '../documents';
import type { HandlerContext } from '../handler';
import type { Applicant, ApplicationDoc, KindHandler } from './kind';
import { decrypt } from '../security/pii';
import { releaseLocks, takeLocks } from './locks';
import { approveBatch, decisionAudit, decisionChange } from './batch';
import { notifyDecided } from './notify';
import { cappedCount, keysetPage } from '../paging';
import { paging } from '../validate';
import { routeReviewer } from './routing';

/**
 * The one review service every application kind goes through. A transition is a transaction that
 * re-reads the status, so of N concurrent decisions exactly one wins and the effect runs once.
 */
const ACTION_NAMES: Record<TimelineEntry['action'], string> = { submitted: '提交申请', approved: '审核通过', rejected: '审核驳回', withdrawn: '申请人撤回' };

export class Workflow {
  constructor(private readonly kinds: Record<ApplicationKind, KindHandler>) {}

  handler(kind: ApplicationKind): KindHandler {
    const h = this.kinds[kind];
    if (!h) throw new AppError('INVALID_INPUT', '不支持的申请类型', 'kind');
    return h;
  }

  async applicant(ctx: HandlerContext, handler: KindHandler): Promise<Applicant> {
    if (!ctx.caller.openid) throw new AppError('NOT_LOGGED_IN');
    const user = (await userOfOpenid(ctx.caller.openid)) ?? null;
    if (!user && !handler.allowUnregistered) throw new AppError('NOT_LOGGED_IN');
    const actor = user ? await actorOf(ctx.caller.openid, user) : null;
    return { openid: ctx.caller.openid, user, actor };
  }

  async submit(kind: ApplicationKind, data: unknown, ctx: HandlerContext): Promise<{ application: ApplicationView; replayed: boolean }> {
    const handler = this.handler(kind);
    const applicant = await this.applicant(ctx, handler);
    // A retried tap carries the same request id: the same application id, so a replay finds the first.
    const id = ctx.requestId
      ? createHash('sha256').update(`${applicant.openid}\u0000${kind}\u0000${ctx.requestId}`).digest('hex').slice(0, 32)
      : createHash('sha256').update(`${applicant.openid}\u0000${Date.now()}\u0000${Math.random()}`).digest('hex').slice(0, 32);
    const existing = await findById<ApplicationDoc>('applications', id);
    if (existing) return { application: await this.view(existing, applicant.user?._id ?? null, applicant.openid), replayed: true };

    const prepared = await handler.prepare(data, applicant, ctx);
    const routed = await routeReviewer(prepared.reviewerUnionId);
    const now = new Date();
    const app: ApplicationDoc = {
      _id: id,
      kind,
      status: 'pending',
      version: 1,
      reviewerUnionId: routed.reviewerUnionId,
      ...(routed.routedFrom ? { routedFrom: routed.routedFrom } : {}),
      unionId: prepared.unionId,
      applicantUserId: applicant.user?._id ?? null,
      applicantOpenid: applicant.openid,
      applicantName: applicant.user?.name ?? String(prepared.payload.name ?? ''),
      payload: prepared.payload,
      title: prepared.title,
      lines: prepared.lines,
      attachments: prepared.attachments ?? [],
      locks: prepared.locks.map((l) => l.key),
      history: [{ at: now, action: 'submitted', byUserId: applicant.user?._id ?? null, byName: applicant.user?.name ?? String(prepared.payload.name ?? '') }],
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
        { actorUserId: app.applicantUserId, actorName: app.applicantName, action: `submit:${kind}`, targetType: 'application', targetId: id, unionId: app.unionId ?? app.reviewerUnionId, detail: { title: app.title } },
        ctx,
      );
      return false;
    });
    const stored = replayed ? ((await findById<ApplicationDoc>('applications', id)) as ApplicationDoc) : app;
    return { application: await this.view(stored, app.applicantUserId, applicant.openid), replayed };
  }

  canReview(actor: Actor, app: Pick<ApplicationDoc, 'kind' | 'reviewerUnionId'>): boolean {
    const { reviewPermission } = this.handler(app.kind);
    if (reviewPermission === 'platform') return app.reviewerUnionId === PLATFORM_SCOPE && isProvinceOffice(actor);
    return holdsRight(actor, app.reviewerUnionId, reviewPermission);
  }

  private async load(id: string): Promise<ApplicationDoc> {
    const app = await findById<ApplicationDoc>('applications', id);
    if (!app) throw new AppError('NOT_FOUND', '申请不存在或已被删除');
    return app;
  }

  async decide(id: string, decision: 'approved' | 'rejected', reason: string | null, ctx: HandlerContext): Promise<ApplicationView> {
    const actor = await requireActor(ctx);
    return this.view(await this.decideOne(id, decision, reason, ctx, actor), actor.user._id);
  }

  /**
   * A batch passes the application it has already loaded and collects the unions whose counts to
   * fold once at its end; a single decision loads it here.
   */
  private async decideOne(
    id: string,
    decision: 'approved' | 'rejected',
    reason: string | null,
    ctx: HandlerContext,
    actor: Actor,
    batch?: { app: ApplicationDoc; counted: Set<string> },
  ): Promise<ApplicationDoc> {
    const app = batch?.app ?? (await this.load(id));
    if (!this.canReview(actor, app)) throw new AppError('PERMISSION_DENIED', '您不是该申请的审核人，无权审核');
    if (app.status !== 'pending') throw new AppError('ALREADY_PROCESSED');
    const handler = this.handler(app.kind);
    if (decision === 'approved') await handler.beforeApprove?.(app);
    const decided = await transaction(async (tx) => {
      const current = await txGet<ApplicationDoc>(tx, 'applications', id);
      if (!current || current.status !== 'pending') throw new AppError('ALREADY_PROCESSED');
      const change = decisionChange(current, decision, actor, reason);
      await tx.collection('applications').doc(id).update(change);
      await releaseLocks(tx, current.locks);
      if (decision === 'approved') await handler.effect(tx, current, actor, ctx);
      await auditInTx(tx, decisionAudit(current, decision, actor, reason), ctx);
      return { ...current, ...change } as ApplicationDoc;
    });
    if (decision === 'approved') {
      await handler.afterApprove?.(decided, ctx);
      // A single approval leaves its shard unfolded: folding writes the union's shards, so parallel
      // approvals on one union would conflict with each other's folds. Views add the shards anyway.
      for (const unionId of handler.countedUnions?.(decided) ?? []) batch?.counted.add(unionId);
    }
    await this.notify(decided);
    return decided;
  }

  async withdraw(id: string, ctx: HandlerContext): Promise<ApplicationView> {
    if (!ctx.caller.openid) throw new AppError('NOT_LOGGED_IN');
    const user = await userOfOpenid(ctx.caller.openid);
    const app = await this.load(id);
    const mine = user ? app.applicantUserId === user._id : app.applicantUserId === null && app.applicantOpenid === ctx.caller.openid;
    if (!mine) throw new AppError('PERMISSION_DENIED', '只能撤回自己提交的申请');
    if (app.status !== 'pending') throw new AppError('ALREADY_PROCESSED', '该申请已被处理，无法撤回');
    const withdrawn = await transaction(async (tx) => {
      const current = await txGet<ApplicationDoc>(tx, 'applications', id);
      if (!current || current.status !== 'pending') throw new AppError('ALREADY_PROCESSED', '该申请已被处理，无法撤回');
      const now = new Date();
      const change = {
        status: 'withdrawn' as const,
        version: current.version + 1,
        updatedAt: now,
        decidedAt: now,
        history: [...current.history, { at: now, action: 'withdrawn' as const, byUserId: user?._id ?? null, byName: current.applicantName }],
      };
      await tx.collection('applications').doc(id).update(change);
      await releaseLocks(tx, current.locks);
      await auditInTx(
        tx,
        { actorUserId: user?._id ?? null, actorName: current.applicantName, action: `withdraw:${current.kind}`, targetType: 'application', targetId: id, unionId: current.unionId ?? current.reviewerUnionId, detail: { title: current.title } },
        ctx,
      );
      return { ...current, ...change };
    });
    return this.view(withdrawn, user?._id ?? null, ctx.caller.openid);
  }

  async batchApprove(ids: string[], ctx: HandlerContext): Promise<BatchResult[]> {
    const actor = await requireActor(ctx);
    // Authorised as a whole before anything changes: a batch holding one foreign id is refused.
    const apps = new Map<string, ApplicationDoc>();
    for (let i = 0; i < ids.length; i += 1000) {
      const found = await findMany<ApplicationDoc>('applications', { _id: cmd().in(ids.slice(i, i + 1000)) });
      for (const app of found) apps.set(app._id, app);
    }
    for (const id of ids) {
      const app = apps.get(id);
      if (!app) throw new AppError('NOT_FOUND', '申请不存在或已被删除');
      if (!this.canReview(actor, app)) throw new AppError('PERMISSION_DENIED', '批量审核中包含您无权审核的申请');
    }
    return approveBatch(
      ids.map((id) => apps.get(id) as ApplicationDoc),
      actor,
      ctx,
      { handler: (kind) => this.handler(kind), approveOne: (app, counted) => this.decideOne(app._id, 'approved', null, ctx, actor, { app, counted }) },
    );
  }

  async listInbox(kind: ApplicationKind | undefined, input: { cursor?: string; page?: number; pageSize?: number }, ctx: HandlerContext) {
    const actor = await requireActor(ctx);
    const _ = cmd();
    const clauses: Array<Record<string, unknown>> = [];
    const reviewers = new Set<string>();
    const kinds = (Object.keys(this.kinds) as ApplicationKind[]).filter((k) => !kind || k === kind);
    for (const k of kinds) {
      const perm = this.kinds[k].reviewPermission;
      const unions = perm === 'platform' ? (isProvinceOffice(actor) ? [PLATFORM_SCOPE] : []) : unionsWithRight(actor, perm);
      if (unions.length) clauses.push({ kind: k, reviewerUnionId: _.in(unions) });
      for (const u of unions) reviewers.add(u);
    }
    const p = paging(input);
    if (clauses.length === 0) return { items: [], total: 0, counts: {}, page: p.page, pageSize: p.pageSize };
    // The reviewer unions bound the index {reviewerUnionId, status, createdAt, _id}: one ordered scan
    // per union, merged, so a page of the oldest pending reads about a page whatever the backlog.
    const where = _.and([{ status: 'pending', reviewerUnionId: _.in([...reviewers]) }, _.or(clauses)]) as unknown as Record<string, unknown>;
    const coll = db().collection('applications');
    const [res, ...perKind] = await Promise.all([
      keysetPage<ApplicationDoc>(coll, where, { field: 'createdAt', dir: 'asc' }, input),
      // Per-kind counts from the keys of {reviewerUnionId, status, kind} alone, each capped.
      ...clauses.map((c) => cappedCount(coll, { ...c, status: 'pending' })),
    ]);
    const counts: Partial<Record<ApplicationKind, number>> = {};
    clauses.forEach((c, i) => {
      if (perKind[i].total) counts[c.kind as ApplicationKind] = perKind[i].total;
    });
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const items = await this.views(res.items, actor.user._id);
    return { ...res, items, total, ...(perKind.some((c) => c.totalCapped) ? { totalCapped: true } : {}), counts };
  }

  async listMine(status: ApplicationStatus | undefined, skip: number, limit: number, ctx: HandlerContext): Promise<Omit<Page<ApplicationView>, 'page' | 'pageSize'>> {
    if (!ctx.caller.openid) throw new AppError('NOT_LOGGED_IN');
    const user = await userOfOpenid(ctx.caller.openid);
    const where: Record<string, unknown> = user ? { applicantUserId: user._id } : { applicantUserId: null, applicantOpenid: ctx.caller.openid };
    if (status) where.status = status;
    const coll = db().collection('applications');
    const [res, count] = await Promise.all([coll.where(where).orderBy('createdAt', 'desc').skip(skip).limit(limit).get(), coll.where(where).count()]);
    return { items: await this.views(res.data as ApplicationDoc[], user?._id ?? null, ctx.caller.openid), total: count.total as number };
  }

  async detail(id: string, ctx: HandlerContext): Promise<ApplicationView> {
    if (!ctx.caller.openid) throw new AppError('NOT_LOGGED_IN');
    const user = await userOfOpenid(ctx.caller.openid);
    const app = await this.load(id);
    const mine = user ? app.applicantUserId === user._id : app.applicantOpenid === ctx.caller.openid;
    if (!mine) {
      const actor = user ? await actorOf(ctx.caller.openid, user) : null;
      if (!actor || !this.canReview(actor, app)) throw new AppError('PERMISSION_DENIED');
    }
    return this.view(app, user?._id ?? null, ctx.caller.openid);
  }

  private async notify(app: ApplicationDoc): Promise<void> {
    await notifyDecided([app]);
  }

  /** `viewerOpenid` lets an applicant without an account yet (document registration) withdraw their own. */
  async view(app: ApplicationDoc, viewerUserId: string | null, viewerOpenid = ''): Promise<ApplicationView> {
    return (await this.views([app], viewerUserId, viewerOpenid))[0];
  }

  async views(apps: ApplicationDoc[], viewerUserId: string | null, viewerOpenid = ''): Promise<ApplicationView[]> {
    const unionIds = [...new Set(apps.map((a) => a.reviewerUnionId).filter((u) => u !== PLATFORM_SCOPE))];
    const unions = new Map<string, UnionDoc>();
    const contacts = new Map<string, RoleDoc>();
    if (unionIds.length) {
      const [res, shown] = await Promise.all([
        db().collection('unions').where({ _id: cmd().in(unionIds) }).limit(unionIds.length).get(),
        // Admins who agreed to show their phone to applicants (spec §三.9: call the reviewing admin).
        db().collection('roles').where({ unionId: cmd().in(unionIds), role: 'admin', status: 'active', phoneShown: true }).limit(100).get(),
      ]);
      for (const u of res.data as UnionDoc[]) unions.set(u._id, u);
      for (const r of shown.data as RoleDoc[]) if (r.phone && !contacts.has(r.unionId)) contacts.set(r.unionId, r);
    }
    return apps.map((app) => {
      const reviewer = unions.get(app.reviewerUnionId);
      const admin = contacts.get(app.reviewerUnionId);
      const mine = viewerUserId !== null ? app.applicantUserId === viewerUserId : app.applicantUserId === null && viewerOpenid !== '' && app.applicantOpenid === viewerOpenid;
      return {
        id: app._id,
        kind: app.kind,
        kindName: APPLICATION_KIND_NAMES[app.kind],
        status: app.status,
        statusName: APPLICATION_STATUS_NAMES[app.status],
        title: app.title,
        lines: app.lines,
        applicantName: app.applicantName,
        reviewerUnionId: app.reviewerUnionId,
        reviewerName: reviewer?.name ?? '省总智慧工会办公室',
        ...(admin?.phone
          ? { reviewerContactPhone: decrypt(admin.phone.cipher), reviewerContactKind: 'admin' as const, reviewerContactName: `管理员 ${admin.name}` }
          : { reviewerContactPhone: reviewer?.contactPhone ?? '', reviewerContactKind: 'union' as const, reviewerContactName: reviewer?.name ?? '省总智慧工会办公室' }),
        ...(app.routedFrom ? { routedFrom: app.routedFrom } : {}),
        createdAt: new Date(app.createdAt).toISOString(),
        ...(app.decidedAt ? { decidedAt: new Date(app.decidedAt).toISOString() } : {}),
        ...(app.rejectReason ? { rejectReason: app.rejectReason } : {}),
        history: app.history.map((h) => ({
          at: new Date(h.at).toISOString(),
          action: h.action,
          actionName: ACTION_NAMES[h.action],
          byName: h.byName,
          ...(h.note ? { note: h.note } : {}),
        })),
        canWithdraw: app.status === 'pending' && mine,
        attachments: app.attachments,
      };
    });
  }
}
