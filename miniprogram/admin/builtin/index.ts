import type { DocumentType } from '../../../typings/models';
import type { MyUnion } from '../../../typings/org';
import { call, newRequestId } from '../../api/client';
import { pickAndUploadImage } from '../../utils/files';
import { bindField, run } from '../../utils/ui';

/**
 * 内置账号 (spec §一.4): a union admin applies for a person whose face check fails or whose name the
 * provider cannot take, with the stamped certificate. The province office reviews in its inbox.
 */
Component({
  data: {
    busy: false,
    error: '',
    unions: [] as MyUnion[],
    unionId: '',
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
      await run(this, async () => {
        const me = await call('account', 'me', {});
        const mine = await call('org', 'myUnions', {});
        this.setData({ unions: mine.unions, unionId: mine.unions[0]?.union.id ?? '', isOffice: me.roles.some((r) => r.role === 'provinceOffice') });
      });
    },
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    async chooseCertificate() {
      const fileId = await run(this, () => pickAndUploadImage('certificates'));
      if (fileId) this.setData({ certificateFileId: fileId });
    },
    async submit() {
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
