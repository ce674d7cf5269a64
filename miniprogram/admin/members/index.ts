import type { MemberRow } from '../../../typings/member';
import type { UnionView } from '../../../typings/org';
import { call } from '../../api/client';
import { askReason, bindField, confirm, run, toast } from '../../utils/ui';

/**
 * 会员管理: 已实名注册 / 未实名注册 lists with search; remove one or many (with confirmation and a
 * reason); delete not-real-name rows; export not-real-name members. A subordinate union's members
 * are view-only and masked.
 */
Component({
  data: {
    busy: false,
    error: '',
    loaded: false,
    unionId: '',
    realName: true,
    keyword: '',
    items: [] as MemberRow[],
    total: 0,
    union: null as UnionView | null,
    scope: 'own' as 'own' | 'subordinate',
    selected: [] as string[],
    exportUrl: '',
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      let unionId = query.unionId ?? '';
      if (!unionId) {
        const mine = await run(this, () => call('org', 'myUnions', {}));
        unionId = mine?.unions.find((u) => u.union.mayHoldMembers)?.union.id ?? mine?.unions[0]?.union.id ?? '';
      }
      this.setData({ unionId });
      await this.refresh();
    },
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    onTab(e: WechatMiniprogram.TouchEvent) {
      this.setData({ realName: e.currentTarget.dataset.real === 'true', exportUrl: '' });
      return this.refresh();
    },
    onSelect(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      this.setData({ selected: e.detail.value });
    },
    async refresh() {
      if (!this.data.unionId) return this.setData({ loaded: true });
      const res = await run(this, () =>
        call('member', 'list', { unionId: this.data.unionId, realName: this.data.realName, ...(this.data.keyword ? { keyword: this.data.keyword } : {}), pageSize: 50 }),
      );
      if (res) this.setData({ items: res.items, total: res.total, union: res.union, scope: res.scope, loaded: true, selected: [] });
    },
    async removeOne(e: WechatMiniprogram.TouchEvent) {
      await this.remove([String(e.currentTarget.dataset.id)]);
    },
    async removeSelected() {
      await this.remove(this.data.selected);
    },
    async remove(ids: string[]) {
      if (ids.length === 0) return;
      const what = this.data.realName ? '移出' : '删除';
      if (!(await confirm(`${what}会员`, `确定${what}选中的 ${ids.length} 名会员吗？操作会记录在日志中。`, what))) return;
      const reason = await askReason(`${what}原因`, `请填写${what}原因`);
      if (!reason) return;
      const res = await run(this, () => call('member', 'remove', { unionId: this.data.unionId, memberIds: ids, reason }));
      if (!res) return;
      const failed = res.results.filter((r) => !r.ok);
      if (failed.length) wx.showModal({ title: `部分未${what}`, content: failed.map((f) => f.message).join('；'), showCancel: false });
      else toast(`已${what}`);
      await this.refresh();
    },
    async exportUnregistered() {
      const res = await run(this, () => call('member', 'export', { unionId: this.data.unionId, realName: false }), { loadingText: '正在导出' });
      if (!res) return;
      this.setData({ exportUrl: res.url });
      wx.setClipboardData({ data: res.url });
      wx.showModal({ title: '导出完成', content: `共 ${res.rows} 条，下载链接已复制，请在浏览器中打开下载（链接有效期有限）。`, showCancel: false });
    },
  },
});
