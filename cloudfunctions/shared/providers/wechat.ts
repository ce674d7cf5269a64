import { wechatCredentials } from '../config';
import { postJson } from './http';

/**
 * WeChat server APIs. Every answer carries `errcode` (0 or absent = success); a token that WeChat
 * no longer accepts (40001 invalid, 42001 expired, 40014 malformed) is refreshed and the call is
 * retried once, so a token invalidated elsewhere does not stay cached for two hours.
 */
export const WECHAT_API = 'https://api.weixin.qq.com';
const TOKEN_REJECTED = new Set([40001, 42001, 40014]);

export class WechatApiError extends Error {
  constructor(
    readonly path: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${path} answered errcode ${errcode}`);
    this.name = 'WechatApiError';
  }
}

interface WechatAnswer {
  errcode?: number;
  errmsg?: string;
}

let token: { value: string; expiresAt: number } | undefined;

/** getStableAccessToken: the same token for every instance; `force_refresh` only when the one it gave was refused. */
async function accessToken(refusedToken?: string): Promise<string> {
  if (!refusedToken && token && token.expiresAt > Date.now() + 60_000) return token.value;
  const { appid, secret } = wechatCredentials();
  const ask = async (forceRefresh: boolean) => {
    const res = await postJson<WechatAnswer & { access_token?: string; expires_in?: number }>(
      `${WECHAT_API}/cgi-bin/stable_token`,
      {
        grant_type: 'client_credential',
        appid,
        secret,
        force_refresh: forceRefresh,
      },
    );
    if (res.errcode || !res.access_token)
      throw new WechatApiError('/cgi-bin/stable_token', res.errcode ?? -1, res.errmsg ?? '');
    return res as { access_token: string; expires_in?: number };
  };
  let res = await ask(false);
  // Normal mode hands back the token WeChat still holds; if that is the one just refused, force a new one.
  if (refusedToken && res.access_token === refusedToken) res = await ask(true);
  token = { value: res.access_token, expiresAt: Date.now() + (res.expires_in ?? 7200) * 1000 };
  return token.value;
}

/** Calls a WeChat API; throws WechatApiError for any non-zero errcode after at most one token refresh. */
export async function callWechat<T extends object>(
  path: string,
  body: unknown,
  timeoutMs?: number,
): Promise<T & WechatAnswer> {
  let current = await accessToken();
  for (let attempt = 0; ; attempt++) {
    const res = await postJson<T & WechatAnswer>(
      `${WECHAT_API}${path}?access_token=${encodeURIComponent(current)}`,
      body,
      {},
      timeoutMs,
    );
    if (!res.errcode) return res;
    if (attempt === 0 && TOKEN_REJECTED.has(res.errcode)) {
      current = await accessToken(current);
      continue;
    }
    throw new WechatApiError(path, res.errcode, res.errmsg ?? '');
  }
}

/** For tests: forget the cached token, as a fresh instance would. */
export function forgetWechatToken(): void {
  token = undefined;
}
