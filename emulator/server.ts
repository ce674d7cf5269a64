import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ActionParams } from './database/actions';
import { DatabaseEngine } from './database/engine';
import type { EmulatorContext } from './context';
import { FaultInjector } from './faults';
import { EmulatorError } from './errors';
import { findRoute, parseJson, readBody, sendJson, type Route } from './http-util';
import { FunctionRuntime, type CallerIdentity } from './functions';
import { consoleRoutes, CONSOLE_PATH } from './console-routes';
import { inspectorRoutes } from './inspector/routes';
import { serviceActions } from './service-actions';
import { TimerScheduler, timerTriggersOf } from './timers';
import { useLocalKeys } from './local-keys';
import { Outbox } from './outbox';
import { LocalStorage, MAX_OBJECT_BYTES } from './storage';
import { DocumentStore, type CollectionSpec } from './store/document-store';

export type { EmulatorContext } from './context';
export type { CollectionSpec, IndexSpec } from './store/document-store';

export const IDENTITY_HEADER = 'x-emulator-openid';
export const APPID_HEADER = 'x-emulator-appid';
export const DEFAULT_ENV_ID = 'local-dev';
const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** wx.cloud.callFunction refuses request payloads over about 5 MB; the gateway does the same. */
const MAX_GATEWAY_BYTES = 5 * 1024 * 1024;

/**
 * Everything the emulator knows about the project it runs is passed in here: it has no schema, functions,
 * secrets or static site of its own (fixtures/local-emulator.ts wires this repository's).
 */
export interface EmulatorOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Folder for the SQLite file and stored files. Omitted with inMemory. */
  dataDir?: string;
  inMemory?: boolean;
  envId?: string;
  /** Collections created at start, with their indexes (existing ones are kept; indexes are added if missing). */
  collections?: readonly CollectionSpec[];
  /** Folders of built functions, one sub-folder with index.js each. None by default. */
  functionsDirs?: string[];
  functionTimeouts?: Record<string, number>;
  /** Names of secrets the functions read from their environment: each a random key kept in the data folder. */
  secrets?: readonly string[];
  /** Environment the in-process functions see unless this process already sets it (e.g. local providers). */
  functionEnv?: Readonly<Record<string, string>>;
  /** A cloudbaserc.json whose timer triggers run here; none by default. */
  cloudbaserc?: string;
  /** Run timer triggers on their schedule (default true); `POST /_/timers/<fn>/<trigger>` fires one either way. */
  scheduleTimers?: boolean;
  /** The built static site served under /console/ (CloudBase static hosting); none by default. */
  consoleDir?: string;
  /** A server the caller has already bound (the CLI holds its port before it touches the data folder). */
  listening?: http.Server;
}

export interface RunningEmulator extends EmulatorContext {
  port: number;
  baseUrl: string;
  /** What to pass as `serviceUrl` to tcb.init. */
  serviceUrl: string;
  gatewayUrl: string;
  inspectorUrl: string;
  /** The static site (consoleDir); its /api/* calls reach the functions as HTTP-trigger events. */
  consoleUrl: string;
  timers: TimerScheduler;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const envId = options.envId ?? DEFAULT_ENV_ID;
  const dataDir = options.inMemory
    ? fs.mkdtempSync(path.join(os.tmpdir(), 'tcb-emulator-'))
    : path.resolve(options.dataDir ?? '.data');
  fs.mkdirSync(dataDir, { recursive: true });
  useLocalKeys(dataDir, options.secrets ?? []);
  const store = new DocumentStore({ file: options.inMemory ? undefined : path.join(dataDir, 'emulator.sqlite') });
  for (const spec of options.collections ?? []) {
    store.createCollection(spec.name);
    for (const index of spec.indexes) store.ensureIndex(spec.name, index);
  }
  const engine = new DatabaseEngine(store);
  const storage = new LocalStorage(path.join(dataDir, 'storage'), envId);
  const outbox = new Outbox(store.db);
  const functions = new FunctionRuntime(
    (options.functionsDirs ?? []).map((d) => path.resolve(d)),
    envId,
    options.functionTimeouts,
  );
  const actionCounts = new Map<string, number>();
  const faults = new FaultInjector();
  const timers = new TimerScheduler(options.cloudbaserc ? timerTriggersOf(options.cloudbaserc) : [], functions);
  if (options.scheduleTimers !== false) timers.start();

