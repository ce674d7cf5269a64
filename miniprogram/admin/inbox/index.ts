import type { ApplicationKind } from '../../../typings/models';
import type { ApplicationView } from '../../../typings/review';
import { call } from '../../api/client';
import { pagedList, requestState } from '../../behaviors/request-state';
import { APPLICATION_KIND_NAMES } from '../../generated/labels';
import { beijingTime } from '../../utils/format';
import { listData, loadList, type Paging } from '../../utils/paging';
import { alert, askReason, confirm, run, toast } from '../../utils/ui';

type InboxItem = ApplicationView & { createdAtText: string };
type Counts = Partial<Record<ApplicationKind, number>>;

/**
 * 审核: every application this admin may decide. The kind tabs scroll sideways and show only kinds
 * with something waiting for this reviewer (with the count); approve, reject with a reason, batch approve.
 */
Component({
  behaviors: [requestState, pagedList],
  data: {
    ...listData<InboxItem>(),
    kind: '' as ApplicationKind | '',
    kinds: [{ value: '', label: '全部' }] as Array<{ value: string; label: string }>,
    selected: [] as string[],
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ kind: (query.kind ?? '') as ApplicationKind | '' });
      void this.refresh();
    },
    fetch(paging: Paging) {
      return call('review', 'listInbox', { ...paging, ...(this.data.kind ? { kind: this.data.kind } : {}) }).then(
        (r) => ({
          ...r,
          items: r.items.map((a): InboxItem => ({ ...a, createdAtText: beijingTime(a.createdAt) })),
        }),
      );
    },
    async refresh() {
      const res = await loadList(this, (p) => this.fetch(p));
      if (res) this.setData({ selected: [], kinds: this.tabsFor(res.counts) });
    },
    /** 全部, then the kinds waiting for this reviewer; the kind asked for stays even when empty. */
    tabsFor(counts: Counts) {
      const kinds = (Object.keys(APPLICATION_KIND_NAMES) as ApplicationKind[]).filter(
        (k) => (counts[k] ?? 0) > 0 || k === this.data.kind,
      );
      return [
        { value: '', label: '全部' },
        ...kinds.map((k) => ({
          value: k,
          label: counts[k] ? `${APPLICATION_KIND_NAMES[k]} ${counts[k]}` : APPLICATION_KIND_NAMES[k],
        })),
      ];
    },
    onKind(e: WechatMiniprogram.CustomEvent<{ value: string }>) {
      this.setData({ kind: e.detail.value as ApplicationKind | '' });
      void this.refresh();
    },
    onSelect(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      this.setData({ selected: e.detail.value });
    },
    async approve(e: WechatMiniprogram.TouchEvent) {
      const app = (this.data.items as InboxItem[]).find((a) => a.id === e.currentTarget.dataset.id);
      if (!app || !(await confirm(this, '审核通过', `确定通过“${app.title}”吗？`, '通过'))) return;
      if (await run(this, () => call('review', 'approve', { id: app.id }))) {
        toast(this, '已通过');
        await this.refresh();
      }
    },
    async reject(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id);
      const reason = await askReason(this, '驳回原因', '请填写驳回原因，申请人会看到');
      if (!reason) return;
      if (await run(this, () => call('review', 'reject', { id, reason }))) {
        toast(this, '已驳回');
        await this.refresh();
      }
    },
    async batchApprove() {
      const ids = this.data.selected;
      if (ids.length === 0 || !(await confirm(this, '批量通过', `确定通过选中的 ${ids.length} 条申请吗？`, '全部通过')))
        return;
      const res = await run(this, () => call('review', 'batchApprove', { ids }));
      if (!res) return;
      const failed = res.results.filter((r) => !r.ok);
      void alert(
        this,
        '批量审核结果',
        failed.length
          ? `通过 ${res.results.length - failed.length} 条，${failed.length} 条未通过：${failed.map((f) => f.message).join('；')}`
          : `已全部通过（${res.results.length} 条）`,
      );
      await this.refresh();
    },
  },
});
