import { postJson } from './http';
import { requireEnv } from './tencent-cloud';

/** WeChat server APIs with a stable access token from the AppID and AppSecret. */
let token: { value: string; expiresAt: number } | undefined;

export async function wechatAccessToken(): Promise<string> {
  if (token && token.expiresAt > Date.now() + 60_000) return token.value;
  const res = await postJson<{ access_token?: string; expires_in?: number; errcode?: number }>('https://api.weixin.qq.com/cgi-bin/stable_token', {
    grant_type: 'client_credential',
    appid: requireEnv('WX_APPID'),
    secret: requireEnv('WX_APP_SECRET'),
  });
  if (!res.access_token) throw new Error(`stable_token failed: ${res.errcode}`);
  token = { value: res.access_token, expiresAt: Date.now() + (res.expires_in ?? 7200) * 1000 };
  return token.value;
}

export async function callWechat<T extends { errcode?: number }>(path: string, body: unknown): Promise<T> {
  const res = await postJson<T>(`https://api.weixin.qq.com${path}?access_token=${encodeURIComponent(await wechatAccessToken())}`, body);
  return res;
}
