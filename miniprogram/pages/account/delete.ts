import type { DELETION_STATEMENT, OwnerProof } from '../../../typings/account';
import { call } from '../../api/client';
import { bindField, confirm, run } from '../../utils/ui';

/**
 * 注销账号: says exactly what is deleted and what the union keeps, proves the owner again (password
 * or a code to the account's phone), asks once more, then deletes.
 */
Component({
  data: { busy: false, error: '', statement: null as typeof DELETION_STATEMENT | null, hasPassword: true, method: 'password' as OwnerProof['method'], password: '', smsCode: '', sentTo: '' },
  methods: {
    async onLoad() {
      const info = await run(this, () => call('account', 'deletionInfo', {}));
      // A built-in account has no password: the code to its phone is the proof.
      if (info) this.setData({ statement: info.statement, hasPassword: info.hasPassword, method: info.hasPassword ? 'password' : 'sms' });
    },
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    onMethod(e: WechatMiniprogram.TouchEvent) {
      this.setData({ method: e.currentTarget.dataset.method as OwnerProof['method'], error: '' });
    },
    async sendCode() {
      const res = await run(this, () => call('account', 'sendOwnerCode', {}));
      if (res) this.setData({ sentTo: res.sentTo });
    },
    async remove() {
      const proof: OwnerProof = this.data.method === 'password' ? { method: 'password', password: this.data.password } : { method: 'sms', smsCode: this.data.smsCode };
      if (!(await confirm('确认注销', '注销后无法恢复，登录信息将被删除，待审核的申请将被撤回。确定注销吗？', '注销'))) return;
      const res = await run(this, () => call('account', 'deleteAccount', { proof }));
      if (res) {
        wx.showToast({ title: '账号已注销', icon: 'success' });
        wx.reLaunch({ url: '/pages/index/index' });
      }
    },
  },
});
