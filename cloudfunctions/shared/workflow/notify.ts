import { APPLICATION_KIND_NAMES, APPLICATION_STATUS_NAMES } from '../../../typings/models';
import { cmd, findMany } from '../db';
import type { BindingDoc } from '../documents';
import { sendSubscribeMessage } from '../providers/messaging';
import type { ApplicationDoc } from './kind';

/** Messages sent at once: a batch of 1,000 decisions must not wait for them one by one. */
const SENDING = 8;

/**
 * Tells each applicant of these decided applications the result, on every WeChat login they have
 * (or the openid they applied from, before having an account). One query for all their logins.
 */
export async function notifyDecided(apps: ApplicationDoc[]): Promise<void> {
  const userIds = [...new Set(apps.map((a) => a.applicantUserId).filter((u): u is string => u !== null))];
  const openids = new Map<string, string[]>();
  // A user has at most 20 logins (openidsOf's bound), so 50 users fit one page of 1,000.
  for (let i = 0; i < userIds.length; i += 50) {
    const bindings = await findMany<BindingDoc>('bindings', { userId: cmd().in(userIds.slice(i, i + 50)) }, 1000);
    for (const b of bindings) openids.set(b.userId, [...(openids.get(b.userId) ?? []), b._id]);
  }
  const messages = apps.flatMap((app) =>
    (app.applicantUserId ? (openids.get(app.applicantUserId) ?? []) : [app.applicantOpenid]).map((openid) => ({
      openid,
      template: 'reviewResult' as const,
      page: `pages/applications/index?id=${app._id}`,
      data: {
        kind: APPLICATION_KIND_NAMES[app.kind],
        status: APPLICATION_STATUS_NAMES[app.status],
        note: app.rejectReason ?? '请进入小程序查看',
      },
    })),
  );
  let next = 0;
  const sender = async () => {
    while (next < messages.length) await sendSubscribeMessage(messages[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(SENDING, messages.length) }, sender));
}
