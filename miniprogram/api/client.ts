import type { ActionName, ActionReq, ActionRes, ApiResponse, FunctionName } from '../../typings/api';
import type { ErrorCode } from '../../typings/errors';
import { CLIENT_VERSION } from '../config';
import { transport } from './transport';

/** The one typed client: every page calls functions through here. */
export class ClientError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

// The only message the server cannot send: it never received the call.
const NETWORK_MESSAGE = '访问超时，请重试';

export function newRequestId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

export async function call<F extends FunctionName, A extends ActionName<F>>(
  fn: F,
  action: A,
  payload: ActionReq<F, A>,
  requestId?: string,
): Promise<ActionRes<F, A>> {
  let res: ApiResponse<ActionRes<F, A>> | undefined;
  try {
    res = (await transport()(fn, {
      action,
      payload,
      clientVersion: CLIENT_VERSION,
      ...(requestId ? { requestId } : {}),
    })) as ApiResponse<ActionRes<F, A>>;
  } catch {
    throw new ClientError('NETWORK_TIMEOUT', NETWORK_MESSAGE);
  }
  if (!res || typeof res !== 'object') throw new ClientError('NETWORK_TIMEOUT', NETWORK_MESSAGE);
  if (!res.ok) throw new ClientError(res.error.code, res.error.message, res.error.field);
  return res.data;
}
