import type { MemberTrendPoint } from '../../../typings/member';
import { requireActor } from '../actor';
import { db } from '../db';
import type { HandlerContext } from '../handler';
import { memberScope } from './service';

export const TREND_MONTHS = 12;
/** Months are China's: a member who joined at 02:00 on the 1st belongs to that month, not the one before. */
const CHINA_OFFSET_MS = 8 * 3600_000;

/** The last twelve months (this one included) as YYYY-MM in China time, oldest first. */
export function lastMonths(now = new Date(), count = TREND_MONTHS): string[] {
  const china = new Date(now.getTime() + CHINA_OFFSET_MS);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - i, 1));
    out.push(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
  }
  return out;
}

/**
 * Members who joined a union in each of the last twelve months, real-name and not, for the 工作台's
 * chart: one grouped query in the database, whatever the union's size.
 */
export async function memberTrend(
  { unionId }: { unionId: string },
  ctx: HandlerContext,
  now = new Date(),
): Promise<{ points: MemberTrendPoint[] }> {
  const { union } = await memberScope(await requireActor(ctx), unionId);
  const months = lastMonths(now);
  const [y, m] = months[0].split('-').map(Number);
  const since = new Date(Date.UTC(y, m - 1, 1) - CHINA_OFFSET_MS);
  const $ = db().command.aggregate;
  const res = await db()
    .collection('members')
    .aggregate()
    .match({ unionId: union._id, status: 'active', joinedAt: db().command.gte(since) })
    .project({ month: $.dateToString({ date: $.add(['$joinedAt', CHINA_OFFSET_MS]), format: '%Y-%m' }), realName: 1 })
    .group({ _id: { month: '$month', realName: '$realName' }, n: $.sum(1) })
    .end();
  const points = months.map((month) => ({ month, realName: 0, notRealName: 0 }));
  for (const g of res.data as Array<{ _id: { month: string; realName: boolean }; n: number }>) {
    const p = points.find((x) => x.month === g._id.month);
    if (p) p[g._id.realName ? 'realName' : 'notRealName'] += g.n;
  }
  return { points };
}
