import { createHash, createHmac } from 'node:crypto';
import { tencentCloudCredentials } from '../config';
import { postJson } from './http';

/** Tencent Cloud API 3.0 with TC3-HMAC-SHA256 signing, for FaceID and SMS. */
export interface Tc3Request {
  service: string;
  host: string;
  action: string;
  version: string;
  region?: string;
  body: Record<string, unknown>;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();

export function tc3Headers(
  req: Tc3Request,
  secretId: string,
  secretKey: string,
  now = new Date(),
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  const date = now.toISOString().slice(0, 10);
  const payload = JSON.stringify(req.body);
  const canonical = [
    'POST',
    '/',
    '',
    `content-type:application/json; charset=utf-8\nhost:${req.host}\n`,
    'content-type;host',
    sha256(payload),
  ].join('\n');
  const scope = `${date}/${req.service}/tc3_request`;
  const toSign = ['TC3-HMAC-SHA256', String(timestamp), scope, sha256(canonical)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${secretKey}`, date), req.service), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(toSign).digest('hex');
  return {
    Authorization: `TC3-HMAC-SHA256 Credential=${secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
    'X-TC-Action': req.action,
    'X-TC-Timestamp': String(timestamp),
    'X-TC-Version': req.version,
    ...(req.region ? { 'X-TC-Region': req.region } : {}),
  };
}

export class TencentCloudError extends Error {
  constructor(
    readonly action: string,
    readonly code: string,
  ) {
    super(`${action} failed: ${code}`);
    this.name = 'TencentCloudError';
  }
}

export async function callTencentCloud<T>(req: Tc3Request, timeoutMs?: number): Promise<T> {
  const { secretId, secretKey } = tencentCloudCredentials();
  const res = await postJson<{ Response: T & { Error?: { Code: string; Message: string } } }>(
    `https://${req.host}/`,
    req.body,
    tc3Headers(req, secretId, secretKey),
    timeoutMs,
  );
  if (res.Response.Error) throw new TencentCloudError(req.action, res.Response.Error.Code);
  return res.Response;
}
