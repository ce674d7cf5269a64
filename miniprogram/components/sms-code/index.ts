import type { SmsPurpose } from '../../../typings/account';
import { call, ClientError } from '../../api/client';

/**
 * The one SMS code button: sends the code for `phone`, then counts down every second to the
 * server's resend time and offers 重新获取, so a lost SMS costs a minute, not the whole form.
 * Events: `sent` {sentTo}, `fail` {message, field}.
 */
export const TICK_MS = 1000;

Component({
  options: { styleIsolation: 'apply-shared' },
  properties: {
    phone: { type: String, value: '' },
    purpose: { type: String, value: 'register' },
    disabled: { type: Boolean, value: false },
  },
  data: { countdown: 0, sentOnce: false, sending: false, label: '获取验证码' },
  lifetimes: {
    detached() {
      this.stop();
    },
  },
  methods: {
    async send() {
      if (this.data.sending || this.data.countdown > 0) return;
      this.setData({ sending: true });
      try {
        const res = await call('account', 'sendSmsCode', {
          phone: this.data.phone,
          purpose: this.data.purpose as SmsPurpose,
        });
        this.triggerEvent('sent', { sentTo: res.sentTo });
        this.setData({ sentOnce: true });
        this.start(res.resendAfter);
      } catch (err) {
        const message = err instanceof Error ? err.message : '验证码发送失败，请稍后重试';
        this.triggerEvent('fail', { message, field: err instanceof ClientError ? (err.field ?? 'phone') : 'phone' });
      } finally {
        this.setData({ sending: false });
      }
    },
    start(seconds: number) {
      this.stop();
      this.show(seconds);
      const self = this as unknown as { timer?: ReturnType<typeof setInterval> };
      self.timer = setInterval(() => {
        const left = this.data.countdown - 1;
        this.show(left);
        if (left <= 0) this.stop();
      }, TICK_MS);
    },
    stop() {
      const self = this as unknown as { timer?: ReturnType<typeof setInterval> };
      if (self.timer) clearInterval(self.timer);
      self.timer = undefined;
    },
    show(countdown: number) {
      const left = Math.max(0, countdown);
      this.setData({
        countdown: left,
        label: left > 0 ? `${left} 秒后重发` : this.data.sentOnce ? '重新获取' : '获取验证码',
      });
    },
  },
});
