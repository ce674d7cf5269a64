import type { PingResult } from '../../typings/system';
import { defineFunction, type ActionHandler } from '../shared/handler';
import { parse } from '../shared/validate';
import { MIN_CLIENT_VERSION } from '../shared/version';

/** Health and version: the mini-program's first call, which also tells an old client to update. */
export const actions: Record<string, ActionHandler> = {
  ping: (payload, { caller }): PingResult => {
    parse({}, payload);
    return { serverTime: new Date().toISOString(), minClientVersion: MIN_CLIENT_VERSION, hasIdentity: caller.openid !== '' };
  },
};

export const main = defineFunction(actions);
