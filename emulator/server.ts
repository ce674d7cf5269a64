import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { COLLECTIONS } from '../cloudfunctions/shared/collections';
import { databaseActions, type ActionParams } from './database/actions';
import { DatabaseEngine } from './database/engine';
import { FaultInjector } from './faults';
import { EmulatorError } from './errors';
import { parseJson, readBody, sendJson } from './http-util';
import { FunctionRuntime, type CallerIdentity } from './functions';
import { consoleRoutes, CONSOLE_PATH } from './console-routes';
import { inspectorRoutes } from './inspector/routes';
import { TimerScheduler, timerTriggersOf } from './timers';
import { useLocalKeys } from './local-keys';
import { Outbox } from './outbox';
import { LocalStorage, MAX_OBJECT_BYTES } from './storage';
import { DocumentStore } from './store/document-store';

export const IDENTITY_HEADER = 'x-emulator-openid';
export const APPID_HEADER = 'x-emulator-appid';
export const DEFAULT_ENV_ID = 'local-dev';
const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** wx.cloud.callFunction refuses request payloads over about 5 MB; the gateway does the same. */
const MAX_GATEWAY_BYTES = 5 * 1024 * 1024;

export interface EmulatorOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Folder for the SQLite file and stored files. Omitted with inMemory. */
  dataDir?: string;
  inMemory?: boolean;
  envId?: string;
  /** Folders of built functions, one sub-folder with index.js each. Defaults to dist/cloudfunctions. */
  functionsDirs?: string[];
  functionTimeouts?: Record<string, number>;
  /** Where timer triggers are declared; defaults to the project's cloudbaserc.json. */
  cloudbaserc?: string;
  /** Run timer triggers on their schedule (default true); `POST /_/timers/<fn>/<trigger>` fires one either way. */
  scheduleTimers?: boolean;
  /** The built back office served under /console/. Defaults to dist/console. */
  consoleDir?: string;
  /** A server the caller has already bound (the CLI holds its port before it touches the data folder). */
  listening?: http.Server;
}

export interface RunningEmulator {
  port: number;
  baseUrl: string;
  /** What to pass as `serviceUrl` to tcb.init. */
  serviceUrl: string;
  gatewayUrl: string;
  inspectorUrl: string;
  /** The PC back office; its /api/* calls reach the functions as HTTP-trigger events. */
  consoleUrl: string;
  envId: string;
  store: DocumentStore;
  engine: DatabaseEngine;
  storage: LocalStorage;
  outbox: Outbox;
  functions: FunctionRuntime;
  /** Database/storage/function actions served, by action name. */
  actionCounts: Map<string, number>;
  faults: FaultInjector;
  timers: TimerScheduler;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const envId = options.envId ?? DEFAULT_ENV_ID;
  const dataDir = options.inMemory ? fs.mkdtempSync(path.join(os.tmpdir(), 'tcb-emulator-')) : path.resolve(options.dataDir ?? '.data');
  fs.mkdirSync(dataDir, { recursive: true });
  useLocalKeys(dataDir);
  const store = new DocumentStore({ file: options.inMemory ? undefined : path.join(dataDir, 'emulator.sqlite') });
  for (const spec of COLLECTIONS) {
    store.createCollection(spec.name);
    for (const index of spec.indexes) store.ensureIndex(spec.name, index);
  }
  const engine = new DatabaseEngine(store);
  const storage = new LocalStorage(path.join(dataDir, 'storage'), envId);
  const outbox = new Outbox(store.db);
  const functions = new FunctionRuntime(
    (options.functionsDirs ?? [path.join(__dirname, '..', 'dist', 'cloudfunctions')]).map((d) => path.resolve(d)),
    envId,
    options.functionTimeouts,
  );
  const actionCounts = new Map<string, number>();
  const faults = new FaultInjector();
  const timers = new TimerScheduler(timerTriggersOf(options.cloudbaserc ?? path.join(__dirname, '..', 'cloudbaserc.json')), functions);
  if (options.scheduleTimers !== false) timers.start();

