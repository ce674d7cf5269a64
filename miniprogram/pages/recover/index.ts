import { call } from '../../api/client';
import { requestState } from '../../behaviors/request-state';
import { verifyFace } from '../../utils/face';
import { bindField, run, toast } from '../../utils/ui';

type Step = 'identity' | 'phone' | 'unregistered';

/**
 * 找回账号 (spec §七.4): a registered person who lost the phone passes the face check on the ID again,
 * then binds a new phone and this WeChat. Arriving from registration, the face check is already done.
 */
Component({
  behaviors: [requestState],
  data: {
    step: 'identity' as Step,
    stepIndex: 0,
    name: '',
    docNumber: '',
    consentSensitive: false,
    sessionId: '',
    phone: '',
    smsCode: '',
    newPassword: '',
  },
  methods: {
    onLoad(query: Record<string, string | undefined>) {
      if (query.sessionId) this.go('phone', { sessionId: query.sessionId });
    },
    go(step: Step, extra: Record<string, unknown> = {}) {
      this.setData({ ...extra, step, stepIndex: step === 'identity' ? 0 : 1, error: '', fieldErrors: {} });
    },
    onInput(e: WechatMiniprogram.CustomEvent) {
      bindField(this, e);
    },
    onConsent(e: WechatMiniprogram.CustomEvent<{ checked: boolean }>) {
      this.setData({ consentSensitive: e.detail.checked, 'fieldErrors.consent': '' });
    },
    async startFace() {
      // PIPL art. 29: the ID number and the face are sensitive; separate consent before collecting them.
      if (!this.data.consentSensitive) return this.setData({ 'fieldErrors.consent': '请先勾选同意，才能进行人脸核身' });
      await run(
        this,
        async () => {
          const face = await verifyFace(this.data.name, this.data.docNumber);
          this.go(face.registered ? 'phone' : 'unregistered', { sessionId: face.sessionId });
        },
        { loadingText: '人脸核身中' },
      );
    },
    onCodeSent(e: WechatMiniprogram.CustomEvent<{ sentTo: string }>) {
      toast(this, `验证码已发送至 ${e.detail.sentTo}`);
    },
    onCodeFailed(e: WechatMiniprogram.CustomEvent<{ message: string; field: string }>) {
      this.setData({ [`fieldErrors.${e.detail.field}`]: e.detail.message });
    },
    async recover() {
      const res = await run(this, () =>
        call('account', 'recover', {
          sessionId: this.data.sessionId,
          phone: this.data.phone,
          smsCode: this.data.smsCode,
          ...(this.data.newPassword ? { newPassword: this.data.newPassword } : {}),
        }),
      );
      if (res) {
        toast(this, '已找回，欢迎回来', 'success');
        wx.reLaunch({ url: '/pages/index/index' });
      }
    },
    goRegister() {
      wx.redirectTo({ url: '/pages/register/index' });
    },
  },
});
