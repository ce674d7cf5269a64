import assert from 'node:assert/strict';
import { FACE_UNSUPPORTED_MESSAGE, faceVerifyUnsupported, type FaceApi } from '../../miniprogram/utils/base-library';

/** The register page's check before wx.requestFacialVerify, with the WeChat the person has. */
describe('the face check needs base library 3.8.12 on the phone', () => {
  const phone = (SDKVersion: string, hasApi = true): FaceApi => ({
    getAppBaseInfo: () => ({ SDKVersion }),
    ...(hasApi ? { requestFacialVerify: () => undefined } : {}),
  });

  it('an older WeChat is told to upgrade, or to ask for a built-in account', () => {
    assert.equal(faceVerifyUnsupported(phone('3.7.10')), FACE_UNSUPPORTED_MESSAGE);
    assert.match(FACE_UNSUPPORTED_MESSAGE, /升级微信后重试.*内置账号/);
    assert.equal(
      faceVerifyUnsupported(phone('3.8.12', false)),
      FACE_UNSUPPORTED_MESSAGE,
      'the API itself must exist too',
    );
  });

  it('3.8.12 and newer go ahead', () => {
    assert.equal(faceVerifyUnsupported(phone('3.8.12')), null);
    assert.equal(faceVerifyUnsupported(phone('3.10.1')), null);
  });
});
