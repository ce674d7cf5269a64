import { call } from '../../api/client';
import { verifyFace } from '../../utils/face';
import { bindField, run } from '../../utils/ui';

/**
 * 找回账号 (spec §七.4): a registered person who lost the phone passes the face check on the ID again,
 * then binds a new phone and this WeChat. Arriving from registration, the face check is already done.
 */
Component({
  data: { busy: false, error: '', step: 'identity' as 'identity' | 'phone' | 'unregistered', name: '', docNumber: '', sessionId: '', phone: '', smsCode: '', newPassword: '', countdown: 0 },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      if (query.sessionId) this.setData({ sessionId: query.sessionId, step: 'phone' });
    },
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    async startFace() {
      await run(this, async () => {
        const face = await verifyFace(this.data.name, this.data.docNumber);
        this.setData({ sessionId: face.sessionId, step: face.registered ? 'phone' : 'unregistered' });
      }, { loadingText: '人脸核身中' });
    },
    async sendCode() {
      await run(this, async () => {
        const res = await call('account', 'sendSmsCode', { phone: this.data.phone, purpose: 'recover' });
        wx.showToast({ title: `验证码已发送至 ${res.sentTo}`, icon: 'none' });
        this.setData({ countdown: res.resendAfter });
      });
    },
    async recover() {
      const res = await run(this, () =>
        call('account', 'recover', { sessionId: this.data.sessionId, phone: this.data.phone, smsCode: this.data.smsCode, ...(this.data.newPassword ? { newPassword: this.data.newPassword } : {}) }),
      );
      if (res) {
        wx.showToast({ title: '已找回，欢迎回来', icon: 'success' });
        wx.reLaunch({ url: '/pages/index/index' });
      }
    },
    goRegister() {
      wx.redirectTo({ url: '/pages/register/index' });
    },
  },
});
