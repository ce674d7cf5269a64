import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { EmulatorContext } from './context';
import { readBody, sendJson, type Route } from './http-util';

/** The console posts small JSON requests; uploads go to storage, not through /api. */
const MAX_API_BYTES = 1024 * 1024;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};
export const CONSOLE_PATH = '/console/';

/** The event CloudBase's HTTP access service hands a function (API-gateway style, body base64). */
export interface HttpTriggerEvent {
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  queryStringParameters: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
  requestContext: Record<string, unknown>;
}

/** What a function may answer it with (integration response); any other value is sent as JSON. */
interface HttpTriggerResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

/**
 * A web client's two doors as CloudBase serves them: static hosting for a built site (`consoleDir`,
 * under /console/ here because the inspector owns /) and the HTTP access service for `/api/<function>`,
 * which reaches the function as an HTTP-trigger event with no WeChat identity.
 */
export function consoleRoutes(ctx: EmulatorContext, consoleDir: string | undefined): Route[] {
  return [
    {
      method: '*',
      path: /^\/api\/(.*)$/,
      handle: (req, res, { url, params }) => api(params[0], req.method ?? 'GET', url, req, res),
    },
    {
      method: '*',
      path: /^\/console$/,
      handle: (_req, res) => {
        res.writeHead(302, { location: CONSOLE_PATH });
        res.end();
      },
    },
    {
      method: 'GET',
      path: /^\/console\/(.*)$/,
      handle: (_req, res, { params }) => serveStatic(decodeURIComponent(params[0]) || 'index.html', res),
    },
  ];

  async function api(
    name: string,
    method: string,
    url: URL,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    ctx.actionCounts.set('http', (ctx.actionCounts.get('http') ?? 0) + 1);
    const body = await readBody(req, MAX_API_BYTES);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    headers['x-forwarded-proto'] = 'http';
    const event: HttpTriggerEvent = {
      path: url.pathname,
      httpMethod: method,
      headers,
      queryStringParameters: Object.fromEntries(url.searchParams),
      body: body.toString('base64'),
      isBase64Encoded: true,
      requestContext: { envId: ctx.envId, source: 'emulator' },
    };
    try {
      const { result } = await ctx.functions.invoke(decodeURIComponent(name), event, {});
      const r = result as Partial<HttpTriggerResult> | null;
      if (!r || typeof r.statusCode !== 'number') {
        // As CloudBase does: a plain return value becomes a JSON body.
        return sendJson(res, 200, result ?? null);
      }
      const out = Buffer.from(r.body ?? '', r.isBase64Encoded ? 'base64' : 'utf8');
      res.writeHead(r.statusCode, { ...r.headers, 'content-length': out.length });
      res.end(out);
    } catch (err) {
      sendJson(res, 502, {
        ok: false,
        error: { code: 'INTERNAL', message: `服务暂时不可用，请稍后重试（${(err as Error).message}）` },
      });
    }
  }

  function serveStatic(rel: string, res: http.ServerResponse): void {
    if (!consoleDir) return notBuilt(res);
    const root = path.resolve(consoleDir);
    let file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep)) file = path.join(root, 'index.html');
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(root, 'index.html');
    if (!fs.existsSync(file)) return notBuilt(res);
    // Hashed assets never change; index.html must always be fresh so a deploy is picked up.
    const immutable = rel.startsWith('assets/');
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-store',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
    res.end(fs.readFileSync(file));
  }
}

function notBuilt(res: http.ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('后台系统尚未构建，请先运行 npm run build');
}
