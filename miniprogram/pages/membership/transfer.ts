import { call, newRequestId } from '../../api/client';
import { pickHit, searchData, searchUnionsInto } from '../../utils/union-search';
import { askReviewNotice, bindField, REVIEW_NOTICE_TEMPLATE, run } from '../../utils/ui';

/** 会籍转移: the receiving union's admin reviews; the old union stays in the member's history. */
Component({
  data: {
    busy: false,
    error: '',
    ...searchData(),
    requestId: '',
  },
  methods: {
    onLoad() {
      this.setData({ requestId: newRequestId() });
    },
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    search() {
      return searchUnionsInto(this);
    },
    pick(e: WechatMiniprogram.TouchEvent) {
      pickHit(this, e);
    },
    async submit() {
      await askReviewNotice(REVIEW_NOTICE_TEMPLATE);
      const ok = await run(this, async () => {
        await call('review', 'submit', { kind: 'memberTransfer', data: { unionId: this.data.picked?.id, unitName: this.data.unitName } }, this.data.requestId);
        return true;
      });
      if (ok) wx.redirectTo({ url: '/pages/membership/status' });
    },
  },
});
