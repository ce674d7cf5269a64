/**
 * Where the mini-program sends its calls. In WeChat: the CloudBase environment. In DevTools against
 * `npm start`: the emulator's gateway, acting as a demo identity (set `local.openid` to switch).
 */
export const CLOUD_ENV = 'union-prod-0g1h2i3j';
export const CLIENT_VERSION = '1.0.0';

export const local = {
  /** Turn on to use the emulator from DevTools (needs "不校验合法域名"). */
  enabled: false,
  gateway: 'http://127.0.0.1:8848',
  openid: 'demo-member',
};
