import type { ApiResponse } from '../../../typings/api';
import { AppError } from '../app-error';
import type { Caller } from '../cloud';
import {
  completeWebLogin,
  CSRF_HEADER,
  csrfMatches,
  csrfOf,
  loadSession,
  newToken,
  openidOfToken,
  parseCookies,
  SESSION_COOKIE,
  sessionCookie,
  WEB_APPID,
} from './session';

/** The event CloudBase's HTTP access service hands a function (integration request). */
export interface HttpTriggerEvent {
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: Record<string, unknown>;
}

/** What the function answers the HTTP access service with (integration response). */
export interface HttpTriggerResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

/** The console's answer: the function's usual response plus the CSRF token after a login or a session check. */
export type ConsoleResponse = ApiResponse<unknown> & { csrfToken?: string };

/** Actions that start a web session: a fresh token is minted for them, so a planted cookie never becomes a login. */
const LOGIN_ACTIONS = new Set(['account.loginPassword', 'account.loginSms', 'account.qrLoginPoll']);
/** Actions a visitor without a session may call (they ask for no rights). */
const PUBLIC_ACTIONS = new Set(['account.sendSmsCode', 'account.qrLoginStart', 'account.me', 'system.ping']);

export function isHttpTriggerEvent(event: unknown, caller: Caller): event is HttpTriggerEvent {
  // A WeChat caller is never a browser: mini-program calls with an HTTP-shaped event stay mini-program calls.
  if (caller.openid) return false;
  const e = event as Partial<HttpTriggerEvent> | null;
  return (
    !!e &&
    typeof e === 'object' &&
    typeof e.httpMethod === 'string' &&
    typeof e.path === 'string' &&
    !!e.headers &&
    typeof e.headers === 'object'
  );
}

function header(event: HttpTriggerEvent, name: string): string | undefined {
  for (const [k, v] of Object.entries(event.headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** Browsers drop Secure cookies on plain http; only the developer's own machine is served that way. */
function wantsSecure(event: HttpTriggerEvent): boolean {
  const host = (header(event, 'host') ?? '').replace(/:\d+$/, '');
  const proto = header(event, 'x-forwarded-proto') ?? 'https';
  return !(proto === 'http' && (host === 'localhost' || host === '127.0.0.1' || host === '[::1]'));
}

function reply(status: number, body: ConsoleResponse, cookie?: string): HttpTriggerResult {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (cookie) headers['set-cookie'] = cookie;
  return { statusCode: status, headers, body: JSON.stringify(body), isBase64Encoded: false };
}

function refusal(status: number, err: AppError, cookie?: string): HttpTriggerResult {
  return reply(status, { ok: false, error: err.toApiError() }, cookie);
}

/**
 * The console's door: `/api/<function>` with the usual `{ action, payload, requestId }` as JSON.
 * The caller becomes the web session's pseudo-openid, and the function's own action table and
 * authorization then run exactly as for the mini-program.
 */
export async function serveHttp(
  functionName: string,
  event: HttpTriggerEvent,
  run: (request: unknown, caller: Caller) => Promise<ApiResponse<unknown>>,
): Promise<HttpTriggerResult> {
  if (event.httpMethod.toUpperCase() !== 'POST')
    return refusal(405, new AppError('INVALID_INPUT', '请通过后台系统页面操作'));
  // JSON only: a cross-site form cannot send it without a CORS preflight, which this door never grants.
  if (!(header(event, 'content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return refusal(415, new AppError('INVALID_INPUT', '请求格式不正确，请刷新页面后重试'));
  }
  let request: Record<string, unknown>;
  try {
    const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
    request = JSON.parse(raw) as Record<string, unknown>;
    if (!request || typeof request !== 'object' || Array.isArray(request)) throw new Error('not an object');
  } catch {
    return refusal(400, new AppError('INVALID_INPUT', '请求格式不正确，请刷新页面后重试'));
  }
  const action = `${functionName}.${typeof request.action === 'string' ? request.action : ''}`;
  const secure = wantsSecure(event);
  const token = parseCookies(header(event, 'cookie'))[SESSION_COOKIE];

  if (LOGIN_ACTIONS.has(action)) {
    const fresh = newToken();
    const openid = openidOfToken(fresh);
    const result = await run(request, { openid, appid: WEB_APPID });
    if (!result.ok) return reply(200, result);
    // A QR poll that is still waiting bound nobody: it answers without a session.
    if (!(await completeWebLogin(openid, action))) return reply(200, result);
    return reply(200, { ...result, csrfToken: csrfOf(fresh) }, sessionCookie(fresh, { secure }));
  }

  const session = token ? await loadSession(token) : ({ state: 'none' } as const);
  if (session.state === 'active') {
    if (action !== 'account.me' && !csrfMatches(token as string, header(event, CSRF_HEADER))) {
      return refusal(403, new AppError('PERMISSION_DENIED', '页面已过期，请刷新页面后重试'));
    }
    const result = await run(request, { openid: openidOfToken(token as string), appid: WEB_APPID });
    if (action === 'account.logout' && result.ok) return reply(200, result, sessionCookie('', { secure, clear: true }));
    return reply(
      200,
      action === 'account.me' && result.ok ? { ...result, csrfToken: csrfOf(token as string) } : result,
    );
  }
  const cleared = session.state === 'ended' ? sessionCookie('', { secure, clear: true }) : undefined;
  if (PUBLIC_ACTIONS.has(action)) {
    // A visitor is a throwaway identity: it can reach nothing that needs a user.
    const result = await run(request, { openid: openidOfToken(token ?? newToken()), appid: WEB_APPID });
    return reply(200, result, cleared);
  }
  const message = session.state === 'ended' ? session.reason : '请先登录后台系统';
  return refusal(401, new AppError('NOT_LOGGED_IN', message), cleared);
}
