import type { ApplicationKind } from '../../../typings/models';
import type { ApplicationView } from '../../../typings/review';
import { call } from '../../api/client';
import { askReason, confirm, run, toast } from '../../utils/ui';

const KINDS: Array<{ kind: ApplicationKind | ''; label: string }> = [
  { kind: '', label: '全部' },
  { kind: 'memberRegister', label: '会员登记' },
  { kind: 'memberJoin', label: '会员入会' },
  { kind: 'memberTransfer', label: '会籍转移' },
  { kind: 'orgRegister', label: '工会登记' },
  { kind: 'orgChange', label: '工会变更' },
  { kind: 'orgDeregister', label: '工会注销' },
  { kind: 'roleGrant', label: '管理员设置' },
  { kind: 'roleRevoke', label: '管理员撤销' },
  { kind: 'builtinAccount', label: '内置账号' },
  { kind: 'documentAccount', label: '证件注册' },
];

/** 审核: every application this admin may decide, by kind; approve, reject with a reason, batch approve. */
Component({
  data: {
    busy: false,
    error: '',
    loaded: false,
    kinds: KINDS,
    kind: '' as ApplicationKind | '',
    items: [] as ApplicationView[],
    total: 0,
    selected: [] as string[],
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      this.setData({ kind: (query.kind ?? '') as ApplicationKind | '' });
      void this.refresh();
    },
    async refresh() {
      const res = await run(this, () => call('review', 'listInbox', this.data.kind ? { kind: this.data.kind, pageSize: 50 } : { pageSize: 50 }));
      if (res) this.setData({ items: res.items, total: res.total, loaded: true, selected: [] });
    },
    onKind(e: WechatMiniprogram.TouchEvent) {
      this.setData({ kind: e.currentTarget.dataset.kind as ApplicationKind | '' });
      void this.refresh();
    },
    onSelect(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      this.setData({ selected: e.detail.value });
    },
    async approve(e: WechatMiniprogram.TouchEvent) {
      const app = this.data.items.find((a) => a.id === e.currentTarget.dataset.id);
      if (!app || !(await confirm('审核通过', `确定通过“${app.title}”吗？`, '通过'))) return;
      if (await run(this, () => call('review', 'approve', { id: app.id }))) {
        toast('已通过');
        await this.refresh();
      }
    },
    async reject(e: WechatMiniprogram.TouchEvent) {
      const id = String(e.currentTarget.dataset.id);
      const reason = await askReason('驳回原因', '请填写驳回原因，申请人会看到');
      if (!reason) return;
      if (await run(this, () => call('review', 'reject', { id, reason }))) {
        toast('已驳回');
        await this.refresh();
      }
    },
    async batchApprove() {
      const ids = this.data.selected;
      if (ids.length === 0 || !(await confirm('批量通过', `确定通过选中的 ${ids.length} 条申请吗？`, '全部通过'))) return;
      const res = await run(this, () => call('review', 'batchApprove', { ids }));
      if (!res) return;
      const failed = res.results.filter((r) => !r.ok);
      wx.showModal({
        title: '批量审核结果',
        content: failed.length ? `通过 ${res.results.length - failed.length} 条，${failed.length} 条未通过：${failed.map((f) => f.message).join('；')}` : `已全部通过（${res.results.length} 条）`,
        showCancel: false,
      });
      await this.refresh();
    },
  },
});
