import tcb from '@cloudbase/node-sdk';
import { IDENTITY_HEADER, type RunningEmulator } from './server';

/**
 * The real @cloudbase/node-sdk pointed at an emulator, optionally calling as a WeChat user (the openid
 * travels in a header the emulator reads; in the cloud WeChat supplies it). For tests, benchmarks, tools.
 */
export function sdkFor(emulator: Pick<RunningEmulator, 'envId' | 'serviceUrl'>, openid?: string, timeout = 60_000) {
  return tcb.init({
    timeout,
    env: emulator.envId,
    serviceUrl: emulator.serviceUrl,
    secretId: 'test',
    secretKey: 'test',
    headers: openid ? { [IDENTITY_HEADER]: openid } : {},
  });
}
