import { call } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { bindField, run, toast } from '../../utils/ui';

type Mode = 'password' | 'sms' | 'reset';

/** 登录 / 换绑: phone + password, or phone + SMS code; 忘记密码 resets it by SMS. Binds this WeChat. */
Component({
  behaviors: [requestState],
  data: {
    mode: 'password' as Mode,
    phone: '',
    password: '',
    smsCode: '',
    newPassword: '',
    newPassword2: '',
    notice: '',
  },
  methods: {
    onInput(e: WechatMiniprogram.CustomEvent) {
      bindField(this, e);
    },
    onMode(e: WechatMiniprogram.CustomEvent<{ value: Mode }>) {
      this.setData({ mode: e.detail.value, error: '', fieldErrors: {}, notice: '' });
    },
    forgot() {
      this.setData({ mode: 'reset', error: '', fieldErrors: {}, smsCode: '', notice: '' });
    },
    backToLogin() {
      this.setData({ mode: 'password', error: '', fieldErrors: {} });
    },
    onCodeSent(e: WechatMiniprogram.CustomEvent<{ sentTo: string }>) {
      toast(this, `验证码已发送至 ${e.detail.sentTo}`);
    },
    onCodeFailed(e: WechatMiniprogram.CustomEvent<{ message: string; field: string }>) {
      this.setData({ [`fieldErrors.${e.detail.field}`]: e.detail.message, error: e.detail.message });
    },
    async login() {
      const ok = await run(this, async () => {
        if (this.data.mode === 'password')
          await call('account', 'loginPassword', { phone: this.data.phone, password: this.data.password });
        else await call('account', 'loginSms', { phone: this.data.phone, smsCode: this.data.smsCode });
        return true;
      });
      if (ok) wx.reLaunch({ url: '/pages/index/index' });
    },
    async reset() {
      if (this.data.newPassword !== this.data.newPassword2) {
        this.setData({ 'fieldErrors.newPassword2': '两次输入的密码不一致', error: '两次输入的密码不一致' });
        return;
      }
      const ok = await run(this, () =>
        call('account', 'resetPassword', {
          phone: this.data.phone,
          smsCode: this.data.smsCode,
          newPassword: this.data.newPassword,
        }),
      );
      if (ok) {
        this.setData({
          mode: 'password',
          password: '',
          smsCode: '',
          newPassword: '',
          newPassword2: '',
          notice: '密码已重置，请用新密码登录',
        });
        toast(this, '密码已重置', 'success');
      }
    },
  },
});
