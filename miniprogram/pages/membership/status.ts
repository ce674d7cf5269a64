import type { MyMembership } from '../../../typings/member';
import { call } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { confirm, run, toast } from '../../utils/ui';

/** The pending page (spec §三.7, §三.9): unit, union, status, the timeline, withdraw, and the reviewer's phone. */
Component({
  behaviors: [requestState],
  data: { membership: null as MyMembership | null },
  methods: {
    onLoad() {
      void this.refresh();
    },
    async refresh() {
      const membership = await run(this, () => call('member', 'my', {}));
      if (membership) this.setData({ membership, loaded: true });
    },
    async withdraw() {
      const pending = this.data.membership?.pending;
      if (
        !pending ||
        !(await confirm(this, '撤销申请', `确定撤销“${pending.title}”吗？撤销后可重新提交。`, '撤销申请'))
      )
        return;
      const ok = await run(this, () => call('review', 'withdraw', { id: pending.id }));
      if (ok) {
        toast(this, '已撤销');
        await this.refresh();
      }
    },
    callReviewer() {
      const phone = this.data.membership?.pending?.reviewerContactPhone;
      if (phone) wx.makePhoneCall({ phoneNumber: phone });
    },
  },
});
