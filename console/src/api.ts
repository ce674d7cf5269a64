import type { ActionName, ActionReq, ActionRes, FunctionName } from '@typings/api';
import type { ApiError } from '@typings/errors';

/** Where the functions answer: CloudBase's HTTP access service on the same domain as the console. */
const API_BASE = '/api';

let csrfToken = '';
let onSessionLost: ((message: string) => void) | undefined;

export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
  }
  get code(): string {
    return this.error.code;
  }
}

export function whenSessionLost(handler: (message: string) => void): void {
  onSessionLost = handler;
}

export function forgetCsrf(): void {
  csrfToken = '';
}

/** One typed call to a function action, the same contract the mini-program uses. */
export async function call<F extends FunctionName, A extends ActionName<F>>(
  fn: F,
  action: A,
  payload: ActionReq<F, A>,
): Promise<ActionRes<F, A>> {
  let res: Response;
  try {
    res = await fetch(`${API_BASE}/${fn}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify({ action, payload, requestId: crypto.randomUUID() }),
    });
  } catch {
    throw new ApiFailure({ code: 'NETWORK_TIMEOUT', message: '网络连接失败，请检查网络后重试' });
  }
  let body: { ok: boolean; data?: unknown; error?: ApiError; csrfToken?: string };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ApiFailure({ code: 'INTERNAL', message: `服务暂时不可用（HTTP ${res.status}），请稍后重试` });
  }
  if (body.csrfToken) csrfToken = body.csrfToken;
  if (!body.ok) {
    const error = body.error ?? { code: 'INTERNAL', message: '系统繁忙，请稍后重试' };
    if (res.status === 401 && onSessionLost) onSessionLost(error.message);
    throw new ApiFailure(error);
  }
  return body.data as ActionRes<F, A>;
}

export function messageOf(err: unknown): string {
  return err instanceof ApiFailure ? err.message : '系统繁忙，请稍后重试';
}
