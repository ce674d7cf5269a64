import { createHash } from 'node:crypto';
import { faceConfig } from '../config';
import { readOutbox, recordOutbox } from './outbox';
import { callTencentCloud } from './tencent-cloud';
import { callWechat } from './wechat';

/**
 * Face verification behind one interface. The server starts a session and later asks the provider
 * for the result itself: whatever the client reports is never trusted.
 */
export type FaceOutcome =
  | { outcome: 'pass' }
  /** Only for identity failures: the face or the document is not this person's. */
  | { outcome: 'fail'; code: number | string }
  | { outcome: 'cancelled' }
  | { outcome: 'pending' }
  /** Device, network or provider trouble: the session stays open. */
  | { outcome: 'retry'; reason: string }
  /** The provider's session is used up: start a new one. */
  | { outcome: 'expired' };

export interface FaceStart {
  /** The provider's session id, handed to the client (wx.requestFacialVerify, FaceID H5, or nothing locally). */
  ref: string;
  client: { provider: FaceProviderName; verifyId?: string; bizToken?: string };
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
  return createHash('sha256')
    .update(`cert_type=${b64('IDENTITY_CARD')}&cert_name=${b64(name)}&cert_no=${b64(docNumber)}`)
    .digest('hex');
}

/** verify_ret values of queryverifyinfo that mean the person stopped, not that they failed. */
const WECHAT_CANCELLED = new Set([90002, 90003, 90004, 90005, 90006]);
/** Device, permission, network, capture and system trouble: the same session can be tried again. */
const WECHAT_RETRY: Record<number, string> = {
  90001: '设备不支持人脸检测',
  90109: '设备不支持人脸检测',
  90007: '网络错误',
  90012: '网络错误',
  90008: '未授权使用相机',
  90009: '未授权使用麦克风',
  90010: '未授权使用相机和麦克风',
  90011: '未采集到有效的人脸',
  90013: '未采集到有效的人脸',
  90014: '未采集到有效的人脸',
  90017: '识别超时',
  90107: '识别超时',
  90018: '系统错误',
  90104: '系统错误',
  90105: '系统错误',
  90106: '相机启动失败',
  90110: '系统错误',
  90199: '系统错误',
};

/** WeChat 人脸核身 v2: getverifyid → wx.requestFacialVerify → queryverifyinfo (pass only at 10000). */
const wechatFace: FaceProvider = {
  name: 'wechat',
  async start(s) {
    const res = await callWechat<{ verify_id?: string }>('/cityservice/face/identify/getverifyid', {
      out_seq_no: s.outSeqNo,
      cert_info: { cert_type: 'IDENTITY_CARD', cert_name: s.name, cert_no: s.docNumber },
      openid: s.openid,
    });
    if (!res.verify_id) throw new Error('getverifyid answered no verify_id');
    return { ref: res.verify_id, client: { provider: 'wechat', verifyId: res.verify_id } };
  },
  async result(ref, s) {
    // cert_hash binds the answer to the name and ID this session started with: WeChat refuses another.
    // An errcode (token, system, wrong hash) throws: the session stays open and the person retries.
    const res = await callWechat<{ verify_ret?: number }>('/cityservice/face/identify/queryverifyinfo', {
      verify_id: ref,
      out_seq_no: s.outSeqNo,
      cert_hash: wechatCertHash(s.name, s.docNumber),
      openid: s.openid,
    });
    const ret = res.verify_ret;
    if (ret === undefined || ret === null) return { outcome: 'pending' };
    if (ret === 10000) return { outcome: 'pass' };
    if (WECHAT_CANCELLED.has(ret)) return { outcome: 'cancelled' };
    if (WECHAT_RETRY[ret]) return { outcome: 'retry', reason: WECHAT_RETRY[ret] };
    return { outcome: 'fail', code: ret };
  },
};

/** FaceID Text.ErrCode values that say who the person is not (增强版/Plus 返回码): only these fail the session. */
const FACEID_IDENTITY_FAILURES: Record<number, string> = {
  301: '证件号码与本人不符',
  302: '身份证已过期',
  1002: '疑似非真人录制',
  2002: '姓名有误',
  2003: '身份证号有误',
  2005: '未查询到身份信息',
  2006: '姓名和身份证号不匹配',
  2007: '未查询到照片信息',
  2008: '未查询到照片信息',
  2009: '证件照分辨率过低',
  2016: '无法判断为同一人',
};

const FACEID_API = {
  service: 'faceid',
  host: 'faceid.tencentcloudapi.com',
  version: '2018-03-01',
  region: 'ap-guangzhou',
} as const;

/**
 * Tencent Cloud FaceID (慧眼) the documented mini-program way: DetectAuth gives a BizToken, the
 * mini-program verifies with the FaceID SDK's startVerify, and GetDetectInfoEnhanced reads the text
 * result only (InfoType 1: no video or photos to download).
 */
const faceId: FaceProvider = {
  name: 'faceid',
  async start(s) {
    const cfg = faceConfig();
    const ruleId = cfg.provider === 'faceid' ? cfg.ruleId : '';
    const res = await callTencentCloud<{ BizToken: string }>({
      ...FACEID_API,
      action: 'DetectAuth',
      body: { RuleId: ruleId, IdCard: s.docNumber, Name: s.name, Extra: s.outSeqNo },
    });
    return { ref: res.BizToken, client: { provider: 'faceid', bizToken: res.BizToken } };
  },
  async result(ref, s) {
    const cfg = faceConfig();
    const ruleId = cfg.provider === 'faceid' ? cfg.ruleId : '';
    const res = await callTencentCloud<{
      Text?: { ErrCode?: number | null; IdCard?: string | null; Name?: string | null } | null;
    }>(
      { ...FACEID_API, action: 'GetDetectInfoEnhanced', body: { BizToken: ref, RuleId: ruleId, InfoType: '1' } },
      10_000,
    );
    const text = res.Text ?? {};
    const code = text.ErrCode;
    if (code === null || code === undefined || code === 17) return { outcome: 'pending' };
    if (code === 0) {
      // The identity verified must be the one this session was started for.
      const sameId = (text.IdCard ?? '').toUpperCase() === s.docNumber.toUpperCase();
      return sameId && text.Name === s.name ? { outcome: 'pass' } : { outcome: 'fail', code: 'identity-mismatch' };
    }
    if (code === 15 || code === 16) return { outcome: 'expired' };
    if (FACEID_IDENTITY_FAILURES[code]) return { outcome: 'fail', code };
    return { outcome: 'retry', reason: '核验服务暂时没有完成' };
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
    if (r === 'fail') return { outcome: 'fail', code: 'local' };
    if (r === 'retry') return { outcome: 'retry', reason: '网络错误' };
    return r === 'cancelled' || r === 'pending' || r === 'expired' ? { outcome: r } : { outcome: 'pass' };
  },
};

/** The provider FACE_PROVIDER names (checked by the configuration module). */
export function faceProvider(): FaceProvider {
  const chosen = faceConfig().provider;
  return chosen === 'faceid' ? faceId : chosen === 'local' ? localFace : wechatFace;
}
