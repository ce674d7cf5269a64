import type { UnionView } from '../../../typings/org';
import { call } from '../../api/client';
import { currentUnion, loadCurrentUnion, unionFromPicker } from '../../behaviors/current-union';
import { pagedList, requestState } from '../../behaviors/request-state';
import { listData, loadList, type Paging } from '../../utils/paging';

type Category = 'grassroots' | 'above';

/** 工会组织目录: the admin's union and its subordinates, grassroots and above-grassroots apart, paged. */
Component({
  behaviors: [requestState, pagedList, currentUnion],
  data: { ...listData<UnionView>(), category: 'grassroots' as Category, keyword: '', self: null as UnionView | null },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const pick = await loadCurrentUnion(this, { preferred: query.unionId });
      if (pick) await this.refresh();
    },
    fetch(paging: Paging) {
      return call('org', 'directory', {
        unionId: this.data.unionId,
        category: this.data.category,
        ...(this.data.keyword ? { keyword: this.data.keyword } : {}),
        ...paging,
      });
    },
    async refresh() {
      if (!this.data.unionId) return;
      const res = await loadList(this, (p) => this.fetch(p));
      if (res) this.setData({ self: res.self });
    },
    onCategory(e: WechatMiniprogram.CustomEvent<{ value: Category }>) {
      this.setData({ category: e.detail.value });
      return this.refresh();
    },
    onUnionPicked(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      if (unionFromPicker(this, e)) void this.refresh();
    },
    openMembers(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/admin/members/index?unionId=${String(e.currentTarget.dataset.id)}` });
    },
  },
});
