import type { UnionSearchHit } from '../../../typings/member';
import { call, newRequestId } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { askReviewNotice, bindField, REVIEW_NOTICE_TEMPLATE, run } from '../../utils/ui';

/** 会籍转移: the receiving union's admin reviews; the old union stays in the member's history. */
Component({
  behaviors: [requestState],
  data: { picked: null as UnionSearchHit | null, unitName: '', requestId: '' },
  methods: {
    onLoad() {
      this.setData({ requestId: newRequestId() });
    },
    onInput(e: WechatMiniprogram.CustomEvent) {
      bindField(this, e);
    },
    onPick(e: WechatMiniprogram.CustomEvent<{ hit: UnionSearchHit | null }>) {
      this.setData({ picked: e.detail.hit, 'fieldErrors.union': '' });
    },
    async submit() {
      if (!this.data.picked) {
        this.setData({ 'fieldErrors.union': '请先搜索并选择要转入的工会' });
        return;
      }
      await askReviewNotice(REVIEW_NOTICE_TEMPLATE);
      const ok = await run(this, async () => {
        await call(
          'review',
          'submit',
          { kind: 'memberTransfer', data: { unionId: this.data.picked?.id, unitName: this.data.unitName } },
          this.data.requestId,
        );
        return true;
      });
      if (ok) wx.redirectTo({ url: '/pages/membership/status' });
    },
  },
});
