import type { LoginSession } from '../../../typings/account';
import { call } from '../../api/client';
import { confirm, run, toast } from '../../utils/ui';

const VIA_NAMES: Record<LoginSession['via'], string> = { register: '实名注册', password: '密码登录', sms: '短信验证码登录', recover: '找回账号', document: '证件注册', qr: '后台扫码登录' };

type Row = LoginSession & { viaName: string; boundAtText: string };

function row(s: LoginSession): Row {
  const at = new Date(s.boundAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { ...s, viaName: s.channel === 'web' ? `后台系统·${VIA_NAMES[s.via]}` : VIA_NAMES[s.via], boundAtText: `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}` };
}

/** 账号与安全 → 登录设备管理: the WeChat logins of this account; end one, or all but this one. */
Component({
  data: { busy: false, error: '', loading: true, loaded: false, sessions: [] as Row[] },
  methods: {
    onLoad() {
      return this.load();
    },
    async load() {
      const res = await run(this, () => call('account', 'listSessions', {}));
      this.setData({ loading: false, loaded: Boolean(res), sessions: res ? res.sessions.map(row) : [] });
    },
    async endOne(e: WechatMiniprogram.TouchEvent) {
      if (!(await confirm('下线设备', '该微信将退出您的账号，需重新登录才能使用。确定下线吗？', '下线'))) return;
      if (await run(this, () => call('account', 'endSession', { key: String(e.currentTarget.dataset.key) }))) {
        toast('已下线');
        await this.load();
      }
    },
    async endOthers() {
      if (!(await confirm('下线其他设备', '除本机外，所有登录了您账号的微信都将退出。确定吗？', '全部下线'))) return;
      if (await run(this, () => call('account', 'endOtherSessions', {}))) {
        toast('其他设备已下线');
        await this.load();
      }
    },
  },
});
