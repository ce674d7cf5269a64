import { call } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { run } from '../../utils/ui';

/**
 * 扫码: org-registration and member-registration codes, from wx.scanCode or from WeChat's own
 * scanner, which opens this page with the scanned URL in `q`.
 */
Component({
  behaviors: [requestState],
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      if (query.q) void this.resolve(decodeURIComponent(query.q));
    },
    scan() {
      wx.scanCode({
        onlyFromCamera: false,
        scanType: ['qrCode'],
        success: (r) => void this.resolve(r.result),
        fail: () => this.setData({ error: '未识别到二维码，请对准工会提供的二维码重试' }),
      });
    },
    async resolve(code: string) {
      // A back office login code goes to its confirmation page; the server checks it there.
      if (/[?&]p=login(&|$)/.test(decodeURIComponent(code)))
        return void wx.redirectTo({ url: `/pages/web-login/index?code=${encodeURIComponent(code)}` });
      const res = await run(this, () => call('org', 'scan', { code }));
      if (res) wx.redirectTo({ url: res.next });
    },
  },
});
