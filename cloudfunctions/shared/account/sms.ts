import { createHmac, randomInt } from 'node:crypto';
import { AppError } from '../app-error';
import { piiConfig, smsGlobalPerMinute } from '../config';
import { cmd, db, isDuplicate } from '../db';
import { sendSmsCode } from '../providers/messaging';
import type { SmsPurpose } from '../../../typings/account';
import { blindIndex } from '../security/pii';
import { CHINA_DAY, requireSlot } from '../security/rate-limit';

export type { SmsPurpose };

/**
 * SMS codes: 1 a minute and 10 a day per phone, valid 5 minutes, 5 wrong tries. Every text costs
 * money and can harass a stranger, so one WeChat (caller) also gets at most 5 codes an hour and 10 a
 * day across all phones, and the whole platform at most `SMS_GLOBAL_PER_MINUTE` a minute.
 */
export const SMS_LIMITS = {
  perDay: 10,
  intervalSeconds: 60,
  validSeconds: 300,
  maxAttempts: 5,
  callerPerHour: 5,
  callerPerDay: 10,
};

interface SmsCodeDoc {
  _id: string;
  phoneIndex: string;
  purpose: SmsPurpose;
  codeHash: string;
  createdAt: Date;
  expiresAt: Date;
  attempts: number;
  used: boolean;
}

function codeHash(phone: string, purpose: SmsPurpose, code: string): string {
  return createHmac('sha256', piiConfig().indexKey).update(`sms:${purpose}:${phone}:${code}`).digest('base64url');
}

/** Midnight in China (UTC+8), where the daily limit resets. */
function startOfChinaDay(now: Date): Date {
  const shifted = new Date(now.getTime() + 8 * 3600_000);
  shifted.setUTCHours(0, 0, 0, 0);
  return new Date(shifted.getTime() - 8 * 3600_000);
}

/** The per-caller and global limits, taken as atomic slots after the per-phone checks pass. */
async function takeSendSlots(openid: string): Promise<void> {
  await requireSlot(
    { key: `sms:caller-hour:${openid}`, limit: SMS_LIMITS.callerPerHour, seconds: 3600 },
    `当前微信获取验证码过于频繁（每小时最多 ${SMS_LIMITS.callerPerHour} 条），请 1 小时后再试`,
  );
  await requireSlot(
    { key: `sms:caller-day:${openid}`, limit: SMS_LIMITS.callerPerDay, ...CHINA_DAY },
    `当前微信今日获取验证码已达 ${SMS_LIMITS.callerPerDay} 条，请明天再试`,
  );
  await requireSlot({ key: 'sms:global', limit: smsGlobalPerMinute(), seconds: 60 }, '短信发送繁忙，请 1 分钟后再试');
}

export async function issueSmsCode(
  phone: string,
  purpose: SmsPurpose,
  openid: string,
): Promise<{ resendAfter: number }> {
  const phoneIndex = blindIndex('phone', phone);
  const now = new Date();
  const coll = db().collection('smsCodes');
  const recent = await coll
    .where({ phoneIndex, createdAt: cmd().gte(startOfChinaDay(now)) })
    .orderBy('createdAt', 'desc')
    .limit(SMS_LIMITS.perDay)
    .get();
  const sent = recent.data as SmsCodeDoc[];
  const last = sent[0];
  if (last) {
    const wait = SMS_LIMITS.intervalSeconds - Math.floor((now.getTime() - new Date(last.createdAt).getTime()) / 1000);
    if (wait > 0) throw new AppError('RATE_LIMITED', `验证码已发送，请 ${wait} 秒后再获取`);
  }
  if (sent.length >= SMS_LIMITS.perDay)
    throw new AppError('RATE_LIMITED', `该手机号今日获取验证码已达 ${SMS_LIMITS.perDay} 次，请明天再试`);
  await takeSendSlots(openid);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const doc: SmsCodeDoc = {
    // The N-th code of the day for this phone: two concurrent requests claim the same id, one fails.
    _id: `${phoneIndex}:${startOfChinaDay(now).getTime()}:${sent.length}`,
    phoneIndex,
    purpose,
    codeHash: codeHash(phone, purpose, code),
    createdAt: now,
    expiresAt: new Date(now.getTime() + SMS_LIMITS.validSeconds * 1000),
    attempts: 0,
    used: false,
  };
  try {
    await coll.add(doc);
  } catch (err) {
    if (isDuplicate(err)) throw new AppError('RATE_LIMITED', '验证码已发送，请 60 秒后再获取');
    throw err;
  }
  await sendSmsCode(phone, code, purpose);
  return { resendAfter: SMS_LIMITS.intervalSeconds };
}

/**
 * Consumes the code if it is right. Every guess first takes one of the 5 tries with a guarded $inc,
 * so parallel guesses get 5 evaluations per code, never one per request.
 */
export async function consumeSmsCode(
  phone: string,
  purpose: SmsPurpose,
  code: string,
  field = 'smsCode',
): Promise<void> {
  const phoneIndex = blindIndex('phone', phone);
  const _ = cmd();
  const coll = db().collection('smsCodes');
  const res = await coll.where({ phoneIndex, purpose, used: false }).orderBy('createdAt', 'desc').limit(1).get();
  const doc = (res.data as SmsCodeDoc[])[0];
  if (!doc || new Date(doc.expiresAt).getTime() < Date.now())
    throw new AppError('SMS_CODE_INVALID', '验证码已过期或未获取，请重新获取验证码', field);
  const tooMany = new AppError('SMS_CODE_INVALID', '验证码错误次数过多，请重新获取验证码', field);
  const taken = await coll
    .where({ _id: doc._id, used: false, attempts: _.lt(SMS_LIMITS.maxAttempts) })
    .updateAndReturn({ attempts: _.inc(1) });
  if (Number(taken.updated) !== 1) {
    const now = (await coll.doc(doc._id).get()).data[0] as SmsCodeDoc | undefined;
    throw now?.used ? new AppError('SMS_CODE_INVALID', '验证码已使用，请重新获取验证码', field) : tooMany;
  }
  if (!/^\d{6}$/.test(code) || codeHash(phone, purpose, code) !== doc.codeHash) {
    const left = SMS_LIMITS.maxAttempts - (taken.doc as SmsCodeDoc).attempts;
    throw left > 0 ? new AppError('SMS_CODE_INVALID', `验证码不正确，还可以尝试 ${left} 次`, field) : tooMany;
  }
  // Conditional: of two concurrent uses of one code, only one succeeds.
  const used = await coll.where({ _id: doc._id, used: false }).update({ used: true });
  if (Number(used.updated) !== 1) throw new AppError('SMS_CODE_INVALID', '验证码已使用，请重新获取验证码', field);
}
