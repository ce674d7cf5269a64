import { call, ClientError } from '../../api/client';
import { run } from '../../utils/ui';

/** The code cannot be confirmed any more (expired, used, or the person holds no role): rescan on the PC. */
const FINAL_ERRORS = new Set(['NOT_FOUND', 'ALREADY_PROCESSED', 'PERMISSION_DENIED', 'INVALID_INPUT']);

/**
 * 扫码登录后台系统: opened by the scan page with the scanned code; the admin confirms here and the
 * console on the PC becomes theirs. Nothing happens without the tap on 确认登录.
 */
Component({
  data: { busy: false, error: '', code: '', state: 'confirm' as 'confirm' | 'done' | 'failed' },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      if (query.code) this.setData({ code: decodeURIComponent(query.code) });
      else this.setData({ state: 'failed', error: '没有读到登录二维码，请回到电脑上刷新二维码后重新扫码' });
    },
    async confirmLogin() {
      let final = false;
      const ok = await run(this, async () => {
        try {
          return await call('account', 'qrLoginConfirm', { code: this.data.code });
        } catch (err) {
          final = err instanceof ClientError && FINAL_ERRORS.has(err.code);
          throw err;
        }
      });
      if (ok) this.setData({ state: 'done' });
      // A network failure keeps the confirm button for another try; a spent code does not.
      else if (final) this.setData({ state: 'failed' });
    },
    cancel() {
      wx.reLaunch({ url: '/pages/index/index' });
    },
  },
});
