import { AppError } from './app-error';
import { cmd, db } from './db';
import { optional, page, paging, str } from './validate';

/**
 * Keyset paging for long lists: the next page starts after the last row's (sort key, _id), so page
 * 5,000 costs what page 1 costs. Each list's index ends in its sort field and `_id`, which makes the
 * cursor condition a range on that index (collections.ts).
 */
export const keysetPaging = { ...page, cursor: optional(str({ label: '翻页位置', max: 400 })) };

/**
 * Counts stop here; above it a list shows "10000+". MongoDB reads every counted key, so counts are
 * written to be answered from an index's keys alone (COUNT_SCAN), never by reading documents.
 */
export const COUNT_CAP = 10_000;

const BAD_CURSOR = '翻页位置已失效，请刷新列表从第一页重新查看';

type SortValue = string | number | Date;

export interface KeysetOrder {
  field: string;
  dir: 'asc' | 'desc';
}

type Collection = ReturnType<ReturnType<typeof db>['collection']>;

export function encodeCursor(value: SortValue, id: string): string {
  const v = value instanceof Date ? { d: value.getTime() } : value;
  return Buffer.from(JSON.stringify([v, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { value: SortValue; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('INVALID_INPUT', BAD_CURSOR, 'cursor');
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[1] !== 'string' || parsed[1].length > 64)
    throw new AppError('INVALID_INPUT', BAD_CURSOR, 'cursor');
  const [v, id] = parsed as [unknown, string];
  if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return { value: v, id };
  if (v && typeof v === 'object' && typeof (v as { d?: unknown }).d === 'number')
    return { value: new Date((v as { d: number }).d), id };
  throw new AppError('INVALID_INPUT', BAD_CURSOR, 'cursor');
}

/** Rows strictly after (value, id) in the given order. */
function after(order: KeysetOrder, value: SortValue, id: string): Record<string, unknown> {
  const _ = cmd();
  const asc = order.dir === 'asc';
  return _.and([
    { [order.field]: asc ? _.gte(value) : _.lte(value) },
    _.or([{ [order.field]: asc ? _.gt(value) : _.lt(value) }, { _id: asc ? _.gt(id) : _.lt(id) }]),
  ]) as unknown as Record<string, unknown>;
}

/**
 * One page of `where` in `order` (then `_id`): after the cursor when one is given, else by page
 * number (kept for old clients; deep page numbers cost a skip). Reads one row more than the page to
 * know whether a next page exists.
 */
export async function keysetPage<T extends { _id: string }>(
  coll: Collection,
  where: Record<string, unknown>,
  order: KeysetOrder,
  input: { cursor?: string; page?: number; pageSize?: number },
): Promise<{ items: T[]; nextCursor?: string; page: number; pageSize: number }> {
  const p = paging(input);
  const _ = cmd();
  let query = input.cursor
    ? (() => {
        const c = decodeCursor(input.cursor);
        return coll.where(_.and([where, after(order, c.value, c.id)]));
      })()
    : coll.where(where);
  query = query.orderBy(order.field, order.dir).orderBy('_id', order.dir);
  if (!input.cursor && p.skip) query = query.skip(p.skip);
  const res = await query.limit(p.limit + 1).get();
  const rows = res.data as T[];
  const items = rows.slice(0, p.limit);
  const last = items.at(-1) as (T & Record<string, unknown>) | undefined;
  const nextCursor = rows.length > p.limit && last ? encodeCursor(last[order.field] as SortValue, last._id) : undefined;
  return { items, ...(nextCursor ? { nextCursor } : {}), page: p.page, pageSize: p.pageSize };
}

/** How many rows match, reading at most COUNT_CAP + 1 index keys (or documents, when not covered). */
export async function cappedCount(
  coll: Collection,
  where: Record<string, unknown>,
  cap = COUNT_CAP,
): Promise<{ total: number; totalCapped?: boolean }> {
  const res = await coll
    .aggregate()
    .match(where)
    .limit(cap + 1)
    .count('n')
    .end();
  const n = ((res.data as Array<{ n: number }>)[0]?.n ?? 0) as number;
  return n > cap ? { total: cap, totalCapped: true } : { total: n };
}
