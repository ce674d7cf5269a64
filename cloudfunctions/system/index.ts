import type { PingResult, StatusResult } from '../../typings/system';
import { AppError } from '../shared/app-error';
import { db } from '../shared/db';
import { PLATFORM_SCOPE, type UnionDoc } from '../shared/documents';
import type { Handlers } from '../../typings/api';
import { defineFunction } from '../shared/handler';
import { parse } from '../shared/validate';
import { MIN_CLIENT_VERSION } from '../shared/version';

/** Health and version: the mini-program's first call, which also tells an old client to update. */
export const actions = {
  ping: (payload, { caller }): PingResult => {
    parse({}, payload);
    return { serverTime: new Date().toISOString(), minClientVersion: MIN_CLIENT_VERSION, hasIdentity: caller.openid !== '' };
  },
  /** For `npm run smoke`: read-only counts that tell an operator whether the environment was bootstrapped. */
  status: async (payload, { caller }): Promise<StatusResult> => {
    parse({}, payload);
    // Only the operator's server-side SDK (no WeChat identity) may ask.
    if (caller.openid) throw new AppError('PERMISSION_DENIED');
    const top = await db().collection('unions').where({ parentId: null, status: 'active' }).limit(20).get();
    const office = await db().collection('roles').where({ unionId: PLATFORM_SCOPE, role: 'provinceOffice', status: 'active' }).count();
    const waiting = await db().collection('roles').where({ userId: null, status: 'active' }).count();
    return {
      topLevelUnions: (top.data as UnionDoc[]).map((u) => ({ name: u.name, adminCount: u.adminCount })),
      provinceOfficeRoles: Number(office.total),
      waitingRoles: Number(waiting.total),
    };
  },
} satisfies Handlers<'system'>;

export const main = defineFunction(actions);
