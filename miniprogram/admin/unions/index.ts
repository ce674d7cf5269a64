import type { QrInfo, UnionView } from '../../../typings/org';
import { call, newRequestId } from '../../api/client';
import { currentUnion, loadCurrentUnion, unionFromPicker } from '../../behaviors/current-union';
import { requestState } from '../../behaviors/request-state';
import { askReason, bindField, confirm, run, toast } from '../../utils/ui';

/** 我的工会: details (with the superior union), the two QR codes (save, regenerate), change and deregister. */
Component({
  behaviors: [requestState, currentUnion],
  data: {
    current: null as UnionView | null,
    orgQr: null as QrInfo | null,
    memberQr: null as QrInfo | null,
    contactPhone: '',
    address: '',
  },
  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const pick = await loadCurrentUnion(this, { preferred: query.unionId });
      if (pick) await this.open(pick.union);
    },
    async refresh() {
      const pick = await loadCurrentUnion(this, { preferred: this.data.unionId });
      if (pick) await this.open(pick.union);
    },
    onInput(e: WechatMiniprogram.CustomEvent) {
      bindField(this, e);
    },
    onUnionPicked(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      const u = unionFromPicker(this, e);
      if (u) void this.open(u.union);
    },
    /** org.myUnions already names the superior union; only the QR codes need their own calls. */
    async open(union: UnionView) {
      this.setData({
        current: union,
        contactPhone: union.contactPhone,
        address: union.address,
        orgQr: null,
        memberQr: null,
      });
      await run(this, async () => {
        const unionId = union.id;
        if (union.category === 'above') this.setData({ orgQr: await call('org', 'qr', { unionId, purpose: 'org' }) });
        if (union.mayHoldMembers) this.setData({ memberQr: await call('org', 'qr', { unionId, purpose: 'member' }) });
      });
    },
    async regenerate(e: WechatMiniprogram.TouchEvent) {
      const purpose = e.currentTarget.dataset.purpose as 'org' | 'member';
      const unionId = this.data.current?.id;
      if (
        !unionId ||
        !(await confirm(
          this,
          '重新生成二维码',
          '重新生成后旧二维码立即失效，已打印张贴的需要更换。确定吗？',
          '重新生成',
        ))
      )
        return;
      const qr = await run(this, () => call('org', 'regenerateQr', { unionId, purpose }));
      if (qr) {
        this.setData({ [purpose === 'org' ? 'orgQr' : 'memberQr']: qr });
        toast(this, '已重新生成');
      }
    },
    saveQr(e: WechatMiniprogram.TouchEvent) {
      const url = String(e.currentTarget.dataset.url);
      wx.downloadFile({
        url,
        success: (r) =>
          wx.saveImageToPhotosAlbum({
            filePath: r.tempFilePath,
            success: () => toast(this, '已保存到相册'),
            fail: () => this.setData({ error: '保存失败：请在设置中允许访问相册' }),
          }),
        fail: () => this.setData({ error: '下载二维码失败，请重试' }),
      });
    },
    async submitChange() {
      const u = this.data.current;
      if (!u) return;
      const ok = await run(this, () =>
        call(
          'review',
          'submit',
          {
            kind: 'orgChange',
            data: { unionId: u.id, changes: { contactPhone: this.data.contactPhone, address: this.data.address } },
          },
          newRequestId(),
        ),
      );
      if (ok) toast(this, '已提交，待上级审核');
    },
    async deregister() {
      const u = this.data.current;
      if (
        !u ||
        !(await confirm(
          this,
          '注销工会',
          `注销“${u.name}”需上级工会审核，通过后不可恢复。确定申请注销吗？`,
          '申请注销',
        ))
      )
        return;
      const reason = await askReason(this, '注销原因', '请填写注销原因');
      if (!reason) return;
      if (
        await run(this, () =>
          call('review', 'submit', { kind: 'orgDeregister', data: { unionId: u.id, reason } }, newRequestId()),
        )
      )
        toast(this, '已提交，待上级审核');
    },
  },
});
