import type { UnionSearchHit } from '../../../typings/member';
import type { ScanResult } from '../../../typings/org';
import { call, newRequestId } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { askReviewNotice, bindField, REVIEW_NOTICE_TEMPLATE, run } from '../../utils/ui';

type Kind = 'memberJoin' | 'memberRegister';

/**
 * 会员登记 (already a member offline) or 会员入会 (joining): pick the union (search, or the union whose
 * 会员登记二维码 was scanned, which opens on 会员登记), give the unit, submit.
 */
Component({
  behaviors: [requestState],
  data: {
    kind: 'memberJoin' as Kind,
    code: '',
    fromCode: null as ScanResult['union'] | null,
    picked: null as UnionSearchHit | null,
    unitName: '',
    requestId: '',
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      this.setData({ requestId: newRequestId() });
      if (!query.code) return;
      const code = decodeURIComponent(query.code);
      // The code is the union's 会员登记二维码: the person is registering with that union.
      this.setData({ kind: 'memberRegister' });
      const res = await run(this, () => call('org', 'scan', { code }));
      if (res) this.setData({ code, fromCode: res.union, unitName: res.union.unitName });
    },
    onInput(e: WechatMiniprogram.CustomEvent) {
      bindField(this, e);
    },
    onKind(e: WechatMiniprogram.CustomEvent<{ value: Kind }>) {
      this.setData({ kind: e.detail.value });
    },
    onPick(e: WechatMiniprogram.CustomEvent<{ hit: UnionSearchHit | null }>) {
      const hit = e.detail.hit;
      this.setData({
        picked: hit,
        unitName: String(this.data.unitName || (hit ? hit.unitName : '')),
        'fieldErrors.union': '',
      });
    },
    async submit() {
      if (!this.data.code && !this.data.picked) {
        this.setData({ 'fieldErrors.union': '请先搜索并选择要加入的工会' });
        return;
      }
      await askReviewNotice(REVIEW_NOTICE_TEMPLATE);
      const target = this.data.code ? { code: this.data.code } : { unionId: this.data.picked?.id };
      const ok = await run(this, async () => {
        await call(
          'review',
          'submit',
          { kind: this.data.kind, data: { ...target, unitName: this.data.unitName } },
          this.data.requestId,
        );
        return true;
      });
      if (ok) wx.redirectTo({ url: '/pages/membership/status' });
    },
  },
});
