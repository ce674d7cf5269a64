import type { Page } from '../../typings/review';
import { loadList, type Paging } from '../utils/paging';

/**
 * What every page that calls the server shares: the busy flag that blocks a second tap, the page's
 * error line, each field's own message, whether the first load finished, and pull-down refresh
 * (the page's `refresh`, when it has one). Calls go through utils/ui `run`, which sets these.
 */
export const requestState = Behavior({
  data: { busy: false, error: '', fieldErrors: {} as Record<string, string>, loaded: false },
  methods: {
    async onPullDownRefresh() {
      const self = this as unknown as { refresh?: () => Promise<unknown> };
      try {
        if (self.refresh) await self.refresh();
      } finally {
        wx.stopPullDownRefresh();
      }
    },
    /** Typing into a field clears that field's message. */
    clearFieldError(field: string) {
      const errors = (this.data as { fieldErrors: Record<string, string> }).fieldErrors;
      if (errors[field]) this.setData({ [`fieldErrors.${field}`]: '' });
    },
  },
});

type Lister = { fetch(paging: Paging): Promise<Page<unknown> & { nextCursor?: string }>; refresh(): Promise<unknown> };

/**
 * Paged lists (utils/paging): the next page when the user reaches the bottom, from the page's
 * `fetch(paging)`; a search keyword with clear. The page's `refresh` loads the first page.
 */
export const pagedList = Behavior({
  data: { keyword: '' },
  methods: {
    onReachBottom() {
      const self = this as unknown as Lister & {
        selectComponent(selector: string): unknown;
        setData(d: Record<string, unknown>): void;
        data: Record<string, unknown>;
      };
      return loadList(self, (p) => self.fetch(p), true);
    },
    onKeyword(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ keyword: e.detail.value });
    },
    onClear() {
      this.setData({ keyword: '' });
      return (this as unknown as Lister).refresh();
    },
  },
});