  const server = options.listening ?? http.createServer();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    route(req, res).catch((err: unknown) => sendError(res, err));
  });
  server.keepAliveTimeout = 10_000;

  const ctx = { store, engine, storage, outbox, functions, actionCounts, envId, faults };
  const inspector = inspectorRoutes(ctx);
  const backOffice = consoleRoutes(ctx, options.consoleDir ?? path.join(__dirname, '..', 'dist', 'console'));

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    if (url.pathname === '/admin' && method === 'POST') {
      const params = parseJson(await readBody(req, MAX_JSON_BYTES)) as ActionParams;
      return sendJson(res, 200, await handleAction(params, identityOf(req)));
    }
    if (url.pathname.startsWith('/functions/') && method === 'POST') {
      return gateway(url.pathname.slice('/functions/'.length), req, res);
    }
    if (url.pathname.startsWith('/storage/upload/') && method === 'PUT') {
      storage.acceptUpload(url.pathname.slice('/storage/upload/'.length), url.searchParams, await readBody(req, MAX_OBJECT_BYTES));
      res.writeHead(200, { 'content-type': 'application/xml' });
      return void res.end('');
    }
    if (url.pathname.startsWith('/storage/download/') && method === 'GET') {
      const body = storage.readDownload(url.pathname.slice('/storage/download/'.length), url.searchParams);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      return void res.end(body);
    }
    if (url.pathname === '/_/timers' && method === 'GET') return sendJson(res, 200, { triggers: timers.schedule(), runs: timers.runs });
    if (url.pathname.startsWith('/_/timers/') && method === 'POST') {
      const [fn, trigger] = url.pathname.slice('/_/timers/'.length).split('/').map(decodeURIComponent);
      if (!timers.triggers.some((t) => t.functionName === fn && t.name === trigger)) return sendJson(res, 404, { code: 'NOT_FOUND', message: `没有这个定时触发器: ${fn}/${trigger}` });
      return sendJson(res, 200, await timers.fire(fn, trigger));
    }
    const handled = (await backOffice(method, url, req, res)) || (await inspector(method, url, req, res));
    if (!handled) sendJson(res, 404, { code: 'NOT_FOUND', message: `没有这个地址: ${method} ${url.pathname}` });
  }

  async function handleAction(params: ActionParams, identity: CallerIdentity): Promise<Record<string, unknown>> {
    const requestId = randomBytes(8).toString('hex');
    const action = typeof params.action === 'string' ? params.action : '';
    actionCounts.set(action, (actionCounts.get(action) ?? 0) + 1);
    try {
      if (action !== 'functions.invokeFunction') await faults.apply(action);
      const dbHandler = databaseActions[action];
      if (dbHandler) return { requestId, ...dbHandler(engine, params) };
      switch (action) {
        case 'storage.getUploadMetadata':
          return { requestId, data: storage.uploadMetadata(String(params.path ?? '')) };
        case 'storage.batchGetDownloadUrl':
          return { requestId, data: { download_list: storage.downloadUrls(asArray(params.file_list)) } };
        case 'storage.batchDeleteFile':
          return { requestId, data: { delete_list: storage.deleteFiles(asArray(params.fileid_list)) } };
        case 'functions.invokeFunction': {
          const raw = typeof params.request_data === 'string' && params.request_data !== '' ? parseJson(params.request_data) : {};
          const { result } = await functions.invoke(String(params.function_name ?? ''), raw, identity);
          return { requestId, data: { response_data: JSON.stringify(result ?? null) } };
        }
        default:
          throw new EmulatorError('INVALID_ACTION', `本地模拟器不支持的接口: ${action || '(空)'}`);
      }
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
  // The functions choose providers by configuration only; here that is the emulator's outbox.
  process.env.FACE_PROVIDER ??= 'local';
  process.env.SMS_PROVIDER ??= 'local';
  process.env.SUBSCRIBE_PROVIDER ??= 'local';
  // The SDK signs every request; the emulator accepts any key, but the SDK insists that one exists.
  process.env.TENCENTCLOUD_SECRETID ??= 'emulator';
  process.env.TENCENTCLOUD_SECRETKEY ??= 'emulator';
  // Without this the SDK probes metadata.tencentyun.com before every request to learn whether it runs
  // in Tencent Cloud. Offline that costs ~60 ms a call and keeps the process alive. With serviceUrl
  // set, the flag changes nothing else: the URL is serviceUrl either way.
  process.env.TENCENTCLOUD = 'true';
}

export type EmulatorContext = Pick<RunningEmulator, 'store' | 'engine' | 'storage' | 'outbox' | 'functions' | 'actionCounts' | 'envId' | 'faults'>;

function identityOf(req: http.IncomingMessage): CallerIdentity {
  const openid = header(req, IDENTITY_HEADER);
  return openid ? { openid, appid: header(req, APPID_HEADER) } : {};
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.length <= 128 ? s : undefined;
}

function asArray(v: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(v)) throw new EmulatorError('INVALID_PARAM', 'fileList必须是非空的数组');
  return v as Array<Record<string, unknown>>;
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
