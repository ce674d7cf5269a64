import { computed, reactive, ref, watch, type Ref } from 'vue';
import { useRoute, useRouter, type LocationQueryRaw } from 'vue-router';
import type { Page } from '@typings/review';
import { messageOf } from './api';

export const PAGE_SIZES = [20, 50, 100];

/** What `<cursor-pager>` shows and drives: one object, so a page wires its pager with one prop. */
export interface CursorPager {
  readonly pageNo: number;
  readonly pageSize: number;
  /** "10000+" when the server stopped counting. */
  readonly totalText: string;
  readonly hasNext: boolean;
  readonly loading: boolean;
  next(): void;
  prev(): void;
  setPageSize(size: number): void;
}

/** One query-string value as a string ('' when absent or repeated). */
export function queryText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * The cursors that led to each page, per list and filter, kept for the tab's life: a refresh keeps
 * 上一页 working. The URL only holds the current page's cursor (deep pages would make it too long).
 */
function stackKey(path: string, filters: string): string {
  return `cursors:${path}:${filters}`;
}

function readStack(key: string): string[] {
  try {
    const v = JSON.parse(sessionStorage.getItem(key) ?? '[]') as unknown;
    return Array.isArray(v) && v.every((c) => typeof c === 'string') ? (v as string[]) : [];
  } catch {
    return [];
  }
}

/**
 * One server-paged table over keyset cursors (shared/paging): 上一页/下一页 instead of page numbers,
 * so page 5,000 costs what page 1 costs. Everything that picks the rows — page, cursor, page size
 * and the page's own filters (`filterKeys`) — lives in the URL query: a refresh or a shared link
 * shows the same rows. `fetch` reads the filters from the query it is given.
 */
export function useCursorPaged<T, A extends Page<T> = Page<T>>(
  filterKeys: string[],
  fetch: (q: { cursor?: string; pageSize: number; query: Record<string, string> }) => Promise<A>,
  loaded?: (answer: A) => void,
) {
  const route = useRoute();
  const router = useRouter();
  const rows = ref([]) as Ref<T[]>;
  const loading = ref(false);
  const error = ref('');
  const total = ref(0);
  const capped = ref(false);
  const nextCursor = ref<string | undefined>();

  const filters = computed(() => Object.fromEntries(filterKeys.map((k) => [k, queryText(route.query[k])])));
  const pageNo = computed(() => Math.max(1, Number.parseInt(queryText(route.query.page), 10) || 1));
  const pageSize = computed(() => {
    const n = Number.parseInt(queryText(route.query.size), 10);
    return PAGE_SIZES.includes(n) ? n : PAGE_SIZES[0];
  });
  const key = computed(() => stackKey(route.path, JSON.stringify([filters.value, pageSize.value])));
  /** "共 10000+ 条" when the server stopped counting. */
  const totalText = computed(() => (capped.value ? `${total.value}+` : String(total.value)));

  async function reload(): Promise<void> {
    loading.value = true;
    error.value = '';
    const cursor = queryText(route.query.cursor) || undefined;
    try {
      const answer = await fetch({ cursor, pageSize: pageSize.value, query: filters.value });
      rows.value = answer.items;
      total.value = answer.total;
      capped.value = answer.totalCapped === true;
      nextCursor.value = answer.nextCursor;
      loaded?.(answer);
    } catch (err) {
      error.value = messageOf(err);
      rows.value = [];
      nextCursor.value = undefined;
    } finally {
      loading.value = false;
    }
  }

  function go(query: LocationQueryRaw): void {
    const merged: LocationQueryRaw = { ...route.query, ...query };
    for (const k of Object.keys(merged)) if (merged[k] === '' || merged[k] === undefined) delete merged[k];
    void router.push({ path: route.path, query: merged });
  }

  function next(): void {
    if (!nextCursor.value) return;
    const stack = readStack(key.value).slice(0, pageNo.value - 1);
    stack[pageNo.value - 1] = queryText(route.query.cursor);
    sessionStorage.setItem(key.value, JSON.stringify(stack));
    go({ page: String(pageNo.value + 1), cursor: nextCursor.value });
  }

  function prev(): void {
    if (pageNo.value <= 1) return;
    const stack = readStack(key.value);
    const cursor = stack[pageNo.value - 2];
    // Without the trail (another tab, an old link) the way back is the first page.
    if (cursor === undefined) go({ page: undefined, cursor: undefined });
    else go({ page: pageNo.value === 2 ? undefined : String(pageNo.value - 1), cursor: cursor || undefined });
  }

  /** New filters or page size start again at the first page. */
  function search(changes: Record<string, string>): void {
    const query: LocationQueryRaw = { ...changes, page: undefined, cursor: undefined };
    const same =
      Object.entries(changes).every(([k, v]) => queryText(route.query[k]) === v) &&
      !route.query.page &&
      !route.query.cursor;
    if (same) void reload();
    else go(query);
  }

  function setPageSize(size: number): void {
    go({ size: size === PAGE_SIZES[0] ? undefined : String(size), page: undefined, cursor: undefined });
  }

  // The same page component stays mounted while its query changes (back/forward, 下一页).
  watch(
    () => route.fullPath,
    (now, before) => {
      if (now !== before && route.path === new URL(before, 'http://x').pathname) void reload();
    },
  );

  const pager: CursorPager = reactive({
    pageNo,
    pageSize,
    totalText,
    hasNext: computed(() => Boolean(nextCursor.value)),
    loading,
    next,
    prev,
    setPageSize,
  });

  return { rows, loading, error, filters, reload, search, pager };
}
