import type { RegisterResult } from '../../../typings/account';
import type { DocumentType } from '../../../typings/models';
import { call, newRequestId } from '../../api/client';
import { verifyFace } from '../../utils/face';
import { pickAndUploadImage } from '../../utils/files';
import { bindField, run } from '../../utils/ui';

const DOC_TYPES: Array<{ value: DocumentType; label: string }> = [
  { value: 'resident', label: '居民身份证' },
  { value: 'hkMacaoPermit', label: '港澳居民来往内地通行证' },
  { value: 'taiwanPermit', label: '台湾居民来往大陆通行证' },
  { value: 'hmtResidence', label: '港澳台居民居住证' },
  { value: 'foreignerPermanent', label: '外国人永久居留身份证' },
  { value: 'passport', label: '护照' },
];

/**
 * 实名注册: document type → face verification → login phone and password → done. Other documents
 * take the document path: a photo of the document, reviewed by the province office.
 */
Component({
  data: {
    busy: false,
    error: '',
    step: 'identity' as 'identity' | 'account' | 'done' | 'submitted',
    docTypes: DOC_TYPES,
    docTypeIndex: 0,
    name: '',
    docNumber: '',
    sessionId: '',
    phone: '',
    smsCode: '',
    password: '',
    password2: '',
    photoFileId: '',
    countdown: 0,
    result: null as RegisterResult | null,
    requestId: '',
  },
  methods: {
    onLoad() {
      this.setData({ requestId: newRequestId() });
    },
    onInput(e: WechatMiniprogram.Input) {
      bindField(this, e);
    },
    onDocType(e: WechatMiniprogram.PickerChange) {
      this.setData({ docTypeIndex: Number(e.detail.value) });
    },
    isResident(): boolean {
      return DOC_TYPES[this.data.docTypeIndex].value === 'resident';
    },
    async startFace() {
      await run(this, async () => {
        const face = await verifyFace(this.data.name, this.data.docNumber);
        // Only the person whose face matched learns that the ID is registered: offer recovery (spec §七.4).
        if (face.registered) wx.redirectTo({ url: `/pages/recover/index?sessionId=${face.sessionId}` });
        else this.setData({ sessionId: face.sessionId, step: 'account' });
      }, { loadingText: '人脸核身中' });
    },
    async sendCode() {
      if (this.data.countdown > 0) return;
      await run(this, async () => {
        const res = await call('account', 'sendSmsCode', { phone: this.data.phone, purpose: 'register' });
        wx.showToast({ title: `验证码已发送至 ${res.sentTo}`, icon: 'none' });
        this.setData({ countdown: res.resendAfter });
      });
    },
    async register() {
      if (this.data.password !== this.data.password2) {
        this.setData({ error: '两次输入的密码不一致' });
        return;
      }
      await run(this, async () => {
        if (this.isResident()) {
          const result = await call('account', 'register', { sessionId: this.data.sessionId, phone: this.data.phone, smsCode: this.data.smsCode, password: this.data.password });
          this.setData({ result, step: 'done' });
        } else {
          await call(
            'review',
            'submit',
            {
              kind: 'documentAccount',
              data: {
                name: this.data.name,
                docType: DOC_TYPES[this.data.docTypeIndex].value,
                docNumber: this.data.docNumber,
                phone: this.data.phone,
                smsCode: this.data.smsCode,
                password: this.data.password,
                photoFileId: this.data.photoFileId,
              },
            },
            this.data.requestId,
          );
          this.setData({ step: 'submitted' });
        }
      });
    },
    nextForDocument() {
      this.setData({ step: 'account' });
    },
    async choosePhoto() {
      const fileId = await run(this, () => pickAndUploadImage('documents'));
      if (fileId) this.setData({ photoFileId: fileId });
    },
    goApplications() {
      wx.navigateTo({ url: '/pages/applications/index' });
    },
    goHome() {
      wx.reLaunch({ url: '/pages/index/index' });
    },
  },
});
