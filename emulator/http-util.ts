import type http from 'node:http';
import { EmulatorError } from './errors';

export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new EmulatorError('PAYLOAD_TOO_LARGE', `请求体超过 ${Math.round(limit / 1024 / 1024)} MB 上限`, 413));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseJson(body: Buffer | string): unknown {
  try {
    return JSON.parse(body.toString());
  } catch {
    throw new EmulatorError('INVALID_PARAM', '请求体不是合法的 JSON', 400);
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** One HTTP route: method ('*' for any) and a whole-path pattern whose groups are handed to the handler. */
export interface Route {
  method: string;
  path: RegExp;
  handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    match: { url: URL; params: string[] },
  ): Promise<void> | void;
}

/** The first route of the table that matches, like the action tables: no route, no answer (the caller 404s). */
export function findRoute(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== '*' && route.method !== method) continue;
    const m = route.path.exec(pathname);
    if (m) return { route, params: m.slice(1) };
  }
  return undefined;
}
