import type { PingResult } from '../../typings/system';
import { defineFunction } from '../shared/handler';
import { MIN_CLIENT_VERSION } from '../shared/version';

/** Health and version: the mini-program's first call, which also tells an old client to update. */
export const main = defineFunction({
  ping: (_payload, { caller }): PingResult => ({
    serverTime: new Date().toISOString(),
    minClientVersion: MIN_CLIENT_VERSION,
    hasIdentity: caller.openid !== '',
  }),
});
