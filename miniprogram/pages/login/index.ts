import { call } from '../../api/client';
import { bindField, run } from '../../utils/ui';

/** 登录 / 换绑: phone + password, or phone + SMS code; binds this WeChat to the account. */
Component({
  data: { busy: false, error: '', mode: 'password', phone: '', password: '', smsCode: '', sent: false },
  methods: {
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    onMode(e: WechatMiniprogram.TouchEvent) {
      this.setData({ mode: String(e.currentTarget.dataset.mode), error: '' });
    },
    async sendCode() {
      await run(this, async () => {
        await call('account', 'sendSmsCode', { phone: this.data.phone, purpose: 'login' });
        this.setData({ sent: true });
      });
    },
    async login() {
      const ok = await run(this, async () => {
        if (this.data.mode === 'password') await call('account', 'loginPassword', { phone: this.data.phone, password: this.data.password });
        else await call('account', 'loginSms', { phone: this.data.phone, smsCode: this.data.smsCode });
        return true;
      });
      if (ok) wx.reLaunch({ url: '/pages/index/index' });
    },
  },
});
