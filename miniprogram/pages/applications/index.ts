import type { ApplicationView } from '../../../typings/review';
import { call } from '../../api/client';
import { pagedList, requestState } from '../../behaviors/request-state';
import { STATUS_TAG_THEMES } from '../../utils/format';
import { listData, loadList, type Paging } from '../../utils/paging';
import { confirm, run, toast } from '../../utils/ui';

/** 我的申请: every application with its timeline, newest first, loading more at the bottom; pending ones can be withdrawn. */
Component({
  behaviors: [requestState, pagedList],
  data: { ...listData<ApplicationView>(), tagThemes: STATUS_TAG_THEMES },
  methods: {
    onLoad() {
      void this.refresh();
    },
    fetch(paging: Paging) {
      return call('review', 'listMine', paging);
    },
    refresh() {
      return loadList(this, (p) => this.fetch(p));
    },
    async withdraw(e: WechatMiniprogram.TouchEvent) {
      const app = (this.data.items as ApplicationView[]).find((a) => a.id === e.currentTarget.dataset.id);
      if (!app || !(await confirm(this, '撤回申请', `确定撤回“${app.title}”吗？`, '撤回'))) return;
      if (await run(this, () => call('review', 'withdraw', { id: app.id }))) {
        toast(this, '已撤回');
        await this.refresh();
      }
    },
  },
});
