import type { ActionName, ActionReq, ActionRes, FunctionName } from '../../typings/api';
import type { ApiError } from '../../typings/errors';
import type { RunningEmulator } from '../../emulator/server';

export interface WebAnswer<T = unknown> {
  status: number;
  setCookie: string | null;
  body: { ok: true; data: T; csrfToken?: string } | { ok: false; error: ApiError; csrfToken?: string };
}

/**
 * A browser as the back office's server sees it: posts to /api/<function> with its cookie and the
 * CSRF header, keeps whatever cookie the answer sets.
 */
export class WebClient {
  cookie = '';
  csrf = '';
  constructor(readonly emulator: RunningEmulator) {}

  async post<T = unknown>(fn: string, body: unknown, opts: { csrf?: string | null; contentType?: string } = {}): Promise<WebAnswer<T>> {
    const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json' };
    if (this.cookie) headers.cookie = this.cookie;
    const csrf = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (csrf) headers['x-csrf-token'] = csrf;
    const res = await fetch(`${this.emulator.baseUrl}/api/${fn}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const pair = setCookie.split(';')[0];
      this.cookie = /Max-Age=0/.test(setCookie) ? '' : pair;
    }
    const answer = (await res.json()) as WebAnswer<T>['body'];
    if (answer.csrfToken) this.csrf = answer.csrfToken;
    return { status: res.status, setCookie, body: answer };
  }

  call<F extends FunctionName, A extends ActionName<F>>(fn: F, action: A, payload: ActionReq<F, A>): Promise<WebAnswer<ActionRes<F, A>>> {
    return this.post<ActionRes<F, A>>(fn, { action, payload });
  }

  async login(phone: string, password: string): Promise<WebAnswer> {
    return this.call('account', 'loginPassword', { phone, password });
  }
}
