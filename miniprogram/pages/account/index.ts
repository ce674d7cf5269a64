import type { AccountSummary } from '../../../typings/account';
import { call } from '../../api/client';
import { bindField, confirm, run, toast } from '../../utils/ui';

/** 账号与安全: change phone (verified by SMS), change password, log out of this WeChat. */
Component({
  data: { busy: false, error: '', account: null as AccountSummary | null, newPhone: '', smsCode: '', proofPassword: '', ownerCode: '', ownerCodeSentTo: '', oldPassword: '', newPassword: '' },
  methods: {
    async onLoad() {
      const me = await run(this, () => call('account', 'me', {}));
      if (me) this.setData({ account: me.account });
    },
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    async sendCode() {
      if (await run(this, () => call('account', 'sendSmsCode', { phone: this.data.newPhone, purpose: 'changePhone' }))) toast('验证码已发送');
    },
    async changePhone() {
      // The owner's proof: a phone in someone else's hand is not enough to move the account. An
      // account without a password (built-in) proves itself with a code to its current phone.
      const proof = this.data.account?.hasPassword === false ? { method: 'sms' as const, smsCode: this.data.ownerCode } : { method: 'password' as const, password: this.data.proofPassword };
      const res = await run(this, () => call('account', 'changePhone', { newPhone: this.data.newPhone, smsCode: this.data.smsCode, proof }));
      if (res) {
        this.setData({ account: res.account, newPhone: '', smsCode: '', proofPassword: '' });
        toast('手机号已更换');
      }
    },
    async sendOwnerCode() {
      const res = await run(this, () => call('account', 'sendOwnerCode', {}));
      if (res) this.setData({ ownerCodeSentTo: res.sentTo });
    },
    async changePassword() {
      if (await run(this, () => call('account', 'changePassword', { oldPassword: this.data.oldPassword, newPassword: this.data.newPassword }))) {
        this.setData({ oldPassword: '', newPassword: '' });
        toast('密码已修改');
      }
    },
    go(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: String(e.currentTarget.dataset.url) });
    },
    async logout() {
      if (!(await confirm('退出登录', '退出后需重新登录才能办理业务，确定退出吗？', '退出'))) return;
      if (await run(this, () => call('account', 'logout', {}))) wx.reLaunch({ url: '/pages/index/index' });
    },
  },
});
