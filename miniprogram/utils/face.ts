import { call } from '../api/client';
import { faceVerifyUnsupported, type FaceApi } from './base-library';

function facialVerify(verifyId: string): Promise<void> {
  return new Promise((resolve) => {
    // wx.requestFacialVerify (人脸核身 v2); the result is read on the server by queryverifyinfo.
    (
      wx as unknown as { requestFacialVerify(o: { verifyId: string; success(): void; fail(e: unknown): void }): void }
    ).requestFacialVerify({
      verifyId,
      success: () => resolve(),
      fail: () => resolve(), // cancelled or failed: the server says which when asked
    });
  });
}

/**
 * The face check on a resident ID, as registration and recovery both run it: the server starts the
 * provider's session, WeChat shows the check, and the server asks the provider for the outcome (the
 * client's word is not taken). `registered` is told only once the face has matched.
 */
export async function verifyFace(name: string, docNumber: string): Promise<{ sessionId: string; registered: boolean }> {
  const started = await call('account', 'startFace', { name, docType: 'resident', docNumber });
  if (started.provider === 'wechat' && started.verifyId) {
    // wx.requestFacialVerify needs a recent base library: say so rather than fail silently.
    const unsupported = faceVerifyUnsupported(wx as unknown as FaceApi);
    if (unsupported) throw new Error(unsupported);
    await facialVerify(started.verifyId);
  }
  const passed = await call('account', 'completeFace', { sessionId: started.sessionId });
  return { sessionId: started.sessionId, registered: passed.registered };
}
