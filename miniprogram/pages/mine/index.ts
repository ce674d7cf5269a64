import type { MeResult } from '../../../typings/account';
import { call } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { rememberAdminTab, syncTabBar } from '../../utils/tabbar';
import { run } from '../../utils/ui';

const VERIFIED_BY: Record<string, string> = { face: '人脸核身', document: '证件审核', builtin: '内置账号' };

/** 我的 (tab): who I am (masked), my applications, account security, help and the legal texts. */
Component({
  behaviors: [requestState],
  data: { me: null as MeResult | null, verifiedBy: '' },
  methods: {
    onLoad() {
      void this.refresh();
    },
    onShow() {
      syncTabBar(this, 'pages/mine/index');
    },
    async refresh() {
      const me = await run(this, () => call('account', 'me', {}));
      if (!me) return;
      rememberAdminTab(me.showAdminTab);
      this.setData({ me, loaded: true, verifiedBy: me.account ? (VERIFIED_BY[me.account.verifiedBy] ?? '') : '' });
    },
    go(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: String(e.currentTarget.dataset.url) });
    },
  },
});
