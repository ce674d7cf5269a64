import { listenForPrivacyRequests } from './utils/privacy';

/** The app shell: privacy consent routing, and an update offered as soon as WeChat has downloaded one. */
App({
  onLaunch() {
    listenForPrivacyRequests();
    if (typeof wx.getUpdateManager !== 'function') return;
    const manager = wx.getUpdateManager();
    manager.onUpdateReady(() => {
      wx.showModal({
        title: '发现新版本',
        content: '新版本已经准备好，是否重启应用？',
        confirmText: '立即重启',
        success: (res) => {
          if (res.confirm) manager.applyUpdate();
        },
      });
    });
    manager.onUpdateFailed(() => {
      wx.showModal({
        title: '版本过低',
        content: '新版本下载失败，请删除小程序后重新搜索进入，以使用最新版本。',
        showCancel: false,
      });
    });
  },
});
