import path from 'node:path';
import type { ActionContext, ActionDef, ApiRequest, ApiResponse } from '../../typings/api';
import { AppError } from './app-error';
import { callerOf, type Caller } from './cloud';
import { ConfigError, scfFunctionName } from './config';
import { recordRefused } from './refused';
import { parse } from './validate';
import { compareVersions, MIN_CLIENT_VERSION } from './version';
import { isHttpTriggerEvent, serveHttp, type HttpTriggerResult } from './web/http-door';

/** Event size the functions accept; larger payloads are refused before any work. */
export const MAX_EVENT_BYTES = 100 * 1024;

/** The context contract lives in typings so `Handlers<F>` can name it; `Caller` is the same shape. */
export type HandlerContext = ActionContext & { caller: Caller };

/** Any action of any function: the table `defineFunction` dispatches on (each is checked by `Handlers<F>`). */
export type AnyAction = ActionDef<unknown, unknown>;

/** The payload through the action's schema: a field table (an object of parsers) or a whole-payload parser. */
function parseInput(action: AnyAction, payload: unknown): unknown {
  return typeof action.input === 'function' ? action.input(payload, '') : parse(action.input, payload);
}

/**
 * Builds a cloud function's `main` from a table of actions. Shape checks, parsing the payload by the
 * action's schema, the client-version check and error mapping live here once, so each action only
 * does its own work.
 */
export function defineFunction(handlers: Record<string, AnyAction>, name = functionNameOf()) {
  async function run(event: unknown, caller: Caller): Promise<ApiResponse<unknown>> {
    try {
      const request = parseRequest(event);
      if (request.clientVersion !== undefined && compareVersions(request.clientVersion, MIN_CLIENT_VERSION) < 0) {
        throw new AppError('CLIENT_TOO_OLD');
      }
      const handler = Object.prototype.hasOwnProperty.call(handlers, request.action)
        ? handlers[request.action]
        : undefined;
      if (!handler) throw new AppError('UNKNOWN_ACTION');
      const ctx: HandlerContext = { caller, requestId: request.requestId };
      try {
        const data = await handler.run(parseInput(handler, request.payload ?? {}), ctx);
        return { ok: true, data };
      } catch (err) {
        // Refused privileged calls leave a trace (rate-capped), so an admin sees who tried what.
        if (err instanceof AppError && err.code === 'PERMISSION_DENIED')
          await recordRefused(name, request.action, request.payload, err, ctx);
        throw err;
      }
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: err.toApiError() };
      if (err instanceof ConfigError) {
        logConfigErrorOnce(err);
        return { ok: false, error: new AppError('CONFIG_ERROR').toApiError() };
      }
      // Unexpected failures are logged by type and code location only: messages may carry personal data.
      const where =
        err instanceof Error
          ? (err.stack ?? '')
              .split('\n')
              .slice(1, 4)
              .map((l) => l.trim())
              .join(' < ')
          : '';
      const code = (err as { code?: unknown }).code;
      console.error(
        `[function] unexpected error in ${String((event as { action?: unknown })?.action ?? '?')}:`,
        err instanceof Error ? err.name : typeof err,
        typeof code === 'string' ? code : '',
        where,
      );
      return { ok: false, error: new AppError('INTERNAL').toApiError() };
    }
  }
  return async function main(event: unknown, context: unknown): Promise<ApiResponse<unknown> | HttpTriggerResult> {
    const caller = callerOf(context);
    // The console's door (HTTP access service): the caller is a web session instead of a WeChat context.
    if (isHttpTriggerEvent(event, caller)) return serveHttp(name, event, run);
    return run(event, caller);
  };
}

const reportedConfigErrors = new Set<string>();

/** The operator needs the variable and what is wrong with it once per instance, not on every call (never its value). */
function logConfigErrorOnce(err: ConfigError): void {
  if (reportedConfigErrors.has(err.message)) return;
  reportedConfigErrors.add(err.message);
  console.error(`[config] ${err.message}`);
}

/** The function's name as SCF sets it; the bundle's folder name otherwise (emulator, tests). */
function functionNameOf(): string {
  return scfFunctionName() ?? path.basename(__dirname);
}

function parseRequest(event: unknown): ApiRequest {
  if (!event || typeof event !== 'object' || Array.isArray(event))
    throw new AppError('INVALID_INPUT', '请求格式不正确');
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(event));
  } catch {
    throw new AppError('INVALID_INPUT', '请求格式不正确');
  }
  if (size > MAX_EVENT_BYTES) throw new AppError('PAYLOAD_TOO_LARGE');
  const e = event as Record<string, unknown>;
  if (typeof e.action !== 'string' || e.action === '') throw new AppError('INVALID_INPUT', '缺少操作类型 action');
  if (e.requestId !== undefined && (typeof e.requestId !== 'string' || e.requestId.length > 64)) {
    throw new AppError('INVALID_INPUT', '请求编号 requestId 不合法');
  }
  if (e.clientVersion !== undefined && typeof e.clientVersion !== 'string') {
    throw new AppError('INVALID_INPUT', '客户端版本 clientVersion 不合法');
  }
  return e as unknown as ApiRequest;
}
