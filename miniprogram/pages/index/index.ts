import type { MeResult } from '../../../typings/account';
import type { MyMembership } from '../../../typings/member';
import { call } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { rememberAdminTab, syncTabBar } from '../../utils/tabbar';
import { run } from '../../utils/ui';

/** 首页: the membership card, what is pending, or the way in (register / apply); services below. */
Component({
  behaviors: [requestState],
  data: {
    me: null as MeResult | null,
    membership: null as MyMembership | null,
  },
  methods: {
    onLoad() {
      void this.refresh();
    },
    onShow() {
      syncTabBar(this, 'pages/index/index');
      if (this.data.loaded) void this.refresh();
    },
    async refresh() {
      await run(this, async () => {
        const me = await call('account', 'me', {});
        const membership = me.registered ? await call('member', 'my', {}) : null;
        rememberAdminTab(me.showAdminTab);
        syncTabBar(this, 'pages/index/index', me.showAdminTab);
        this.setData({ me, membership, loaded: true });
      });
    },
    go(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: String(e.currentTarget.dataset.url) });
    },
  },
});
