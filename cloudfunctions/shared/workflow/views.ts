import { APPLICATION_KIND_NAMES, APPLICATION_STATUS_NAMES } from '../../../typings/models';
import type { ApplicationView, TimelineEntry } from '../../../typings/review';
import { userOfOpenid } from '../actor';
import { AppError } from '../app-error';
import { cmd, db } from '../db';
import { PLATFORM_SCOPE, type RoleDoc, type UnionDoc, type UserDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { decrypt } from '../security/pii';
import type { ApplicationDoc } from './kind';

/** Who looks at an application: an account, or (document registration) only a WeChat identity so far. */
export interface Viewer {
  userId: string | null;
  openid: string;
  /** The viewer's account when it was read anyway (a reviewer's rights are looked up from it). */
  user?: UserDoc;
}

/** The caller as a viewer; every workflow action needs a WeChat identity. */
export async function viewerOf(ctx: HandlerContext): Promise<Viewer> {
  if (!ctx.caller.openid) throw new AppError('NOT_LOGGED_IN');
  const user = await userOfOpenid(ctx.caller.openid);
  return { userId: user?._id ?? null, openid: ctx.caller.openid, user };
}

/**
 * The one applicant check: an account's own applications by account; an applicant without an account
 * (document registration) by the WeChat identity that submitted, and only while no account applied.
 */
export function isApplicant(app: Pick<ApplicationDoc, 'applicantUserId' | 'applicantOpenid'>, viewer: Viewer): boolean {
  if (viewer.userId !== null) return app.applicantUserId === viewer.userId;
  return app.applicantUserId === null && viewer.openid !== '' && app.applicantOpenid === viewer.openid;
}

const ACTION_NAMES: Record<TimelineEntry['action'], string> = {
  submitted: '提交申请',
  approved: '审核通过',
  rejected: '审核驳回',
  withdrawn: '申请人撤回',
};

export async function view(app: ApplicationDoc, viewer: Viewer): Promise<ApplicationView> {
  return (await views([app], viewer))[0];
}

/** Applications as the viewer sees them, with the reviewing union and whom to call (one read per page). */
export async function views(apps: ApplicationDoc[], viewer: Viewer): Promise<ApplicationView[]> {
  const unionIds = [...new Set(apps.map((a) => a.reviewerUnionId).filter((u) => u !== PLATFORM_SCOPE))];
  const unions = new Map<string, UnionDoc>();
  const contacts = new Map<string, RoleDoc>();
  if (unionIds.length) {
    const [res, shown] = await Promise.all([
      db()
        .collection('unions')
        .where({ _id: cmd().in(unionIds) })
        .limit(unionIds.length)
        .get(),
      // Admins who agreed to show their phone to applicants (spec §三.9: call the reviewing admin).
      db()
        .collection('roles')
        .where({ unionId: cmd().in(unionIds), role: 'admin', status: 'active', phoneShown: true })
        .limit(100)
        .get(),
    ]);
    for (const u of res.data as UnionDoc[]) unions.set(u._id, u);
    for (const r of shown.data as RoleDoc[]) if (r.phone && !contacts.has(r.unionId)) contacts.set(r.unionId, r);
  }
  return apps.map((app) => {
    const reviewer = unions.get(app.reviewerUnionId);
    const admin = contacts.get(app.reviewerUnionId);
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
        ? {
            reviewerContactPhone: decrypt(admin.phone.cipher),
            reviewerContactKind: 'admin' as const,
            reviewerContactName: `管理员 ${admin.name}`,
          }
        : {
            reviewerContactPhone: reviewer?.contactPhone ?? '',
            reviewerContactKind: 'union' as const,
            reviewerContactName: reviewer?.name ?? '省总智慧工会办公室',
          }),
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
      canWithdraw: app.status === 'pending' && isApplicant(app, viewer),
      attachments: app.attachments,
    };
  });
}
