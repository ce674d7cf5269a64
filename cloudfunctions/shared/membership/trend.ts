import type { MemberTrendPoint } from '../../../typings/member';
import { requireActor } from '../actor';
import { cmd, db } from '../db';
import type { HandlerContext } from '../handler';
import { lastMonths, MEMBER_MONTHS, monthDocId, type MemberMonthDoc } from '../org/member-months';
import { memberScope } from './service';

export { lastMonths } from '../org/member-months';
export const TREND_MONTHS = 12;

/**
 * The 工作台's chart: per month of the last twelve, the members of the union and every union below it
 * who joined in that month and are still members, real-name and not (org/member-months.ts says why
 * that meaning). Reads the twelve monthly counter documents the roll-ups keep, whatever the size of
 * the union or its subtree; a month with no document had nobody join.
 */
export async function memberTrend(
  { unionId }: { unionId: string },
  ctx: HandlerContext,
  now = new Date(),
): Promise<{ points: MemberTrendPoint[] }> {
  const { union } = await memberScope(await requireActor(ctx), unionId);
  const months = lastMonths(now, TREND_MONTHS);
  const res = await db()
    .collection(MEMBER_MONTHS)
    .where({ _id: cmd().in(months.map((m) => monthDocId(union._id, m))) })
    .limit(TREND_MONTHS)
    .get();
  const byMonth = new Map((res.data as MemberMonthDoc[]).map((d) => [d.month, d]));
  return {
    points: months.map((month) => {
      const d = byMonth.get(month);
      return {
        month,
        realName: d?.subtreeRealName ?? 0,
        notRealName: d?.subtreeNotRealName ?? 0,
        ownRealName: d?.realName ?? 0,
        ownNotRealName: d?.notRealName ?? 0,
      };
    }),
  };
}
