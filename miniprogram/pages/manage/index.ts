import type { MeResult } from '../../../typings/account';
import { call } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { rememberAdminTab, syncTabBar } from '../../utils/tabbar';
import { run } from '../../utils/ui';

/** 管理 (tab, role holders only): the admin's entries, grouped as the back office's menu is. */
Component({
  behaviors: [requestState],
  data: { me: null as MeResult | null, roleLine: '' },
  methods: {
    onLoad() {
      void this.refresh();
    },
    onShow() {
      syncTabBar(this, 'pages/manage/index');
    },
    async refresh() {
      const me = await run(this, () => call('account', 'me', {}));
      if (!me) return;
      rememberAdminTab(me.showAdminTab);
      const names: Record<string, string> = { admin: '管理员', operator: '操作员', provinceOffice: '审核员' };
      this.setData({
        me,
        loaded: true,
        roleLine: me.roles.map((r) => `${r.unionName} · ${names[r.role] ?? r.role}`).join('\n'),
      });
    },
    go(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: String(e.currentTarget.dataset.url) });
    },
  },
});
