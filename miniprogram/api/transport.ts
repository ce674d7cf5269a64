import { CLOUD_ENV, local } from '../config';

/**
 * One way to reach a cloud function: wx.cloud.callFunction in WeChat, the emulator's HTTP gateway in
 * local development, or the emulator in-process in page tests. Each answers with the function's result.
 */
export type Transport = (name: string, data: Record<string, unknown>) => Promise<unknown>;

const cloud: Transport = (name, data) =>
  new Promise((resolve, reject) => {
    wx.cloud.callFunction({ name, data, success: (res) => resolve(res.result), fail: reject });
  });

const gateway: Transport = (name, data) =>
  new Promise((resolve, reject) => {
    wx.request({
      url: `${local.gateway}/functions/${name}`,
      method: 'POST',
      data,
      header: { 'content-type': 'application/json', 'x-emulator-openid': local.openid },
      timeout: 10000,
      success: (res) =>
        res.statusCode === 200
          ? resolve((res.data as { result: unknown }).result)
          : reject(new Error(`HTTP ${res.statusCode}`)),
      fail: reject,
    });
  });

let current: Transport | undefined;
let cloudReady = false;

/** Tests install the in-process transport here. */
export function setTransport(t: Transport | undefined): void {
  current = t;
}

export function transport(): Transport {
  if (current) return current;
  if (local.enabled) return gateway;
  if (!cloudReady) {
    wx.cloud.init({ env: CLOUD_ENV, traceUser: true });
    cloudReady = true;
  }
  return cloud;
}
