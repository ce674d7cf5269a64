import { smsConfig, subscribeConfig, type ReviewResultFields } from '../config';
import { recordOutbox } from './outbox';
import { callTencentCloud } from './tencent-cloud';
import { callWechat, WechatApiError } from './wechat';

/** SMS codes and subscribe messages: Tencent Cloud SMS and WeChat in the cloud, the outbox locally. */
export async function sendSmsCode(phone: string, code: string, purpose: string): Promise<void> {
  const cfg = smsConfig();
  if (cfg.provider === 'local') {
    await recordOutbox('sms', {
      phone,
      code,
      purpose,
      text: `【工会会员】您的验证码为 ${code}，5 分钟内有效。如非本人操作请忽略。`,
    });
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
      SmsSdkAppId: cfg.sdkAppId,
      SignName: cfg.signName,
      TemplateId: cfg.templateId,
      TemplateParamSet: [code, '5'],
    },
  });
  if (res.SendStatusSet[0]?.Code !== 'Ok') throw new Error(`SendSms failed: ${res.SendStatusSet[0]?.Code}`);
}

export interface SubscribeMessage {
  openid: string;
  template: 'reviewResult';
  page: string;
  data: ReviewResultFields;
}

export type SubscribeResult = 'sent' | 'recorded' | 'not-subscribed' | 'failed';

/** errcodes of subscribeMessage.send that are the user's choice, not our fault. */
const NOT_SUBSCRIBED = new Set([43101]);

/**
 * Best effort: a message the user did not subscribe to must not fail the review that triggered it.
 * Every outcome is logged by errcode (never the content, which names the applicant's business).
 */
export async function sendSubscribeMessage(msg: SubscribeMessage): Promise<SubscribeResult> {
  try {
    const cfg = subscribeConfig();
    if (cfg.provider === 'local') {
      await recordOutbox('subscribe', { ...msg });
      return 'recorded';
    }
    const { templateId, fields } = cfg.reviewResult;
    // thing.* values hold at most 20 characters, phrase.* at most 5: WeChat refuses longer ones (47003).
    const value = (key: string, v: string) => ({ value: [...v].slice(0, key.startsWith('phrase') ? 5 : 20).join('') });
    await callWechat('/cgi-bin/message/subscribe/send', {
      touser: msg.openid,
      template_id: templateId,
      page: msg.page,
      miniprogram_state: 'formal',
      lang: 'zh_CN',
      data: {
        [fields.kind]: value(fields.kind, msg.data.kind),
        [fields.status]: value(fields.status, msg.data.status),
        [fields.note]: value(fields.note, msg.data.note),
      },
    });
    console.info('[subscribe] reviewResult sent');
    return 'sent';
  } catch (err) {
    if (err instanceof WechatApiError && NOT_SUBSCRIBED.has(err.errcode)) {
      console.info('[subscribe] reviewResult not sent: the user has not subscribed (43101)');
      return 'not-subscribed';
    }
    const code =
      err instanceof WechatApiError ? `errcode ${err.errcode}` : err instanceof Error ? err.name : typeof err;
    console.warn(`[subscribe] reviewResult not sent: ${code}`);
    return 'failed';
  }
}
