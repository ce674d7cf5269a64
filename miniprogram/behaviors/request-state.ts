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

/** Lists that load the next page when the user reaches the bottom (the page's `loadMore`). */
export const reachBottom = Behavior({
  methods: {
    onReachBottom() {
      const self = this as unknown as { loadMore?: () => Promise<unknown> };
      if (self.loadMore) void self.loadMore();
    },
  },
});
