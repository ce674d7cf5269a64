import type { AppError } from './app-error';
import { userOfOpenid } from './actor';
import { audit } from './audit';
import { findById } from './db';
import { PLATFORM_SCOPE } from './documents';
import type { HandlerContext } from './handler';
import { takeSlot } from './security/rate-limit';

/** Refused rows a caller may add an hour, and the whole platform: an attack cannot flood the log. */
export const REFUSED_CAPS = { perCaller: 10, global: 1000 };

/** The union a refused request was aimed at, so that union's admins see it; else the province office. */
async function targetUnion(fn: string, payload: Record<string, unknown>): Promise<string> {
  if (typeof payload.unionId === 'string' && payload.unionId.length <= 64) return payload.unionId;
  if (fn === 'review' && typeof payload.id === 'string' && payload.id.length <= 64) {
    const app = await findById<{ unionId: string | null; reviewerUnionId: string }>('applications', payload.id);
    if (app) return app.unionId ?? app.reviewerUnionId;
  }
  return PLATFORM_SCOPE;
}

/**
 * A privileged call refused for lack of rights is recorded as refused (who, what, aimed at which
 * union). Capped per caller and globally per hour; beyond the cap the refusal still happens, it is
 * just not written again. Never fails the response it accompanies.
 */
export async function recordRefused(
  fn: string,
  action: string,
  payload: unknown,
  err: AppError,
  ctx: HandlerContext,
): Promise<void> {
  try {
    const who = ctx.caller.openid || 'server';
    if (!(await takeSlot({ key: `audit-refused:${who}`, limit: REFUSED_CAPS.perCaller, seconds: 3600 }))) return;
    if (!(await takeSlot({ key: 'audit-refused:all', limit: REFUSED_CAPS.global, seconds: 3600 }))) return;
    const p =
      payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
    const user = await userOfOpenid(ctx.caller.openid);
    const target = typeof p.id === 'string' ? p.id : typeof p.unionId === 'string' ? p.unionId : '';
    await audit(
      {
        actorUserId: user?._id ?? null,
        ...(user ? { actorName: user.name } : {}),
        action: `${fn}.${action}`,
        targetType: typeof p.id === 'string' ? 'application' : typeof p.unionId === 'string' ? 'union' : 'request',
        targetId: target.slice(0, 64),
        unionId: await targetUnion(fn, p),
        result: 'refused',
        detail: { message: err.message },
      },
      ctx,
    );
  } catch (e) {
    console.error('[audit] could not record a refused call:', e instanceof Error ? e.name : typeof e);
  }
}
