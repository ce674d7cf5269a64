import { AppError } from '../shared/app-error';
import { callerOf } from '../shared/cloud';
import { sweep } from '../shared/lifecycle/cleanup';

/**
 * Timer-triggered (cloudbaserc.json: every hour): deletes personal data past its retention. Not an
 * action anyone calls: a WeChat caller is refused; the timer event and server-side calls run the sweep.
 */
/** No actions a client may call: the table is empty, so the authorization matrix has nothing to list. */
export const actions: Record<string, never> = {};

export async function main(event: unknown, context: unknown) {
  if (callerOf(context).openid) return { ok: false, error: new AppError('PERMISSION_DENIED', '该功能仅由系统定时执行').toApiError() };
  const timer = (event as { Type?: unknown } | null)?.Type === 'Timer';
  const report = await sweep();
  if (Object.values(report).some((n) => n > 0)) console.log(`[cleanup] ${timer ? 'timer' : 'manual'} run deleted: ${JSON.stringify(report)}`);
  return { ok: true, data: report };
}
