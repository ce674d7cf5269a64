import type { AccountRole } from '../../../typings/account';
import type { AuditRow } from '../../../typings/admin';
import { call } from '../../api/client';
import { pagedList, requestState } from '../../behaviors/request-state';
import { beijingTime } from '../../utils/format';
import { listData, loadList, type Paging } from '../../utils/paging';
import { run } from '../../utils/ui';

type Row = AuditRow & { atText: string };

/** 操作日志: who did what in my union, by name and role, with refused attempts marked 已拒绝; more at the bottom. */
Component({
  behaviors: [requestState, pagedList],
  data: { ...listData<Row>(), scopes: [] as AccountRole[], unionId: '' },
  methods: {
    async onLoad() {
      const me = await run(this, () => call('account', 'me', {}));
      if (!me) return;
      const scopes = (me.roles ?? []).filter(
        (r) => r.role === 'admin' || r.role === 'provinceOffice' || r.permissions.includes('settings'),
      );
      this.setData({ scopes, unionId: scopes[0]?.unionId ?? '' });
      if (this.data.unionId) await this.refresh();
      else this.setData({ loaded: true });
    },
    async fetch(paging: Paging) {
      const res = await call('admin', 'auditLog', { unionId: this.data.unionId, ...paging });
      return { ...res, items: res.items.map((r): Row => ({ ...r, atText: beijingTime(r.at) })) };
    },
    refresh() {
      return this.data.unionId ? loadList(this, (p) => this.fetch(p)) : Promise.resolve(undefined);
    },
    onScope(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ unionId: e.detail.value, items: [], loaded: false });
      return this.refresh();
    },
  },
});
