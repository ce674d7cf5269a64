import type { MyUnion, QrInfo } from '../../../typings/org';
import { call, newRequestId } from '../../api/client';
import { askReason, bindField, confirm, run, toast } from '../../utils/ui';

/** 我的工会: details, the two QR codes (save to album, regenerate), change and deregister. */
Component({
  data: {
    busy: false,
    error: '',
    loaded: false,
    unions: [] as MyUnion[],
    current: null as MyUnion | null,
    orgQr: null as QrInfo | null,
    memberQr: null as QrInfo | null,
    contactPhone: '',
    address: '',
  },
  methods: {
    async onLoad() {
      const res = await run(this, () => call('org', 'myUnions', {}));
      if (!res) return;
      this.setData({ unions: res.unions, loaded: true });
      if (res.unions.length === 1) await this.open(res.unions[0].union.id);
    },
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    onPick(e: WechatMiniprogram.TouchEvent) {
      return this.open(String(e.currentTarget.dataset.id));
    },
    async open(unionId: string) {
      const current = this.data.unions.find((u) => u.union.id === unionId) ?? null;
      if (!current) return;
      this.setData({ current, contactPhone: current.union.contactPhone, address: current.union.address, orgQr: null, memberQr: null });
      await run(this, async () => {
        if (current.union.category === 'above') this.setData({ orgQr: await call('org', 'qr', { unionId, purpose: 'org' }) });
        if (current.union.mayHoldMembers) this.setData({ memberQr: await call('org', 'qr', { unionId, purpose: 'member' }) });
      });
    },
    async regenerate(e: WechatMiniprogram.TouchEvent) {
      const purpose = e.currentTarget.dataset.purpose as 'org' | 'member';
      const unionId = this.data.current?.union.id;
      if (!unionId || !(await confirm('重新生成二维码', '重新生成后旧二维码立即失效，已打印张贴的需要更换。确定吗？', '重新生成'))) return;
      const qr = await run(this, () => call('org', 'regenerateQr', { unionId, purpose }));
      if (qr) {
        this.setData({ [purpose === 'org' ? 'orgQr' : 'memberQr']: qr });
        toast('已重新生成');
      }
    },
    saveQr(e: WechatMiniprogram.TouchEvent) {
      const url = String(e.currentTarget.dataset.url);
      wx.downloadFile({
        url,
        success: (r) => wx.saveImageToPhotosAlbum({ filePath: r.tempFilePath, success: () => toast('已保存到相册'), fail: () => this.setData({ error: '保存失败：请在设置中允许访问相册' }) }),
        fail: () => this.setData({ error: '下载二维码失败，请重试' }),
      });
    },
    async submitChange() {
      const u = this.data.current?.union;
      if (!u) return;
      const ok = await run(this, () => call('review', 'submit', { kind: 'orgChange', data: { unionId: u.id, changes: { contactPhone: this.data.contactPhone, address: this.data.address } } }, newRequestId()));
      if (ok) toast('已提交，待上级审核');
    },
    async deregister() {
      const u = this.data.current?.union;
      if (!u || !(await confirm('注销工会', `注销“${u.name}”需上级工会审核，通过后不可恢复。确定申请注销吗？`, '申请注销'))) return;
      const reason = await askReason('注销原因', '请填写注销原因');
      if (!reason) return;
      if (await run(this, () => call('review', 'submit', { kind: 'orgDeregister', data: { unionId: u.id, reason } }, newRequestId()))) toast('已提交，待上级审核');
    },
  },
});
