import { adminTabRemembered, tabsFor } from '../utils/tabbar';

/** WeChat's custom tab bar: 首页 / 管理 (role holders only) / 我的, drawn with TDesign's t-tab-bar. */
Component({
  data: { value: 'pages/index/index', tabs: tabsFor(false) },
  lifetimes: {
    attached() {
      this.setData({ tabs: tabsFor(adminTabRemembered()) });
    },
  },
  methods: {
    onChange(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      wx.switchTab({ url: `/${e.detail.value}` });
    },
  },
});
