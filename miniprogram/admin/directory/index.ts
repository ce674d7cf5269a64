import type { MyUnion, UnionView } from '../../../typings/org';
import { call } from '../../api/client';
import { bindField, run } from '../../utils/ui';

/** 工会组织目录: the admin's union and its subordinates, grassroots and above-grassroots apart. */
Component({
  data: {
    busy: false,
    error: '',
    loaded: false,
    unions: [] as MyUnion[],
    unionId: '',
    category: 'grassroots' as 'grassroots' | 'above',
    keyword: '',
    self: null as UnionView | null,
    items: [] as UnionView[],
    total: 0,
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const mine = await run(this, () => call('org', 'myUnions', {}));
      if (!mine) return;
      this.setData({ unions: mine.unions, unionId: query.unionId ?? mine.unions[0]?.union.id ?? '' });
      await this.refresh();
    },
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    onCategory(e: WechatMiniprogram.TouchEvent) {
      this.setData({ category: e.currentTarget.dataset.category as 'grassroots' | 'above' });
      return this.refresh();
    },
    async refresh() {
      if (!this.data.unionId) return this.setData({ loaded: true });
      const res = await run(this, () =>
        call('org', 'directory', { unionId: this.data.unionId, category: this.data.category, ...(this.data.keyword ? { keyword: this.data.keyword } : {}), pageSize: 50 }),
      );
      if (res) this.setData({ self: res.self, items: res.items, total: res.total, loaded: true });
    },
    openMembers(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/admin/members/index?unionId=${String(e.currentTarget.dataset.id)}` });
    },
  },
});
