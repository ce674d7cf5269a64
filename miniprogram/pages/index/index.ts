import type { MeResult } from '../../../typings/account';
import type { MyMembership } from '../../../typings/member';
import { call } from '../../api/client';
import { run } from '../../utils/ui';

/** Home: my membership card, what is pending, and — for role holders only — the admin entries. */
Component({
  data: {
    busy: false,
    error: '',
    loaded: false,
    me: null as MeResult | null,
    membership: null as MyMembership | null,
    tab: 'mine',
  },
  methods: {
    onLoad() {
      void this.refresh();
    },
    onShow() {
      if (this.data.loaded) void this.refresh();
    },
    async refresh() {
      await run(this, async () => {
        const me = await call('account', 'me', {});
        const membership = me.registered ? await call('member', 'my', {}) : null;
        this.setData({ me, membership, loaded: true, tab: me.showAdminTab ? this.data.tab : 'mine' });
      });
    },
    onTab(e: WechatMiniprogram.TouchEvent) {
      this.setData({ tab: String(e.currentTarget.dataset.tab) });
    },
    go(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: String(e.currentTarget.dataset.url) });
    },
  },
});
