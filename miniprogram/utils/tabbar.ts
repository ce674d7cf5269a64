/**
 * The tab bar (custom-tab-bar): 首页 and 我的 for everyone, 管理 only for people holding a role.
 * Pages remember what `account.me` said so the bar is right before the next call answers.
 */
export const TAB_PAGES = [
  { value: 'pages/index/index', label: '首页', icon: 'home', admin: false },
  { value: 'pages/manage/index', label: '管理', icon: 'control-platform', admin: true },
  { value: 'pages/mine/index', label: '我的', icon: 'user', admin: false },
];

const KEY = 'tabbar.showAdmin';

export function tabsFor(showAdmin: boolean) {
  return TAB_PAGES.filter((t) => showAdmin || !t.admin);
}

export function rememberAdminTab(showAdmin: boolean): void {
  wx.setStorageSync(KEY, showAdmin);
}

export function adminTabRemembered(): boolean {
  return Boolean(wx.getStorageSync(KEY));
}

type TabPage = { getTabBar?: () => { setData(d: Record<string, unknown>): void } | null };

/** A tab page's onShow: mark its tab and show or hide 管理. */
export function syncTabBar(page: unknown, path: string, showAdmin = adminTabRemembered()): void {
  const bar = typeof (page as TabPage).getTabBar === 'function' ? (page as TabPage).getTabBar?.() : null;
  bar?.setData({ value: path, tabs: tabsFor(showAdmin) });
}
