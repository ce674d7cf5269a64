import type { MemberRow } from '../../../typings/member';
import type { UnionView } from '../../../typings/org';
import { call } from '../../api/client';
import { loadCurrentUnion } from '../../behaviors/current-union';
import { pagedList, requestState } from '../../behaviors/request-state';
import { openSheet } from '../../utils/files';
import { listData, loadList, type Paging } from '../../utils/paging';
import { alert, askReason, confirm, run, toast } from '../../utils/ui';

/**
 * 会员管理: 已实名注册 / 未实名注册 lists with search, loading more at the bottom; remove one or many
 * (with confirmation and a reason); delete not-real-name rows; export not-real-name members (opened as
 * a document to forward to a PC). A subordinate union's members are view-only and masked.
 */
Component({
  behaviors: [requestState, pagedList],
  data: {
    ...listData<MemberRow>(),
    unionId: '',
    realName: 'true' as 'true' | 'false',
    keyword: '',
    union: null as UnionView | null,
    scope: 'own' as 'own' | 'subordinate',
    selected: [] as string[],
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      let unionId = query.unionId ?? '';
      if (!unionId) unionId = (await loadCurrentUnion(this, { fits: (u) => u.union.mayHoldMembers }))?.union.id ?? '';
      this.setData({ unionId });
      if (unionId) await this.refresh();
      else this.setData({ loaded: true });
    },
    fetch(paging: Paging) {
      return call('member', 'list', {
        unionId: this.data.unionId,
        realName: this.data.realName === 'true',
        ...(this.data.keyword ? { keyword: this.data.keyword } : {}),
        ...paging,
      });
    },
    async refresh() {
      if (!this.data.unionId) return;
      const res = await loadList(this, (p) => this.fetch(p));
      if (res) this.setData({ union: res.union, scope: res.scope, selected: [] });
    },
    onTab(e: WechatMiniprogram.CustomEvent<{ value: 'true' | 'false' }>) {
      this.setData({ realName: e.detail.value });
      return this.refresh();
    },
    onSelect(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      this.setData({ selected: e.detail.value });
    },
    async removeOne(e: WechatMiniprogram.TouchEvent) {
      await this.remove([String(e.currentTarget.dataset.id)]);
    },
    async removeSelected() {
      await this.remove(this.data.selected);
    },
    async remove(ids: string[]) {
      if (ids.length === 0) return;
      const what = this.data.realName === 'true' ? '移出' : '删除';
      if (!(await confirm(this, `${what}会员`, `确定${what}选中的 ${ids.length} 名会员吗？操作会记录在日志中。`, what)))
        return;
      const reason = await askReason(this, `${what}原因`, `请填写${what}原因`);
      if (!reason) return;
      const res = await run(this, () =>
        call('member', 'remove', { unionId: this.data.unionId, memberIds: ids, reason }),
      );
      if (!res) return;
      const failed = res.results.filter((r) => !r.ok);
      if (failed.length) void alert(this, `部分未${what}`, failed.map((f) => f.message).join('；'));
      else toast(this, `已${what}`);
      await this.refresh();
    },
    async exportUnregistered() {
      const res = await run(this, () => call('member', 'export', { unionId: this.data.unionId, realName: false }), {
        loadingText: '正在导出',
      });
      if (!res) return;
      await run(this, () => openSheet(res.url), { loadingText: '正在打开' });
    },
  },
});
