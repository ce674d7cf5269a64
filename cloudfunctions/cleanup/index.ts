import { AppError } from '../shared/app-error';
import { callerOf } from '../shared/cloud';
import { defineFunction } from '../shared/handler';
import { sweep } from '../shared/lifecycle/cleanup';

/**
 * Timer-triggered (cloudbaserc.json: every hour): deletes personal data past its retention. Not an
 * action anyone calls: a WeChat caller is refused, and any event other than the timer's is answered
 * as an unknown action (so `npm run smoke` sees the function load without running a sweep).
 */

/** No actions a client may call: the table is empty, so the authorization matrix has nothing to list. */
export const actions: Record<string, never> = {};
const noActions = defineFunction(actions);

export async function main(event: unknown, context: unknown) {
  if (callerOf(context).openid)
    return { ok: false, error: new AppError('PERMISSION_DENIED', '该功能仅由系统定时执行').toApiError() };
  if ((event as { Type?: unknown } | null)?.Type !== 'Timer') return noActions(event, context);
  const report = await sweep();
  if (Object.values(report).some((n) => n > 0)) console.log(`[cleanup] timer run deleted: ${JSON.stringify(report)}`);
  return { ok: true, data: report };
}
