import type { ApplicationKind, ApplicationStatus } from '../../../typings/models';
import type { ApplicationView, Page, ReviewAttachment } from '../../../typings/review';
import { actorOf, isProvinceOffice, requireActor, unionsWithRight } from '../actor';
import { AppError } from '../app-error';
import { cloudApp } from '../cloud';
import { cmd, db, findById } from '../db';
import { PLATFORM_SCOPE } from '../documents';
import type { HandlerContext } from '../handler';
import { cappedCount, keysetPage } from '../paging';
import { paging } from '../validate';
import type { ApplicationDoc } from './kind';
import { canReview, KINDS } from './registry';
import { isApplicant, views, view, viewerOf } from './views';

/** The workflow's reads: the one review inbox every admin shares, "my applications", and one application. */

export async function listInbox(
  input: { kind?: ApplicationKind; cursor?: string; page?: number; pageSize?: number },
  ctx: HandlerContext,
) {
  const actor = await requireActor(ctx);
  const _ = cmd();
  const clauses: Array<{ kind: ApplicationKind; reviewerUnionId: unknown }> = [];
  const reviewers = new Set<string>();
  const kinds = (Object.keys(KINDS) as ApplicationKind[]).filter((k) => !input.kind || k === input.kind);
  for (const k of kinds) {
    const perm = KINDS[k].reviewPermission;
    const unions =
      perm === 'platform' ? (isProvinceOffice(actor) ? [PLATFORM_SCOPE] : []) : unionsWithRight(actor, perm);
    if (unions.length) clauses.push({ kind: k, reviewerUnionId: _.in(unions) });
    for (const u of unions) reviewers.add(u);
  }
  const p = paging(input);
  if (clauses.length === 0) return { items: [], total: 0, counts: {}, page: p.page, pageSize: p.pageSize };
  // The reviewer unions bound the index {reviewerUnionId, status, createdAt, _id}: one ordered scan
  // per union, merged, so a page of the oldest pending reads about a page whatever the backlog.
  const where = _.and([
    { status: 'pending', reviewerUnionId: _.in([...reviewers]) },
    _.or(clauses),
  ]) as unknown as Record<string, unknown>;
  const coll = db().collection('applications');
  const [res, ...perKind] = await Promise.all([
    keysetPage<ApplicationDoc>(coll, where, { field: 'createdAt', dir: 'asc' }, input),
    // Per-kind counts from the keys of {reviewerUnionId, status, kind} alone, each capped.
    ...clauses.map((c) => cappedCount(coll, { ...c, status: 'pending' })),
  ]);
  const counts: Partial<Record<ApplicationKind, number>> = {};
  clauses.forEach((c, i) => {
    if (perKind[i].total) counts[c.kind] = perKind[i].total;
  });
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const items = await views(res.items, { userId: actor.user._id, openid: ctx.caller.openid });
  return { ...res, items, total, ...(perKind.some((c) => c.totalCapped) ? { totalCapped: true } : {}), counts };
}

export async function listMine(
  input: { status?: ApplicationStatus; page?: number; pageSize?: number },
  ctx: HandlerContext,
): Promise<Page<ApplicationView>> {
  const viewer = await viewerOf(ctx);
  const p = paging(input);
  const where: Record<string, unknown> = viewer.userId
    ? { applicantUserId: viewer.userId }
    : { applicantUserId: null, applicantOpenid: viewer.openid };
  if (input.status) where.status = input.status;
  const coll = db().collection('applications');
  const [res, count] = await Promise.all([
    coll.where(where).orderBy('createdAt', 'desc').skip(p.skip).limit(p.limit).get(),
    coll.where(where).count(),
  ]);
  return {
    items: await views(res.data as ApplicationDoc[], viewer),
    total: count.total as number,
    page: p.page,
    pageSize: p.pageSize,
  };
}

/** The applicant, or a reviewer of the application. */
export async function detail(input: { id: string }, ctx: HandlerContext): Promise<{ application: ApplicationView }> {
  const viewer = await viewerOf(ctx);
  const app = await findById<ApplicationDoc>('applications', input.id);
  if (!app) throw new AppError('NOT_FOUND', '申请不存在或已被删除');
  if (!isApplicant(app, viewer)) {
    const actor = viewer.user ? await actorOf(viewer.openid, viewer.user) : null;
    if (!actor || !canReview(actor, app)) throw new AppError('PERMISSION_DENIED');
  }
  return { application: await view(app, viewer) };
}

/** Short-lived: a document photo is personal data; the reviewer's page asks again when it reopens. */
const PHOTO_URL_SECONDS = 600;

/**
 * Signed temporary addresses of an application's images (the document photo of 证件注册, a
 * certificate) for a browser, which cannot open cloud:// file ids the way the mini-program does.
 * Who may see them is who may see the application: its detail decides (applicant or reviewer).
 */
export async function attachments(
  input: { id: string },
  ctx: HandlerContext,
): Promise<{ attachments: ReviewAttachment[] }> {
  const { application: app } = await detail(input, ctx);
  if (!app.attachments.length) return { attachments: [] };
  const res = await cloudApp().getTempFileURL({
    fileList: app.attachments.map((fileID) => ({ fileID, maxAge: PHOTO_URL_SECONDS })),
  });
  return {
    attachments: app.attachments.map((fileId) => {
      const found = res.fileList.find((f) => f.fileID === fileId);
      return { fileId, url: found?.code === 'SUCCESS' ? found.tempFileURL : '' };
    }),
  };
}
