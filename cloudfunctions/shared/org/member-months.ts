import type { MemberDoc } from '../documents';

/**
 * Per-union monthly member counters behind the 工作台's trend (`memberMonths`, one document per union
 * and China-time month, `_id` = `<unionId>:<YYYY-MM>`): the trend reads at most twelve documents
 * whatever the size of the union or its subtree.
 *
 * What a month's figure means: the members who joined in that month and are still members, split by
 * whether they are real-name today — the same people the member list shows with that join month. So a
 * removal or a transfer out takes its member away from the month they joined, and an imported member
 * who registers moves from 未实名 to 已实名 in their join month. Chosen over "join events per month"
 * because the chart then agrees with the member list and the 工作台's totals (the counters summed over
 * every month equal the union's roll-ups), and `npm run check` can recompute every figure from the
 * member rows exactly.
 */
export const MEMBER_MONTHS = 'memberMonths';

export const MONTH_FIELDS = ['realName', 'notRealName', 'subtreeRealName', 'subtreeNotRealName'] as const;
export type MonthField = (typeof MONTH_FIELDS)[number];

export interface MemberMonthDoc extends Record<MonthField, number> {
  _id: string;
  unionId: string;
  /** YYYY-MM, China time. */
  month: string;
}

/** Months are China's: a member who joined at 02:00 on the 1st belongs to that month, not the one before. */
export const CHINA_OFFSET_MS = 8 * 3600_000;

export function monthOf(date: Date): string {
  return new Date(new Date(date).getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 7);
}

/** The last `count` months (this one included) as YYYY-MM in China time, oldest first. */
export function lastMonths(now = new Date(), count = 12): string[] {
  const china = new Date(now.getTime() + CHINA_OFFSET_MS);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth() - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

export const monthDocId = (unionId: string, month: string) => `${unionId}:${month}`;

export function emptyMonth(unionId: string, month: string): MemberMonthDoc {
  return {
    _id: monthDocId(unionId, month),
    unionId,
    month,
    realName: 0,
    notRealName: 0,
    subtreeRealName: 0,
    subtreeNotRealName: 0,
  };
}

/**
 * What every counter must be, recounted from member rows: each active member counts in its union's
 * own figures and in the subtree figures of its union and every union above it. Used by the checker
 * (drift and repair) and by the seeds that insert member rows directly.
 */
export function monthCountersOf(
  members: Iterable<Pick<MemberDoc, 'unionId' | 'status' | 'realName' | 'joinedAt'>>,
  ancestorsOf: (unionId: string) => string[],
): Map<string, MemberMonthDoc> {
  const out = new Map<string, MemberMonthDoc>();
  const at = (unionId: string, month: string) => {
    const id = monthDocId(unionId, month);
    let doc = out.get(id);
    if (!doc) out.set(id, (doc = emptyMonth(unionId, month)));
    return doc;
  };
  for (const m of members) {
    if (m.status !== 'active') continue;
    const month = monthOf(m.joinedAt);
    at(m.unionId, month)[m.realName ? 'realName' : 'notRealName'] += 1;
    for (const id of [m.unionId, ...ancestorsOf(m.unionId)])
      at(id, month)[m.realName ? 'subtreeRealName' : 'subtreeNotRealName'] += 1;
  }
  return out;
}
