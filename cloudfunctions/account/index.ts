import type { OwnerProof } from '../../typings/account';
import type { DocumentType } from '../../typings/models';
import { DELETION_STATEMENT, deleteAccount } from '../shared/account/deletion';
import { endOneSession, endSessions, listSessions } from '../shared/account/sessions';
import * as account from '../shared/account/service';
import { requireActor, userByPhone } from '../shared/actor';
import { issueSmsCode, type SmsPurpose } from '../shared/account/sms';
import { AppError } from '../shared/app-error';
import type { Handlers } from '../../typings/api';
import { defineFunction } from '../shared/handler';
import { DOCUMENT_TYPES } from '../shared/identity/documents';
import { validateName, validatePassword, validatePhone } from '../shared/identity/person';
import { decrypt, maskPhone } from '../shared/security/pii';
import { id, object, oneOf, optional, parse, str } from '../shared/validate';
import { confirmQrLogin, parseQrLogin, pollQrLogin, startQrLogin } from '../shared/web/qr-login';

const phone = (v: unknown, f: string) => validatePhone(v, f);
const password = (v: unknown, f: string) => validatePassword(v, f);
// Login passwords are not re-validated for strength: a wrong one must read "账号或密码错误".
const anyPassword = str({ label: '密码', max: 64 });
const smsCode = str({ label: '短信验证码', max: 6, pattern: /^\d{6}$/, patternMessage: '验证码为 6 位数字' });

/** Re-verification before a sensitive change: one of password, a code to the current phone, a face check. */
const proofMethod = oneOf<OwnerProof['method']>('验证方式', ['password', 'sms', 'face']);
function ownerProof(v: unknown, field: string): OwnerProof {
  const method = proofMethod((v as { method?: unknown } | null)?.method, `${field}.method`);
  if (method === 'password') return { method, password: object({ method: proofMethod, password: anyPassword })(v, field).password };
  if (method === 'sms') return { method, smsCode: object({ method: proofMethod, smsCode })(v, field).smsCode };
  return { method, sessionId: object({ method: proofMethod, sessionId: id('人脸核身记录') })(v, field).sessionId };
}

/** Accounts and real-name identity: registration, login/binding and account security (spec §一, §七). */
export const actions = {
  me: (payload, ctx) => {
    parse({}, payload);
    return account.me(ctx);
  },
  sendSmsCode: async (payload, ctx) => {
    const input = parse({ phone, purpose: oneOf<SmsPurpose>('验证码用途', ['register', 'login', 'changePhone', 'resetPassword', 'recover']) }, payload);
    if (!ctx.caller.openid) throw new AppError('NOT_LOGGED_IN', '请在微信中打开小程序');
    const existing = await userByPhone(input.phone);
    if ((input.purpose === 'login' || input.purpose === 'resetPassword') && !existing) throw new AppError('PHONE_NOT_REGISTERED');
    if ((input.purpose === 'register' || input.purpose === 'changePhone') && existing) throw new AppError('DUPLICATE', account.PHONE_TAKEN, 'phone');
    const sent = await issueSmsCode(input.phone, input.purpose, ctx.caller.openid);
    return { sentTo: maskPhone(input.phone), ...sent };
  },
  sendOwnerCode: async (payload, ctx) => {
    parse({}, payload);
    const actor = await requireActor(ctx);
    const own = decrypt(actor.user.phone.cipher);
    return { sentTo: actor.user.phone.masked, ...(await issueSmsCode(own, 'verify', ctx.caller.openid)) };
  },
  listSessions: async (payload, ctx) => {
    parse({}, payload);
    return { sessions: await listSessions((await requireActor(ctx)).user, ctx) };
  },
  endSession: async (payload, ctx) => {
    const input = parse({ key: id('登录记录') }, payload);
    await endOneSession((await requireActor(ctx)).user, input.key, ctx);
    return { ended: true };
  },
  endOtherSessions: async (payload, ctx) => {
    parse({}, payload);
    const actor = await requireActor(ctx);
    await endSessions(actor.user, { openid: ctx.caller.openid, appid: ctx.caller.appid, via: 'password' }, 'endOthers', ctx);
    return { ended: true };
  },
  recover: (payload, ctx) => account.recover(parse({ sessionId: id('人脸核身记录'), phone, smsCode, newPassword: optional(password) }, payload), ctx),
  deletionInfo: async (payload, ctx) => {
    parse({}, payload);
    const { user } = await requireActor(ctx);
    return { statement: DELETION_STATEMENT, hasPassword: Boolean(user.passwordHash), phoneMasked: user.phone.masked };
  },
  deleteAccount: (payload, ctx) => deleteAccount(parse({ proof: ownerProof }, payload).proof, ctx),
  startFace: (payload, ctx) => {
    const input = parse({ name: (v: unknown, f: string) => validateName(v, f), docType: oneOf<DocumentType>('证件类型', DOCUMENT_TYPES), docNumber: str({ label: '证件号码', max: 30 }) }, payload);
    return account.startFace(input, ctx);
  },
  completeFace: (payload, ctx) => account.completeFace(parse({ sessionId: id('人脸核身记录') }, payload).sessionId, ctx),
  register: (payload, ctx) => account.register(parse({ sessionId: id('人脸核身记录'), phone, smsCode, password }, payload), ctx),
  loginPassword: (payload, ctx) => account.loginPassword(parse({ phone, password: anyPassword }, payload), ctx),
  loginSms: (payload, ctx) => account.loginSms(parse({ phone, smsCode }, payload), ctx),
  changePhone: (payload, ctx) => account.changePhone(parse({ newPhone: phone, smsCode, proof: ownerProof }, payload), ctx),
  changePassword: (payload, ctx) => account.changePassword(parse({ oldPassword: anyPassword, newPassword: password }, payload), ctx),
  resetPassword: (payload, ctx) => account.resetPassword(parse({ phone, smsCode, newPassword: password }, payload), ctx),
  logout: (payload, ctx) => {
    parse({}, payload);
    return account.logout(ctx);
  },
  /** Back office QR login: the console asks (web), the admin confirms in WeChat, the console polls. */
  qrLoginStart: (payload) => {
    parse({}, payload);
    return startQrLogin();
  },
  qrLoginConfirm: (payload, ctx) => {
    const input = parse({ code: str({ label: '二维码内容', max: 600 }) }, payload);
    const qrId = parseQrLogin(input.code);
    if (!qrId) throw new AppError('INVALID_INPUT', '这不是后台系统的登录二维码，请扫描电脑屏幕上的登录二维码', 'code');
    return confirmQrLogin(qrId, ctx);
  },
  qrLoginPoll: (payload, ctx) => pollQrLogin(parse({ qrId: str({ label: '二维码', max: 32, pattern: /^[a-f0-9]{32}$/, patternMessage: '二维码已失效，请刷新二维码' }), pollToken: str({ label: '登录凭据', max: 64 }) }, payload), ctx),
} satisfies Handlers<'account'>;

export const main = defineFunction(actions);
