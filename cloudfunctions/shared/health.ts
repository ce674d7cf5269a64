import type { PingResult, StatusResult } from '../../typings/system';
import { AppError } from './app-error';
import { db } from './db';
import { PLATFORM_SCOPE, type UnionDoc } from './documents';
import type { HandlerContext } from './handler';
import { MIN_CLIENT_VERSION } from './version';

/** Health and version: the mini-program's first call, which also tells an old client to update. */
export function ping(_input: unknown, { caller }: HandlerContext): PingResult {
  return {
    serverTime: new Date().toISOString(),
    minClientVersion: MIN_CLIENT_VERSION,
    hasIdentity: caller.openid !== '',
  };
}

/** For `npm run smoke`: read-only counts that tell an operator whether the environment was bootstrapped. */
export async function status(_input: unknown, { caller }: HandlerContext): Promise<StatusResult> {
  // Only the operator's server-side SDK (no WeChat identity) may ask.
  if (caller.openid) throw new AppError('PERMISSION_DENIED');
  const top = await db().collection('unions').where({ parentId: null, status: 'active' }).limit(20).get();
  const office = await db()
    .collection('roles')
    .where({ unionId: PLATFORM_SCOPE, role: 'provinceOffice', status: 'active' })
    .count();
  const waiting = await db().collection('roles').where({ userId: null, status: 'active' }).count();
  return {
    topLevelUnions: (top.data as UnionDoc[]).map((u) => ({ name: u.name, adminCount: u.adminCount })),
    provinceOfficeRoles: Number(office.total),
    waitingRoles: Number(waiting.total),
  };
}
