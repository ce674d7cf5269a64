import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EmulatorError } from './errors';

/** Who is calling, as WeChat would tell the function. Absent for server-side (admin SDK) calls. */
export interface CallerIdentity {
  openid?: string;
  appid?: string;
  unionid?: string;
}

export interface FunctionCallRecord {
  requestId: string;
  at: string;
  name: string;
  openid: string;
  durationMs: number;
  event: unknown;
  result?: unknown;
  error?: string;
}

type CloudFunctionMain = (event: unknown, context: Record<string, unknown>) => unknown;

export const DEFAULT_APPID = 'wx0000000000emulator';
const DEFAULT_TIMEOUT_MS = 20_000;
const CALL_LOG_SIZE = 200;
/** Fields whose values never appear in the inspector's call log. */
const SECRET_KEY = /(id(card)?(number|no)|docno|docnumber|phone|mobile|password|secret|token|^code$|smscode)/i;

/**
 * Runs cloud functions as SCF would: each is the bundled `index.js` of its folder, loaded once and
 * kept warm, and is called with `main(event, context)` where `context.environment` carries the
 * caller's WX_OPENID / WX_APPID.
 */
export class FunctionRuntime {
  private readonly loaded = new Map<string, CloudFunctionMain>();
  private readonly timeouts = new Map<string, number>();
  readonly calls: FunctionCallRecord[] = [];

  /** Folders searched in order; the first holding `<name>/index.js` wins. */
  readonly functionsDirs: string[];

  constructor(
    functionsDirs: string | string[],
    readonly envId: string,
    timeouts: Record<string, number> = {},
  ) {
    this.functionsDirs = Array.isArray(functionsDirs) ? functionsDirs : [functionsDirs];
    for (const [name, seconds] of Object.entries(timeouts)) this.timeouts.set(name, seconds * 1000);
  }

  names(): string[] {
    const names = new Set<string>();
    for (const dir of this.functionsDirs) {
      if (!fs.existsSync(dir)) continue;
      for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
        if (d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'index.js'))) names.add(d.name);
      }
    }
    return [...names].sort();
  }

  async invoke(
    name: string,
    event: unknown,
    identity: CallerIdentity,
  ): Promise<{ requestId: string; result: unknown }> {
    const main = this.load(name);
    const requestId = randomBytes(16).toString('hex');
    const timeoutMs = this.timeouts.get(name) ?? DEFAULT_TIMEOUT_MS;
    const context = this.contextFor(name, requestId, timeoutMs, identity);
    const started = Date.now();
    const record: FunctionCallRecord = {
      requestId,
      at: new Date(started).toISOString(),
      name,
      openid: identity.openid ?? '',
      durationMs: 0,
      event: redact(event),
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new EmulatorError('FUNCTIONS_TIME_LIMIT_EXCEEDED', `云函数 ${name} 执行超时（${timeoutMs} ms）`)),
          timeoutMs,
        );
      });
      const result = await Promise.race([Promise.resolve().then(() => main(event, context)), timeout]);
      record.result = redact(result);
      return { requestId, result };
    } catch (err) {
      record.error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      if (err instanceof EmulatorError) throw err;
      throw new EmulatorError('FUNCTIONS_EXECUTE_FAIL', `云函数 ${name} 执行失败: ${record.error}`);
    } finally {
      clearTimeout(timer);
      record.durationMs = Date.now() - started;
      this.calls.unshift(record);
      this.calls.length = Math.min(this.calls.length, CALL_LOG_SIZE);
    }
  }

  private load(name: string): CloudFunctionMain {
    const cached = this.loaded.get(name);
    if (cached) return cached;
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,59}$/.test(name))
      throw new EmulatorError('FUNCTIONS_NOT_FOUND', `云函数名称不合法: ${name}`);
    const file = this.functionsDirs.map((dir) => path.join(dir, name, 'index.js')).find((f) => fs.existsSync(f));
    if (!file) {
      throw new EmulatorError('FUNCTIONS_NOT_FOUND', `云函数 ${name} 不存在（先运行 npm run build）`);
    }
    // A fresh module per emulator, as a fresh SCF container: no SDK instance survives from another run.
    delete require.cache[require.resolve(file)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module per emulator after clearing the cache
    const mod = require(file) as { main?: CloudFunctionMain };
    if (typeof mod.main !== 'function') throw new EmulatorError('FUNCTIONS_NOT_FOUND', `云函数 ${name} 没有导出 main`);
    this.loaded.set(name, mod.main);
    return mod.main;
  }

  /** The SCF context: identity travels in `environment`, which tcb.getCloudbaseContext(context) parses. */
  private contextFor(
    name: string,
    requestId: string,
    timeoutMs: number,
    identity: CallerIdentity,
  ): Record<string, unknown> {
    const wx: Record<string, string> = {};
    if (identity.openid) {
      wx.WX_OPENID = identity.openid;
      wx.WX_APPID = identity.appid ?? DEFAULT_APPID;
      if (identity.unionid) wx.WX_UNIONID = identity.unionid;
    }
    const environment = {
      SCF_NAMESPACE: this.envId,
      TCB_ENV: this.envId,
      TCB_CONTEXT_KEYS: 'TCB_ENV,SCF_NAMESPACE',
      ...(identity.openid ? { WX_CONTEXT_KEYS: Object.keys(wx).join(','), ...wx } : {}),
    };
    return {
      request_id: requestId,
      function_name: name,
      function_version: '$LATEST',
      namespace: this.envId,
      memory_limit_in_mb: 256,
      time_limit_in_ms: timeoutMs,
      environment: JSON.stringify(environment),
    };
  }
}

/** A copy of a value with secret-looking fields masked, for the call log. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && (typeof v === 'string' || typeof v === 'number') ? '***' : redact(v, depth + 1);
  }
  return out;
}
