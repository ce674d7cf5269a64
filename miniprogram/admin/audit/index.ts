import type { AccountRole } from '../../../typings/account';
import type { AuditRow } from '../../../typings/admin';
import { call } from '../../api/client';
import { run } from '../../utils/ui';

type Row = AuditRow & { atText: string };
const PAGE_SIZE = 20;

function withTime(r: AuditRow): Row {
  const at = new Date(r.at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return { ...r, atText: `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}` };
}

/** 操作日志: who did what in my union, by name and role, with refused attempts marked 已拒绝. */
Component({
  data: { busy: false, error: '', loading: true, loaded: false, scopes: [] as AccountRole[], unionId: '', items: [] as Row[], total: 0, page: 1 },
  methods: {
    async onLoad() {
      const me = await run(this, () => call('account', 'me', {}));
      const scopes = (me?.roles ?? []).filter((r) => r.role === 'admin' || r.role === 'provinceOffice' || r.permissions.includes('settings'));
      this.setData({ scopes, unionId: scopes[0]?.unionId ?? '' });
      await this.load(1);
    },
    onScope(e: WechatMiniprogram.TouchEvent) {
      this.setData({ unionId: String(e.currentTarget.dataset.id), items: [] });
      return this.load(1);
    },
    async load(page: number) {
      if (!this.data.unionId) return this.setData({ loading: false, loaded: true });
      const res = await run(this, () => call('admin', 'auditLog', { unionId: this.data.unionId, page, pageSize: PAGE_SIZE }));
      const rows = (res?.items ?? []).map(withTime);
      this.setData({ loading: false, loaded: Boolean(res), page, total: res?.total ?? 0, items: page === 1 ? rows : [...this.data.items, ...rows] });
    },
    more() {
      return this.load(this.data.page + 1);
    },
  },
});
