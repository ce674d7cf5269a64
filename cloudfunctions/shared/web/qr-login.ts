import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';
import type { AccountSummary, QrLoginStart, QrLoginState } from '../../../typings/account';
import { requireActor } from '../actor';
import { AppError } from '../app-error';
import { bindOpenid, summary } from '../account/service';
import { cmd, db, findById } from '../db';
import type { UserDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { qrBaseUrl } from '../org/qr';
import { isWebOpenid } from './session';

/** A console login QR lives two minutes, as WeChat's own web logins do. */
export const QR_LOGIN_SECONDS = 120;

export interface WebLoginDoc {
  _id: string;
  /** Hash of the secret only the browser that asked holds; the QR itself carries only the id. */
  pollHash: string;
  status: 'waiting' | 'confirmed' | 'used';
  userId: string | null;
  createdAt: Date;
  expiresAt: Date;
  confirmedAt: Date | null;
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex');
const EXPIRED = '二维码已过期，请在电脑上点击“刷新二维码”后重新扫码';

/** The URL in the QR: under the same base as the unions' codes, so WeChat's scanner opens the mini-program's scan page. */
export function qrLoginUrl(id: string): string {
  return `${qrBaseUrl()}?p=login&t=${id}`;
}

/** The id of a console login code, or undefined when the code is something else. */
export function parseQrLogin(code: string): string | undefined {
  let text = code.trim();
  if (/^https?%3A/i.test(text)) text = decodeURIComponent(text);
  try {
    const url = new URL(text);
    const id = url.searchParams.get('t') ?? '';
    return url.searchParams.get('p') === 'login' && /^[a-f0-9]{32}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The console asks for a code: the id goes into the QR, the poll token stays in the browser's memory. */
export async function startQrLogin(): Promise<QrLoginStart> {
  const id = randomBytes(16).toString('hex');
  const pollToken = randomBytes(24).toString('base64url');
  const now = new Date();
  const doc: Omit<WebLoginDoc, '_id'> = {
    pollHash: hash(pollToken),
    status: 'waiting',
    userId: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + QR_LOGIN_SECONDS * 1000),
    confirmedAt: null,
  };
  await db().collection('webLogins').doc(id).set(doc);
  const image = await QRCode.toDataURL(qrLoginUrl(id), { errorCorrectionLevel: 'M', margin: 2, width: 240 });
  return { qrId: id, pollToken, image, expiresIn: QR_LOGIN_SECONDS };
}

/** The admin confirms in the mini-program: only a waiting, unexpired code turns, and only once. */
export async function confirmQrLogin(input: { code: string }, ctx: HandlerContext): Promise<{ confirmed: true }> {
  const qrId = parseQrLogin(input.code);
  if (!qrId) throw new AppError('INVALID_INPUT', '这不是后台系统的登录二维码，请扫描电脑屏幕上的登录二维码', 'code');
  const actor = await requireActor(ctx);
  if (actor.roles.length === 0)
    throw new AppError('PERMISSION_DENIED', '您不是任何工会的管理员或操作员，无法登录后台系统');
  const res = await db()
    .collection('webLogins')
    .where({ _id: qrId, status: 'waiting', expiresAt: cmd().gt(new Date()) })
    .update({ status: 'confirmed', userId: actor.user._id, confirmedAt: new Date() });
  if (res.updated !== 1) {
    const doc = await findById<WebLoginDoc>('webLogins', qrId);
    throw new AppError(
      doc && doc.status !== 'waiting' ? 'ALREADY_PROCESSED' : 'NOT_FOUND',
      doc && doc.status !== 'waiting' ? '该二维码已被使用，请在电脑上刷新二维码' : EXPIRED,
    );
  }
  return { confirmed: true };
}

/**
 * The console polls. Once the code is confirmed, the poll that claims it (atomically, once) binds
 * the web session the HTTP door minted for this request to the confirming user.
 */
export async function pollQrLogin(
  input: { qrId: string; pollToken: string },
  ctx: HandlerContext,
): Promise<QrLoginState> {
  // Only the console's door polls: a WeChat caller is already logged in where it is.
  if (!isWebOpenid(ctx.caller.openid)) {
    throw ctx.caller.openid
      ? new AppError('PERMISSION_DENIED', '请在电脑上的后台系统中扫码登录')
      : new AppError('NOT_LOGGED_IN', '请在电脑上的后台系统中扫码登录');
  }
  const doc = await findById<WebLoginDoc>('webLogins', input.qrId);
  const given = Buffer.from(hash(input.pollToken));
  if (!doc || given.length !== doc.pollHash.length || !timingSafeEqual(given, Buffer.from(doc.pollHash)))
    throw new AppError('NOT_FOUND', EXPIRED);
  if (doc.status === 'used') throw new AppError('ALREADY_PROCESSED', '该二维码已完成登录，请刷新二维码');
  if (doc.status === 'waiting') {
    if (new Date(doc.expiresAt).getTime() <= Date.now()) return { status: 'expired' };
    return { status: 'waiting' };
  }
  const claimed = await db()
    .collection('webLogins')
    .where({ _id: doc._id, status: 'confirmed' })
    .update({ status: 'used' });
  if (claimed.updated !== 1) throw new AppError('ALREADY_PROCESSED', '该二维码已完成登录，请刷新二维码');
  const user = await findById<UserDoc>('users', doc.userId as string);
  if (!user || user.status !== 'active') throw new AppError('NOT_LOGGED_IN', '账号已停用，请联系管理员');
  await bindOpenid(ctx.caller.openid, ctx.caller.appid, user, ctx, 'qr');
  const account: AccountSummary = summary(user);
  return { status: 'confirmed', account };
}
