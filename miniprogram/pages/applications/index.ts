import type { ApplicationView } from '../../../typings/review';
import { call } from '../../api/client';
import { confirm, run, toast } from '../../utils/ui';

/** 我的申请: every application with its timeline; pending ones can be withdrawn. */
Component({
  data: { busy: false, error: '', loaded: false, items: [] as ApplicationView[], total: 0 },
  methods: {
    onLoad() {
      void this.refresh();
    },
    async refresh() {
      const res = await run(this, () => call('review', 'listMine', { pageSize: 50 }));
      if (res) this.setData({ items: res.items, total: res.total, loaded: true });
    },
    async withdraw(e: WechatMiniprogram.TouchEvent) {
      const app = this.data.items.find((a) => a.id === e.currentTarget.dataset.id);
      if (!app || !(await confirm('撤回申请', `确定撤回“${app.title}”吗？`, '撤回'))) return;
      if (await run(this, () => call('review', 'withdraw', { id: app.id }))) {
        toast('已撤回');
        await this.refresh();
      }
    },
  },
});
