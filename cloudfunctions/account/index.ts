import type { OwnerProof } from '../../typings/account';
import type { DocumentType } from '../../typings/models';
import { deleteAccount } from '../shared/account/deletion';
import * as account from '../shared/account/service';
import type { SmsPurpose } from '../shared/account/sms';
import type { Handlers } from '../../typings/api';
import { defineFunction } from '../shared/handler';
import { DOCUMENT_TYPES } from '../shared/identity/documents';
import { validateName, validatePassword, validatePhone } from '../shared/identity/person';
import { id, object, oneOf, optional, str } from '../shared/validate';
import { confirmQrLogin, pollQrLogin, startQrLogin } from '../shared/web/qr-login';

const phone = (v: unknown, f: string) => validatePhone(v, f);
const password = (v: unknown, f: string) => validatePassword(v, f);
// Login passwords are not re-validated for strength: a wrong one must read "账号或密码错误".
const anyPassword = str({ label: '密码', max: 64 });
const smsCode = str({ label: '短信验证码', max: 6, pattern: /^\d{6}$/, patternMessage: '验证码为 6 位数字' });
const faceSession = id('人脸核身记录');

/** Re-verification before a sensitive change: one of password, a code to the current phone, a face check. */
const proofMethod = oneOf<OwnerProof['method']>('验证方式', ['password', 'sms', 'face']);
function ownerProof(v: unknown, field: string): OwnerProof {
  const method = proofMethod((v as { method?: unknown } | null)?.method, `${field}.method`);
  if (method === 'password')
    return { method, password: object({ method: proofMethod, password: anyPassword })(v, field).password };
  if (method === 'sms') return { method, smsCode: object({ method: proofMethod, smsCode })(v, field).smsCode };
  return { method, sessionId: object({ method: proofMethod, sessionId: faceSession })(v, field).sessionId };
}

/** Accounts and real-name identity: registration, login/binding and account security (spec §一, §七). */
export const actions = {
  me: { input: {}, run: account.me },
  sendSmsCode: {
    input: {
      phone,
      purpose: oneOf<SmsPurpose>('验证码用途', ['register', 'login', 'changePhone', 'resetPassword', 'recover']),
    },
    run: account.sendSmsCode,
  },
  sendOwnerCode: { input: {}, run: account.sendOwnerCode },
  listSessions: { input: {}, run: account.mySessions },
  endSession: { input: { key: id('登录记录') }, run: account.endMySession },
  endOtherSessions: { input: {}, run: account.endOtherSessions },
  recover: { input: { sessionId: faceSession, phone, smsCode, newPassword: optional(password) }, run: account.recover },
  deletionInfo: { input: {}, run: account.deletionInfo },
  deleteAccount: { input: { proof: ownerProof }, run: deleteAccount },
  startFace: {
    input: {
      name: (v: unknown, f: string) => validateName(v, f),
      docType: oneOf<DocumentType>('证件类型', DOCUMENT_TYPES),
      docNumber: str({ label: '证件号码', max: 30 }),
    },
    run: account.startFace,
  },
  completeFace: { input: { sessionId: faceSession }, run: account.completeFace },
  register: { input: { sessionId: faceSession, phone, smsCode, password }, run: account.register },
  loginPassword: { input: { phone, password: anyPassword }, run: account.loginPassword },
  loginSms: { input: { phone, smsCode }, run: account.loginSms },
  changePhone: { input: { newPhone: phone, smsCode, proof: ownerProof }, run: account.changePhone },
  changePassword: { input: { oldPassword: anyPassword, newPassword: password }, run: account.changePassword },
  resetPassword: { input: { phone, smsCode, newPassword: password }, run: account.resetPassword },
  logout: { input: {}, run: account.logout },
  /** Back office QR login: the console asks (web), the admin confirms in WeChat, the console polls. */
  qrLoginStart: { input: {}, run: startQrLogin },
  qrLoginConfirm: { input: { code: str({ label: '二维码内容', max: 600 }) }, run: confirmQrLogin },
  qrLoginPoll: {
    input: {
      qrId: str({ label: '二维码', max: 32, pattern: /^[a-f0-9]{32}$/, patternMessage: '二维码已失效，请刷新二维码' }),
      pollToken: str({ label: '登录凭据', max: 64 }),
    },
    run: pollQrLogin,
  },
} satisfies Handlers<'account'>;

export const main = defineFunction(actions);
