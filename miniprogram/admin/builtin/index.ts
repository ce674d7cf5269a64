import type { DocumentType } from '../../../typings/models';
import { call, newRequestId } from '../../api/client';
import { currentUnion, loadCurrentUnion, unionFromPicker } from '../../behaviors/current-union';
import { requestState } from '../../behaviors/request-state';
import { pickAndUploadImage } from '../../utils/files';
import { bindField, run } from '../../utils/ui';

/**
 * 内置账号 (spec §一.4): a union admin applies for a person whose face check fails or whose name the
 * provider cannot take, with the stamped certificate. The province office reviews in its inbox.
 */
Component({
  behaviors: [requestState, currentUnion],
  data: {
    name: '',
    docNumber: '',
    phone: '',
    reason: '',
    certificateFileId: '',
    submitted: false,
    requestId: '',
    isOffice: false,
  },
  methods: {
    async onLoad() {
      this.setData({ requestId: newRequestId() });
      const me = await run(this, () => call('account', 'me', {}));
      if (me) this.setData({ isOffice: me.roles.some((r) => r.role === 'provinceOffice') });
      await loadCurrentUnion(this);
    },
    onInput(e: WechatMiniprogram.CustomEvent) {
      bindField(this, e);
    },
    onUnionPicked(e: WechatMiniprogram.CustomEvent<{ value: string[] }>) {
      unionFromPicker(this, e);
    },
    async chooseCertificate() {
      const fileId = await run(this, () => pickAndUploadImage('certificates'));
      if (fileId) this.setData({ certificateFileId: fileId, 'fieldErrors.certificate': '' });
    },
    async submit() {
      if (!this.data.certificateFileId) {
        this.setData({ 'fieldErrors.certificate': '请上传加盖工会公章的证明材料照片' });
        return;
      }
      const ok = await run(this, () =>
        call(
          'review',
          'submit',
          {
            kind: 'builtinAccount',
            data: {
              unionId: this.data.unionId,
              name: this.data.name,
              docType: 'resident' as DocumentType,
              docNumber: this.data.docNumber,
              phone: this.data.phone,
              reason: this.data.reason,
              certificateFileId: this.data.certificateFileId,
            },
          },
          this.data.requestId,
        ),
      );
      if (ok) this.setData({ submitted: true });
    },
    openOfficeInbox() {
      wx.navigateTo({ url: '/admin/inbox/index?kind=builtinAccount' });
    },
  },
});
