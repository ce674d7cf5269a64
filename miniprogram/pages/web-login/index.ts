import { call } from '../../api/client';
import { run } from '../../utils/ui';

/**
 * 扫码登录后台系统: opened by the scan page with the scanned code; the admin confirms here and the
 * console on the PC becomes theirs. Nothing happens without the tap on 确认登录.
 */
Component({
  data: { busy: false, error: '', code: '', done: false },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ code: query.code ? decodeURIComponent(query.code) : '' });
      if (!query.code) this.setData({ error: '没有读到登录二维码，请回到电脑上刷新二维码后重新扫码' });
    },
    async confirmLogin() {
      const ok = await run(this, () => call('account', 'qrLoginConfirm', { code: this.data.code }));
      if (ok) this.setData({ done: true });
    },
    cancel() {
      wx.reLaunch({ url: '/pages/index/index' });
    },
  },
});
