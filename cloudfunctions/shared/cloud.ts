import tcb from '@cloudbase/node-sdk';
import { cloudbaseTarget } from './config';

type CloudApp = ReturnType<typeof tcb.init>;

let cached: { serviceUrl: string | undefined; app: CloudApp } | undefined;

/**
 * The CloudBase app for this function. In the cloud serviceUrl is unset and the SDK talks to the
 * current environment; locally TCB_SERVICE_URL points it at the emulator.
 */
export function cloudApp(): CloudApp {
  const target = cloudbaseTarget();
  const serviceUrl = target.serviceUrl;
  if (!cached || cached.serviceUrl !== serviceUrl) {
    cached = {
      serviceUrl,
      app: tcb.init({ env: target.env ?? tcb.SYMBOL_CURRENT_ENV, serviceUrl, timeout: 10_000 }),
    };
  }
  return cached.app;
}

export function database() {
  return cloudApp().database();
}

export interface Caller {
  /** Empty for server-side calls, which carry no WeChat identity. */
  openid: string;
  appid: string;
}

/** The caller as WeChat vouches for it, read from the SCF context; never from the event. */
export function callerOf(context: unknown): Caller {
  const env = tcb.getCloudbaseContext(context as Parameters<typeof tcb.getCloudbaseContext>[0]);
  return { openid: env.WX_OPENID ?? '', appid: env.WX_APPID ?? '' };
}
