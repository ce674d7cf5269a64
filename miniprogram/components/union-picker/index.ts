import type { UnionSearchHit } from '../../../typings/member';
import { call } from '../../api/client';

/**
 * Union-and-unit search with the pick marked (radio): used by 会员登记/入会 and 会籍转移. A miss
 * explains the three reasons a union is not found (spec §三.8). Event: `pick` {hit} (null when cleared).
 */
Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    placeholder: { type: String, value: '搜索工会或单位名称' },
  },
  data: {
    keyword: '',
    searchedKeyword: '',
    hits: [] as UnionSearchHit[],
    reasons: [] as string[],
    searched: false,
    pickedId: '',
    busy: false,
    error: '',
  },
  methods: {
    onKeyword(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ keyword: e.detail.value, error: '' });
    },
    onClear() {
      this.setData({ keyword: '', hits: [], searched: false, pickedId: '' });
      this.triggerEvent('pick', { hit: null });
    },
    async search() {
      const keyword = this.data.keyword.trim();
      if (!keyword) {
        this.setData({ error: '请输入工会或单位名称的关键字，如“示例科技”' });
        return;
      }
      if (this.data.busy) return;
      this.setData({ busy: true, error: '' });
      this.triggerEvent('busy', { busy: true });
      try {
        const res = await call('member', 'searchUnions', { keyword });
        this.setData({
          hits: res.hits,
          reasons: res.notFoundReasons,
          searched: true,
          searchedKeyword: keyword,
          pickedId: '',
        });
        this.triggerEvent('pick', { hit: null });
      } catch (err) {
        this.setData({ error: err instanceof Error ? err.message : '搜索失败，请重试' });
      } finally {
        this.setData({ busy: false });
        this.triggerEvent('busy', { busy: false });
      }
    },
    onPick(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      const hit = this.data.hits.find((h) => h.id === e.detail.value) ?? null;
      this.setData({ pickedId: hit ? hit.id : '' });
      this.triggerEvent('pick', { hit });
    },
  },
});
