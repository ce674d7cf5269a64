import type { AccountSummary } from '../../../typings/account';
import { call } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { bindField, confirm, run, toast } from '../../utils/ui';

type Section = '' | 'phone' | 'password';

/**
 * 账号与安全: the masked identity; change phone (SMS to the new phone plus the owner's proof) or password,
 * one form open at a time; login devices, account deletion; log out of this WeChat. A WeChat user with no account is sent to register or log in instead.
 */
Component({
  behaviors: [requestState],
  data: {
    account: null as AccountSummary | null,
    registered: false,
    section: '' as Section,
    newPhone: '',
    smsCode: '',
    proofPassword: '',
    ownerCode: '',
    ownerCodeSentTo: '',
    oldPassword: '',
    newPassword: '',
  },
  methods: {
    onLoad() {
      void this.refresh();
    },
    async refresh() {
      const me = await run(this, () => call('account', 'me', {}));
      if (me) this.setData({ account: me.account, registered: me.registered, loaded: true });
    },
    onInput(e: WechatMiniprogram.CustomEvent) {
      bindField(this, e);
    },
    open(e: WechatMiniprogram.TouchEvent) {
      const section = String(e.currentTarget.dataset.section) as Section;
      this.setData({ section: this.data.section === section ? '' : section, error: '', fieldErrors: {} });
    },
    onCodeSent() {
      toast(this, '验证码已发送');
    },
    onCodeFailed(e: WechatMiniprogram.CustomEvent<{ message: string }>) {
      this.setData({ 'fieldErrors.newPhone': e.detail.message, error: e.detail.message });
    },
    async changePhone() {
      // The owner's proof: a phone in someone else's hand is not enough to move the account. An
      // account without a password (built-in) proves itself with a code to its current phone.
      const proof =
        this.data.account?.hasPassword === false
          ? { method: 'sms' as const, smsCode: this.data.ownerCode }
          : { method: 'password' as const, password: this.data.proofPassword };
      const res = await run(this, () =>
        call('account', 'changePhone', { newPhone: this.data.newPhone, smsCode: this.data.smsCode, proof }),
      );
      if (res) {
        this.setData({
          account: res.account,
          newPhone: '',
          smsCode: '',
          proofPassword: '',
          ownerCode: '',
          section: '',
        });
        toast(this, '手机号已更换');
      }
    },
    async sendOwnerCode() {
      const res = await run(this, () => call('account', 'sendOwnerCode', {}));
      if (res) this.setData({ ownerCodeSentTo: res.sentTo });
    },
    async changePassword() {
      if (
        await run(this, () =>
          call('account', 'changePassword', { oldPassword: this.data.oldPassword, newPassword: this.data.newPassword }),
        )
      ) {
        this.setData({ oldPassword: '', newPassword: '', section: '' });
        toast(this, '密码已修改');
      }
    },
    async logout() {
      if (!(await confirm(this, '退出登录', '退出后需重新登录才能办理业务，确定退出吗？', '退出'))) return;
      if (await run(this, () => call('account', 'logout', {}))) wx.reLaunch({ url: '/pages/index/index' });
    },
    go(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: String(e.currentTarget.dataset.url) });
    },
  },
});
