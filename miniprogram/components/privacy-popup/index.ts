import { answerPrivacy, onPrivacyRequest, openPrivacyContract } from '../../utils/privacy';
import { toast } from '../../utils/ui';

/** The consent popup WeChat asks for before a privacy API runs on this page (see utils/privacy). */
Component({
  options: { styleIsolation: 'apply-shared' },
  data: { visible: false },
  lifetimes: {
    attached() {
      const self = this as unknown as { off?: () => void };
      self.off = onPrivacyRequest(() => this.setData({ visible: true }));
    },
    detached() {
      (this as unknown as { off?: () => void }).off?.();
    },
  },
  methods: {
    agree() {
      answerPrivacy(true, 'agree-privacy');
      this.setData({ visible: false });
    },
    disagree() {
      answerPrivacy(false);
      this.setData({ visible: false });
      toast(this, '未同意隐私保护指引，暂时无法使用该功能');
    },
    openContract() {
      openPrivacyContract();
    },
    openRules() {
      wx.navigateTo({ url: '/pages/legal/privacy' });
    },
  },
});
