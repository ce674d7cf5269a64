/**
 * wx.requestFacialVerify (微信人脸核身 v2) exists from base library 3.8.12. An older WeChat would
 * fail without a word, so the register page checks first and tells the person what to do.
 */
export const FACE_MIN_BASE_LIBRARY = '3.8.12';

export const FACE_UNSUPPORTED_MESSAGE = `当前微信版本过低（需支持基础库 ${FACE_MIN_BASE_LIBRARY} 及以上），无法进行人脸核身。请在“我 → 设置 → 关于微信”中升级微信后重试；无法升级的，可请本级工会申请内置账号`;

function compare(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] || 0) - (y[i] || 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The part of `wx` the check reads; passed in so the check runs anywhere (and in tests). */
export interface FaceApi {
  requestFacialVerify?: unknown;
  getAppBaseInfo?: () => { SDKVersion: string };
}

/** The message to show when this WeChat cannot run the face check, or null when it can. */
export function faceVerifyUnsupported(api: FaceApi): string | null {
  const version = typeof api.getAppBaseInfo === 'function' ? api.getAppBaseInfo().SDKVersion : '0';
  return typeof api.requestFacialVerify === 'function' && compare(version, FACE_MIN_BASE_LIBRARY) >= 0
    ? null
    : FACE_UNSUPPORTED_MESSAGE;
}
