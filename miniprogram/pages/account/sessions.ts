import type { LoginSession } from '../../../typings/account';
import { call } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { beijingTime } from '../../utils/format';
import { confirm, run, toast } from '../../utils/ui';

const VIA_NAMES: Record<LoginSession['via'], string> = {
  register: '实名注册',
  password: '密码登录',
  sms: '短信验证码登录',
  recover: '找回账号',
  document: '证件注册',
  qr: '后台扫码登录',
};

type Row = LoginSession & { viaName: string; boundAtText: string };

function row(s: LoginSession): Row {
  return {
    ...s,
    viaName: s.channel === 'web' ? `后台系统·${VIA_NAMES[s.via]}` : VIA_NAMES[s.via],
    boundAtText: beijingTime(s.boundAt),
  };
}

/** 账号与安全 → 登录设备管理: the WeChat logins of this account; end one, or all but this one. */
Component({
  behaviors: [requestState],
  data: { sessions: [] as Row[] },
  methods: {
    onLoad() {
      return this.refresh();
    },
    async refresh() {
      const res = await run(this, () => call('account', 'listSessions', {}));
      if (res) this.setData({ loaded: true, sessions: res.sessions.map(row) });
    },
    async endOne(e: WechatMiniprogram.TouchEvent) {
      if (!(await confirm(this, '下线设备', '该微信将退出您的账号，需重新登录才能使用。确定下线吗？', '下线'))) return;
      if (await run(this, () => call('account', 'endSession', { key: String(e.currentTarget.dataset.key) }))) {
        toast(this, '已下线', 'success');
        await this.refresh();
      }
    },
    async endOthers() {
      if (!(await confirm(this, '下线其他设备', '除本机外，所有登录了您账号的微信都将退出。确定吗？', '全部下线')))
        return;
      if (await run(this, () => call('account', 'endOtherSessions', {}))) {
        toast(this, '其他设备已下线', 'success');
        await this.refresh();
      }
    },
  },
});
