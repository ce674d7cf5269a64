import type { DELETION_STATEMENT, OwnerProof } from '../../../typings/account';
import { call } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { bindField, confirm, run, toast } from '../../utils/ui';

/**
 * 注销账号: says exactly what is deleted and what the union keeps, proves the owner again (password
 * or a code to the account's phone), asks once more, then deletes.
 */
Component({
  behaviors: [requestState],
  data: {
    statement: null as typeof DELETION_STATEMENT | null,
    hasPassword: true,
    method: 'password' as OwnerProof['method'],
    password: '',
    smsCode: '',
    sentTo: '',
  },
  methods: {
    onLoad() {
      return this.refresh();
    },
    async refresh() {
      const info = await run(this, () => call('account', 'deletionInfo', {}));
      // A built-in account has no password: the code to its phone is the proof.
      if (info)
        this.setData({
          loaded: true,
          statement: info.statement,
          hasPassword: info.hasPassword,
          method: info.hasPassword ? 'password' : 'sms',
        });
    },
    onInput(e: WechatMiniprogram.CustomEvent) {
      bindField(this, e);
    },
    onMethod(e: WechatMiniprogram.CustomEvent<{ value: OwnerProof['method'] }>) {
      this.setData({ method: e.detail.value, error: '', fieldErrors: {} });
    },
    async sendCode() {
      const res = await run(this, () => call('account', 'sendOwnerCode', {}));
      if (res) {
        this.setData({ sentTo: res.sentTo });
        toast(this, `验证码已发送至 ${res.sentTo}`);
      }
    },
    async remove() {
      // Checked here so the message sits under the field before anything is asked.
      if (this.data.method === 'password' && !this.data.password)
        return this.setData({ 'fieldErrors.password': '请输入当前登录密码' });
      if (this.data.method === 'sms' && !this.data.smsCode)
        return this.setData({ 'fieldErrors.smsCode': '请输入短信验证码，没有收到可点“发送验证码”' });
      const proof: OwnerProof =
        this.data.method === 'password'
          ? { method: 'password', password: this.data.password }
          : { method: 'sms', smsCode: this.data.smsCode };
      if (
        !(await confirm(
          this,
          '确认注销',
          '注销后无法恢复，登录信息将被删除，待审核的申请将被撤回。确定注销吗？',
          '注销',
        ))
      )
        return;
      const res = await run(this, () => call('account', 'deleteAccount', { proof }));
      if (res) {
        toast(this, '账号已注销', 'success');
        wx.reLaunch({ url: '/pages/index/index' });
      }
    },
  },
});
