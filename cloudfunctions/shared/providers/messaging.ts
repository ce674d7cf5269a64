import { isLocalRuntime, recordOutbox } from './outbox';
import { callTencentCloud, requireEnv } from './tencent-cloud';
import { callWechat } from './wechat';

/** SMS codes and subscribe messages: Tencent Cloud SMS and WeChat in the cloud, the outbox locally. */
export async function sendSmsCode(phone: string, code: string, purpose: string): Promise<void> {
  if ((process.env.SMS_PROVIDER ?? (isLocalRuntime() ? 'local' : 'tencent')) === 'local') {
    await recordOutbox('sms', { phone, code, purpose, text: `【工会会员】您的验证码为 ${code}，5 分钟内有效。如非本人操作请忽略。` });
    return;
  }
  const res = await callTencentCloud<{ SendStatusSet: Array<{ Code: string }> }>({
    service: 'sms',
    host: 'sms.tencentcloudapi.com',
    action: 'SendSms',
    version: '2021-01-11',
    region: 'ap-guangzhou',
    body: {
      PhoneNumberSet: [`+86${phone}`],
      SmsSdkAppId: requireEnv('SMS_SDK_APP_ID'),
      SignName: requireEnv('SMS_SIGN_NAME'),
      TemplateId: requireEnv('SMS_TEMPLATE_ID'),
      TemplateParamSet: [code, '5'],
    },
  });
  if (res.SendStatusSet[0]?.Code !== 'Ok') throw new Error(`SendSms failed: ${res.SendStatusSet[0]?.Code}`);
}

export interface SubscribeMessage {
  openid: string;
  template: 'reviewResult';
  page: string;
  data: Record<string, string>;
}

/** Best effort: a message the user did not subscribe to must not fail the review that triggered it. */
export async function sendSubscribeMessage(msg: SubscribeMessage): Promise<void> {
  try {
    if ((process.env.SUBSCRIBE_PROVIDER ?? (isLocalRuntime() ? 'local' : 'wechat')) === 'local') {
      await recordOutbox('subscribe', { ...msg });
      return;
    }
    await callWechat('/cgi-bin/message/subscribe/send', {
      touser: msg.openid,
      template_id: requireEnv('SUBSCRIBE_TEMPLATE_REVIEW_RESULT'),
      page: msg.page,
      data: Object.fromEntries(Object.entries(msg.data).map(([k, v]) => [k, { value: v.slice(0, 20) }])),
    });
  } catch (err) {
    console.warn('[subscribe] not sent:', err instanceof Error ? err.name : typeof err);
  }
}