  const server = options.listening ?? http.createServer();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    route(req, res).catch((err: unknown) => sendError(res, err));
  });
  server.keepAliveTimeout = 10_000;

  const ctx: EmulatorContext = { store, engine, storage, outbox, functions, actionCounts, envId, faults };
  const actions = serviceActions(engine, storage, functions);
  // The CloudBase doors first (the SDK's /admin, the function gateway, storage URLs), then the extras.
  const routes: Route[] = [
    {
      method: 'POST',
      path: /^\/admin$/,
      handle: async (req, res) =>
        sendJson(
          res,
          200,
          await handleAction(parseJson(await readBody(req, MAX_JSON_BYTES)) as ActionParams, identityOf(req)),
        ),
    },
    { method: 'POST', path: /^\/functions\/(.*)$/, handle: (req, res, { params }) => gateway(params[0], req, res) },
    {
      method: 'PUT',
      path: /^\/storage\/upload\/(.*)$/,
      handle: async (req, res, { url, params }) => {
        storage.acceptUpload(params[0], url.searchParams, await readBody(req, MAX_OBJECT_BYTES));
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end('');
      },
    },
    {
      method: 'GET',
      path: /^\/storage\/download\/(.*)$/,
      handle: (_req, res, { url, params }) => {
        const body = storage.readDownload(params[0], url.searchParams);
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
        res.end(body);
      },
    },
    {
      method: 'GET',
      path: /^\/_\/timers$/,
      handle: (_req, res) => sendJson(res, 200, { triggers: timers.schedule(), runs: timers.runs }),
    },
    {
      method: 'POST',
      path: /^\/_\/timers\/([^/]*)\/([^/]*)/,
      handle: async (_req, res, { params }) => {
        const [fn, trigger] = params.map(decodeURIComponent);
        if (!timers.triggers.some((t) => t.functionName === fn && t.name === trigger))
          return sendJson(res, 404, { code: 'NOT_FOUND', message: `没有这个定时触发器: ${fn}/${trigger}` });
        sendJson(res, 200, await timers.fire(fn, trigger));
      },
    },
    ...consoleRoutes(ctx, options.consoleDir),
    ...inspectorRoutes(ctx),
  ];

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const found = findRoute(routes, method, url.pathname);
    if (!found) return sendJson(res, 404, { code: 'NOT_FOUND', message: `没有这个地址: ${method} ${url.pathname}` });
    await found.route.handle(req, res, { url, params: found.params });
  }

  async function handleAction(params: ActionParams, identity: CallerIdentity): Promise<Record<string, unknown>> {
    const requestId = randomBytes(8).toString('hex');
    const action = typeof params.action === 'string' ? params.action : '';
    actionCounts.set(action, (actionCounts.get(action) ?? 0) + 1);
    try {
      if (action !== 'functions.invokeFunction') await faults.apply(action);
      const handler = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!handler) throw new EmulatorError('INVALID_ACTION', `本地模拟器不支持的接口: ${action || '(空)'}`);
      return { requestId, ...(await handler(params, identity)) };
    } catch (err) {
      return { requestId, ...errorBody(err) };
    }
  }

  async function gateway(name: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    actionCounts.set('gateway', (actionCounts.get('gateway') ?? 0) + 1);
    let body: Buffer;
    try {
      body = await readBody(req, MAX_GATEWAY_BYTES);
    } catch (err) {
      return sendJson(res, 413, { errCode: -404013, errMsg: (err as Error).message });
    }
    const event = body.length ? parseJson(body) : {};
    try {
      const { requestId, result } = await functions.invoke(decodeURIComponent(name), event, identityOf(req));
      sendJson(res, 200, { result, requestID: requestId, errMsg: 'cloud.callFunction:ok' });
    } catch (err) {
      const { code, message } = errorBody(err);
      sendJson(res, 200, { errCode: -504002, errMsg: `cloud.callFunction:fail ${code}: ${message}` });
    }
  }

  if (!server.listening) await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  storage.setBaseUrl(baseUrl);
  useEmulatorFromThisProcess(baseUrl, envId);
  for (const [name, value] of Object.entries(options.functionEnv ?? {})) process.env[name] ??= value;

  return {
    port,
    baseUrl,
    serviceUrl: `${baseUrl}/admin`,
    gatewayUrl: `${baseUrl}/functions`,
    inspectorUrl: `${baseUrl}/`,
    consoleUrl: `${baseUrl}${CONSOLE_PATH}`,
    envId,
    store,
    engine,
    storage,
    outbox,
    functions,
    actionCounts,
    faults,
    timers,
    async close() {
      timers.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
      if (options.inMemory) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function listen(server: http.Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Points @cloudbase/node-sdk in this process (the in-process functions and any test client) at the
 * emulator, the way SCF's environment points it at CloudBase.
 */
export function useEmulatorFromThisProcess(baseUrl: string, envId: string): void {
  process.env.TCB_SERVICE_URL = `${baseUrl}/admin`;
  process.env.TCB_EMULATOR_URL = baseUrl;
  process.env.TCB_ENV = envId;
  // The SDK signs every request; the emulator accepts any key, but the SDK insists that one exists.
  process.env.TENCENTCLOUD_SECRETID ??= 'emulator';
  process.env.TENCENTCLOUD_SECRETKEY ??= 'emulator';
  // Without this the SDK probes metadata.tencentyun.com before every request to learn whether it runs
  // in Tencent Cloud. Offline that costs ~60 ms a call and keeps the process alive. With serviceUrl
  // set, the flag changes nothing else: the URL is serviceUrl either way.
  process.env.TENCENTCLOUD = 'true';
}

function identityOf(req: http.IncomingMessage): CallerIdentity {
  const openid = header(req, IDENTITY_HEADER);
  return openid ? { openid, appid: header(req, APPID_HEADER) } : {};
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.length <= 128 ? s : undefined;
}

function errorBody(err: unknown): { code: string; message: string } {
  if (err instanceof EmulatorError) return { code: err.code, message: err.message };
  const e = err as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : 'SYS_ERR', message: String(e?.message ?? err) };
}

function sendError(res: http.ServerResponse, err: unknown): void {
  if (res.headersSent) return void res.end();
  const status = err instanceof EmulatorError ? err.httpStatus : 500;
  sendJson(res, status === 200 ? 400 : status, errorBody(err));
}
