import type { ScanResult } from '../../../typings/org';
import { call, newRequestId } from '../../api/client';
import { pickHit, searchData, searchUnionsInto } from '../../utils/union-search';
import { askReviewNotice, bindField, REVIEW_NOTICE_TEMPLATE, run } from '../../utils/ui';

/** 会员登记 (already a member offline) or 会员入会 (joining): pick the union, give the unit, submit. */
Component({
  data: {
    busy: false,
    error: '',
    kind: 'memberJoin' as 'memberJoin' | 'memberRegister',
    code: '',
    fromCode: null as ScanResult['union'] | null,
    ...searchData(),
    requestId: '',
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      this.setData({ requestId: newRequestId() });
      if (!query.code) return;
      const code = decodeURIComponent(query.code);
      const res = await run(this, () => call('org', 'scan', { code }));
      if (res) this.setData({ code, fromCode: res.union, unitName: res.union.unitName });
    },
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    onKind(e: WechatMiniprogram.TouchEvent) {
      this.setData({ kind: e.currentTarget.dataset.kind as 'memberJoin' | 'memberRegister' });
    },
    search() {
      return searchUnionsInto(this);
    },
    pick(e: WechatMiniprogram.TouchEvent) {
      pickHit(this, e);
    },
    async submit() {
      await askReviewNotice(REVIEW_NOTICE_TEMPLATE);
      const target = this.data.code ? { code: this.data.code } : { unionId: this.data.picked?.id };
      const ok = await run(this, async () => {
        await call('review', 'submit', { kind: this.data.kind, data: { ...target, unitName: this.data.unitName } }, this.data.requestId);
        return true;
      });
      if (ok) wx.redirectTo({ url: '/pages/membership/status' });
    },
  },
});
