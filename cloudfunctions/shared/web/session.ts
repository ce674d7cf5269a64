import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { db, findById } from '../db';
import type { BindingDoc, UserDoc } from '../documents';

/**
 * Web sessions of the PC back office. A console session is a binding like a WeChat one: its key is
 * `web:<sha256 of the cookie token>` in place of an openid, so every action finds its user through
 * the same `userOfOpenid` path and nothing is implemented twice. The token itself is only ever in
 * the browser's HttpOnly cookie; the database holds its hash.
 */
export const SESSION_COOKIE = 'ump_sid';
export const CSRF_HEADER = 'x-csrf-token';
export const WEB_APPID = 'web-console';
/** Short-lived: idle sessions end after 30 minutes, every session after 8 hours (a working day). */
export const WEB_SESSION = { idleMinutes: 30, maxHours: 8, touchEveryMinutes: 5 } as const;

export interface WebSessionFields {
  web: true;
  /** users.sessionEpoch when the session began; a different epoch ends it (password change, recovery...). */
  epoch: number;
  expiresAt: Date;
  lastSeenAt: Date;
  via: string;
}

export type WebBindingDoc = BindingDoc & Partial<WebSessionFields>;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function openidOfToken(token: string): string {
  return `web:${createHash('sha256').update(token).digest('base64url')}`;
}

export function isWebOpenid(openid: string): boolean {
  return openid.startsWith('web:');
}

/** The CSRF token is derived from the secret cookie token, so a page on another site cannot know it. */
export function csrfOf(token: string): string {
  return createHash('sha256').update(`csrf|${token}`).digest('base64url');
}

export function csrfMatches(token: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(csrfOf(token));
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (!(k in out)) out[k] = part.slice(i + 1).trim();
  }
  return out;
}

/** Secure everywhere except plain http on the developer's own machine (browsers drop Secure cookies there). */
export function sessionCookie(token: string, opts: { secure: boolean; clear?: boolean }): string {
  const parts = [`${SESSION_COOKIE}=${opts.clear ? '' : token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  parts.push(opts.clear ? 'Max-Age=0' : `Max-Age=${WEB_SESSION.maxHours * 3600}`);
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

export type SessionState =
  { state: 'none' } | { state: 'ended'; reason: string } | { state: 'active'; user: UserDoc; binding: WebBindingDoc };

/** Whether the cookie's session is alive: not expired, not idle, its user active and its epoch current. */
export async function loadSession(token: string, now = new Date()): Promise<SessionState> {
  const openid = openidOfToken(token);
  const binding = await findById<WebBindingDoc>('bindings', openid);
  if (!binding) return { state: 'none' };
  const end = async (reason: string): Promise<SessionState> => {
    await db().collection('bindings').doc(openid).remove();
    return { state: 'ended', reason };
  };
  if (!binding.web || !binding.expiresAt || !binding.lastSeenAt) return end('登录未完成，请重新登录');
  if (new Date(binding.expiresAt).getTime() <= now.getTime()) return end('登录已超过 8 小时，请重新登录');
  if (now.getTime() - new Date(binding.lastSeenAt).getTime() > WEB_SESSION.idleMinutes * 60_000) {
    return end(`超过 ${WEB_SESSION.idleMinutes} 分钟未操作，请重新登录`);
  }
  const user = await findById<UserDoc & { sessionEpoch?: number }>('users', binding.userId);
  if (!user || user.status !== 'active') return end('账号已停用，请联系管理员');
  if ((user.sessionEpoch ?? 0) !== (binding.epoch ?? 0)) return end('账号安全设置已变更，请重新登录');
  if (now.getTime() - new Date(binding.lastSeenAt).getTime() > WEB_SESSION.touchEveryMinutes * 60_000) {
    await db().collection('bindings').doc(openid).update({ lastSeenAt: now });
  }
  return { state: 'active', user, binding };
}

/** Completes a login that bound `openid`: the binding becomes a web session with its epoch and expiry. */
export async function completeWebLogin(openid: string, via: string, now = new Date()): Promise<boolean> {
  const binding = await findById<BindingDoc>('bindings', openid);
  if (!binding) return false;
  const user = await findById<UserDoc & { sessionEpoch?: number }>('users', binding.userId);
  if (!user) return false;
  const fields: WebSessionFields = {
    web: true,
    epoch: user.sessionEpoch ?? 0,
    expiresAt: new Date(now.getTime() + WEB_SESSION.maxHours * 3600_000),
    lastSeenAt: now,
    via,
  };
  await db().collection('bindings').doc(openid).update(fields);
  return true;
}
