import assert from 'node:assert/strict';
import { FACE_UNSUPPORTED_MESSAGE, faceVerifyUnsupported } from '../../miniprogram/utils/base-library';

/** The register page's check before wx.requestFacialVerify, with the WeChat the person has. */
describe('the face check needs base library 3.8.12 on the phone', () => {
  const g = globalThis as unknown as { wx?: unknown };
  const saved = g.wx;
  afterEach(() => {
    g.wx = saved;
  });
  const phone = (SDKVersion: string, hasApi = true) => {
    g.wx = { getAppBaseInfo: () => ({ SDKVersion }), ...(hasApi ? { requestFacialVerify: () => undefined } : {}) };
  };

  it('an older WeChat is told to upgrade, or to ask for a built-in account', () => {
    phone('3.7.10');
    assert.equal(faceVerifyUnsupported(), FACE_UNSUPPORTED_MESSAGE);
    assert.match(FACE_UNSUPPORTED_MESSAGE, /升级微信后重试.*内置账号/);
    phone('3.8.12', false);
    assert.equal(faceVerifyUnsupported(), FACE_UNSUPPORTED_MESSAGE, 'the API itself must exist too');
  });

  it('3.8.12 and newer go ahead', () => {
    phone('3.8.12');
    assert.equal(faceVerifyUnsupported(), null);
    phone('3.10.1');
    assert.equal(faceVerifyUnsupported(), null);
  });
});
