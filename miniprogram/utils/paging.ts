import type { Page } from '../../typings/review';
import { run } from './ui';

/**
 * Lists that load more as the user scrolls (onReachBottom). The server's opaque `nextCursor` is sent
 * back as `cursor` when it gives one; otherwise the next page number is asked for.
 */
type Host = {
  selectComponent(selector: string): unknown;
  setData(data: Record<string, unknown>): void;
  data: Record<string, unknown>;
};
export type Paging = { page: number; pageSize: number; cursor?: string };
type Paged<T> = Page<T> & { nextCursor?: string; totalCapped?: boolean };

export const PAGE_SIZE = 20;

/** The list state every paged page starts from. */
export function listData<T>() {
  return {
    items: [] as T[],
    total: 0,
    totalText: '0',
    listPage: 0,
    nextCursor: '',
    hasMore: false,
    loadingMore: false,
  };
}

/** Loads the first page (more = false) or the next one; answers the server's response. */
export async function loadList<T, R extends Paged<T>>(
  host: Host,
  fetch: (paging: Paging) => Promise<R>,
  more = false,
): Promise<R | undefined> {
  if (more && (!host.data.hasMore || host.data.loadingMore || host.data.busy)) return undefined;
  const cursor = more ? String(host.data.nextCursor || '') : '';
  const paging: Paging = {
    page: more ? Number(host.data.listPage) + 1 : 1,
    pageSize: PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
  };
  if (more) host.setData({ loadingMore: true });
  const res = await run(host, () => fetch(paging), { silent: more });
  if (more) host.setData({ loadingMore: false });
  if (!res) return undefined;
  const items = more ? [...(host.data.items as T[]), ...res.items] : res.items;
  const hasMore = res.nextCursor ? true : items.length < res.total && res.items.length > 0;
  host.setData({
    items,
    total: res.total,
    totalText: res.totalCapped ? `${res.total}+` : String(res.total),
    listPage: paging.page,
    nextCursor: res.nextCursor ?? '',
    hasMore,
    loaded: true,
  });
  return res;
}
