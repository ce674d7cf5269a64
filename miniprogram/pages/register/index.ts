import type { RegisterResult } from '../../../typings/account';
import type { DocumentType } from '../../../typings/models';
import { call, newRequestId } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { DOCUMENT_TYPE_NAMES } from '../../generated/labels';
import { verifyFace } from '../../utils/face';
import { pickAndUploadImage } from '../../utils/files';
import { bindField, run, toast } from '../../utils/ui';

const DOC_OPTIONS = (Object.keys(DOCUMENT_TYPE_NAMES) as DocumentType[]).map((value) => ({
  value,
  label: DOCUMENT_TYPE_NAMES[value],
}));
const STEPS = { identity: 0, account: 1, done: 2, submitted: 2 } as const;

/**
 * 实名注册: document type → (separate consent) face verification → login phone and password → done.
 * Other documents take the document path: a photo of the document, reviewed by the province office.
 */
Component({
  behaviors: [requestState],
  data: {
    step: 'identity' as keyof typeof STEPS,
    stepIndex: 0,
    docOptions: DOC_OPTIONS,
    docType: 'resident' as DocumentType,
    docTypeName: DOCUMENT_TYPE_NAMES.resident,
    docPickerVisible: false,
    name: '',
    docNumber: '',
    consentRules: false,
    consentSensitive: false,
    sessionId: '',
    phone: '',
    smsCode: '',
    password: '',
    password2: '',
    photoFileId: '',
    result: null as RegisterResult | null,
    requestId: '',
  },
  methods: {
    onLoad() {
      this.setData({ requestId: newRequestId() });
    },
    onInput(e: WechatMiniprogram.CustomEvent) {
      bindField(this, e);
    },
    openDocPicker() {
      this.setData({ docPickerVisible: true });
    },
    closeDocPicker() {
      this.setData({ docPickerVisible: false });
    },
    onDocType(e: WechatMiniprogram.CustomEvent<{ value: DocumentType[] }>) {
      const docType = e.detail.value[0];
      this.setData({
        docType,
        docTypeName: DOCUMENT_TYPE_NAMES[docType],
        docPickerVisible: false,
        'fieldErrors.docNumber': '',
      });
    },
    onConsent(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      const key = String(e.currentTarget.dataset.key);
      this.setData({ [key]: e.detail.checked, 'fieldErrors.consent': '' });
    },
    /** PIPL art. 29: sensitive information only with the person's separate consent, asked before collecting. */
    consented(): boolean {
      if (this.data.consentRules && this.data.consentSensitive) return true;
      this.setData({ 'fieldErrors.consent': '请先阅读并勾选同意上面两项，才能继续实名核验' });
      return false;
    },
    goStep(step: keyof typeof STEPS) {
      this.setData({ step, stepIndex: STEPS[step] });
    },
    async startFace() {
      if (!this.consented()) return;
      await run(
        this,
        async () => {
          const face = await verifyFace(this.data.name, this.data.docNumber);
          // Only the person whose face matched learns that the ID is registered: offer recovery (spec §七.4).
          if (face.registered) wx.redirectTo({ url: `/pages/recover/index?sessionId=${face.sessionId}` });
          else {
            this.setData({ sessionId: face.sessionId });
            this.goStep('account');
          }
        },
        { loadingText: '人脸核身中' },
      );
    },
    onCodeSent(e: WechatMiniprogram.CustomEvent<{ sentTo: string }>) {
      toast(this, `验证码已发送至 ${e.detail.sentTo}`);
    },
    onCodeFailed(e: WechatMiniprogram.CustomEvent<{ message: string; field: string }>) {
      this.setData({ [`fieldErrors.${e.detail.field}`]: e.detail.message, error: e.detail.message });
    },
    async register() {
      if (this.data.password !== this.data.password2) {
        this.setData({ 'fieldErrors.password2': '两次输入的密码不一致', error: '两次输入的密码不一致' });
        return;
      }
      await run(this, async () => {
        if (this.data.docType === 'resident') {
          const result = await call('account', 'register', {
            sessionId: this.data.sessionId,
            phone: this.data.phone,
            smsCode: this.data.smsCode,
            password: this.data.password,
          });
          this.setData({ result });
          this.goStep('done');
        } else {
          await call(
            'review',
            'submit',
            {
              kind: 'documentAccount',
              data: {
                name: this.data.name,
                docType: this.data.docType,
                docNumber: this.data.docNumber,
                phone: this.data.phone,
                smsCode: this.data.smsCode,
                password: this.data.password,
                photoFileId: this.data.photoFileId,
              },
            },
            this.data.requestId,
          );
          this.goStep('submitted');
        }
      });
    },
    nextForDocument() {
      if (!this.consented()) return;
      if (!this.data.photoFileId) {
        this.setData({ 'fieldErrors.photo': '请上传证件照片（证件信息页，四角完整、文字清晰）' });
        return;
      }
      this.goStep('account');
    },
    async choosePhoto() {
      if (!this.consented()) return;
      const fileId = await run(this, () => pickAndUploadImage('documents'));
      if (fileId) this.setData({ photoFileId: fileId, 'fieldErrors.photo': '' });
    },
    openRules() {
      wx.navigateTo({ url: '/pages/legal/index?doc=privacy' });
    },
    openAgreement() {
      wx.navigateTo({ url: '/pages/legal/index?doc=agreement' });
    },
    goApplications() {
      wx.navigateTo({ url: '/pages/applications/index' });
    },
    goHome() {
      wx.reLaunch({ url: '/pages/index/index' });
    },
  },
});
