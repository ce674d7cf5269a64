import { createHash } from 'node:crypto';
import { isLocalRuntime, readOutbox, recordOutbox } from './outbox';
import { callTencentCloud, requireEnv } from './tencent-cloud';
import { callWechat } from './wechat';

/**
 * Face verification behind one interface. The server starts a session and later asks the provider
 * for the result itself: whatever the client reports is never trusted.
 */
export type FaceOutcome = 'pass' | 'fail' | 'cancelled' | 'pending';

export interface FaceStart {
  /** The provider's session id, handed to the client (wx.requestFacialVerify, FaceID H5, or nothing locally). */
  ref: string;
  client: { provider: FaceProviderName; verifyId?: string; url?: string };
}

export interface FaceSubject {
  name: string;
  docNumber: string;
  openid: string;
  outSeqNo: string;
}

export interface FaceProvider {
  readonly name: FaceProviderName;
  start(subject: FaceSubject): Promise<FaceStart>;
  result(ref: string, subject: FaceSubject): Promise<FaceOutcome>;
}

export type FaceProviderName = 'wechat' | 'faceid' | 'local';

/** cert_hash of WeChat face v2: each field base64'd, joined, SHA-256 in lower-case hex. */
export function wechatCertHash(name: string, docNumber: string): string {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return createHash('sha256').update(`cert_type=${b64('IDENTITY_CARD')}&cert_name=${b64(name)}&cert_no=${b64(docNumber)}`).digest('hex');
}

/** WeChat 人脸核身 v2: getverifyid → wx.requestFacialVerify → queryverifyinfo (pass only at 10000). */
const wechatFace: FaceProvider = {
  name: 'wechat',
  async start(s) {
    const res = await callWechat<{ errcode?: number; verify_id?: string }>('/cityservice/face/identify/getverifyid', {
      out_seq_no: s.outSeqNo,
      cert_info: { cert_type: 'IDENTITY_CARD', cert_name: s.name, cert_no: s.docNumber },
      openid: s.openid,
    });
    if (res.errcode || !res.verify_id) throw new Error(`getverifyid failed: ${res.errcode}`);
    return { ref: res.verify_id, client: { provider: 'wechat', verifyId: res.verify_id } };
  },
  async result(ref, s) {
    const res = await callWechat<{ errcode?: number; verify_ret?: number }>('/cityservice/face/identify/queryverifyinfo', {
      verify_id: ref,
      out_seq_no: s.outSeqNo,
      cert_hash: wechatCertHash(s.name, s.docNumber),
      openid: s.openid,
    });
    if (res.errcode) return 'fail';
    if (res.verify_ret === 10000) return 'pass';
    if (res.verify_ret !== undefined && res.verify_ret >= 90002 && res.verify_ret <= 90006) return 'cancelled';
    return res.verify_ret === undefined ? 'pending' : 'fail';
  },
};

/** Tencent Cloud FaceID (慧眼): DetectAuth starts, GetDetectInfoEnhanced reads the outcome. */
const faceId: FaceProvider = {
  name: 'faceid',
  async start(s) {
    const res = await callTencentCloud<{ Url: string; BizToken: string }>({
      service: 'faceid',
      host: 'faceid.tencentcloudapi.com',
      action: 'DetectAuth',
      version: '2018-03-01',
      region: 'ap-guangzhou',
      body: { RuleId: requireEnv('FACEID_RULE_ID'), IdCard: s.docNumber, Name: s.name, Extra: s.outSeqNo },
    });
    return { ref: res.BizToken, client: { provider: 'faceid', url: res.Url } };
  },
  async result(ref) {
    const res = await callTencentCloud<{ Text?: { ErrCode?: number | null } }>({
      service: 'faceid',
      host: 'faceid.tencentcloudapi.com',
      action: 'GetDetectInfoEnhanced',
      version: '2018-03-01',
      region: 'ap-guangzhou',
      body: { BizToken: ref, RuleId: requireEnv('FACEID_RULE_ID'), InfoType: '0' },
    });
    const code = res.Text?.ErrCode;
    if (code === 0) return 'pass';
    if (code === null || code === undefined) return 'pending';
    return code === -999 || code === 2005 ? 'cancelled' : 'fail';
  },
};

/**
 * Local: each session is an outbox entry that passes by default. A developer (or a test) sets
 * `state.result` to fail / cancelled / pending in the inspector before the app asks for the result.
 */
const localFace: FaceProvider = {
  name: 'local',
  async start(s) {
    const entry = await recordOutbox('face', { name: s.name, outSeqNo: s.outSeqNo }, { result: 'pass' });
    return { ref: entry.id, client: { provider: 'local', verifyId: entry.id } };
  },
  async result(ref) {
    const entry = await readOutbox(ref);
    const r = entry.state.result;
    return r === 'fail' || r === 'cancelled' || r === 'pending' ? r : 'pass';
  },
};

export function faceProvider(): FaceProvider {
  const chosen = process.env.FACE_PROVIDER ?? (isLocalRuntime() ? 'local' : 'wechat');
  if (chosen === 'faceid') return faceId;
  if (chosen === 'local') return localFace;
  return wechatFace;
}
