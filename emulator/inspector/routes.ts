import { EJSON } from 'bson';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { EmulatorError } from '../errors';
import type { FaultRule } from '../faults';
import { isOutboxKind } from '../outbox';
import { readBody, sendJson } from '../http-util';
import type { EmulatorContext } from '../server';
import { normalise } from '../store/ejson';

const PAGE_SIZE_MAX = 200;
const STATIC_FILES: Record<string, string> = {
  '/': 'index.html',
  '/inspector.js': 'inspector.js',
  '/inspector.css': 'inspector.css',
};
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The inspector (like the Firebase Emulator UI) and the emulator's own JSON API under `/_/`:
 * collections and documents, outboxes, recent function calls and stored files.
 */
export function inspectorRoutes(ctx: EmulatorContext) {
  const staticDir = path.join(__dirname, 'static');

  return async function handle(method: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    const p = url.pathname;
    if (method === 'GET' && STATIC_FILES[p]) {
      const file = path.join(staticDir, STATIC_FILES[p]);
      res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)], 'cache-control': 'no-store' });
      res.end(fs.readFileSync(file));
      return true;
    }
    if (!p.startsWith('/_/')) return false;
    const parts = p.slice(3).split('/').map(decodeURIComponent);

    if (method === 'GET' && parts[0] === 'info') {
      sendJson(res, 200, {
        envId: ctx.envId,
        collections: ctx.store.collectionNames().map((name) => ({ name, count: ctx.store.count(name) })),
        functions: ctx.functions.names(),
        openTransactions: ctx.engine.openTransactions,
        actions: Object.fromEntries(ctx.actionCounts),
      });
      return true;
    }
    if (method === 'GET' && parts[0] === 'collections' && parts[1]) {
      const filter = parseFilter(url.searchParams.get('filter'));
      const limit = Math.min(Number(url.searchParams.get('limit')) || 50, PAGE_SIZE_MAX);
      const offset = Math.max(Number(url.searchParams.get('offset')) || 0, 0);
      const docs = ctx.engine.find(parts[1], filter, { skip: offset, limit, sort: { _id: 1 } });
      const total = ctx.engine.count(parts[1], filter);
      sendJson(res, 200, { total, offset, limit, docs: docs.map((d) => EJSON.serialize(d, { relaxed: true })) });
      return true;
    }
    // GET /_/queries?since=<seq>&collection=<name>: recent queries with what each examined (explain).
    if (method === 'GET' && parts[0] === 'queries') {
      const since = Number(url.searchParams.get('since')) || 0;
      const collection = url.searchParams.get('collection');
      const queries = ctx.store.queryLog.since(since).filter((q) => !collection || q.collection === collection);
      sendJson(res, 200, { lastSeq: ctx.store.queryLog.lastSeq, queries });
      return true;
    }
    // POST /_/explain {collection, filter, sort, skip, limit}: runs the read and answers its executionStats.
    if (method === 'POST' && parts[0] === 'explain') {
      const body = await jsonObject(req);
      const collection = typeof body.collection === 'string' ? body.collection : '';
      if (!ctx.store.hasCollection(collection)) throw new EmulatorError('INVALID_PARAM', `集合不存在: ${collection || '（未填写）'}`, 400);
      const filter = parseFilter(body.filter === undefined ? null : JSON.stringify(body.filter));
      const sort = (body.sort ?? undefined) as Record<string, 1 | -1> | undefined;
      const limit = body.limit === undefined ? undefined : Math.min(Math.max(Number(body.limit) || 0, 0), 1000);
      const before = ctx.store.queryLog.lastSeq;
      ctx.engine.find(collection, filter, { sort, skip: Number(body.skip) || 0, limit }, undefined, 'explain');
      sendJson(res, 200, { executionStats: ctx.store.queryLog.since(before).at(-1) });
      return true;
    }
    if (parts[0] === 'outbox') {
      return outboxRoute(ctx, method, parts, url, req, res);
    }
    // GET /_/faults · PUT /_/faults {action, failNth, failRate, delayMs, maxFailures, seed} · DELETE /_/faults
    if (parts[0] === 'faults') {
      if (method === 'GET') sendJson(res, 200, ctx.faults.status());
      else if (method === 'PUT') sendJson(res, 200, ctx.faults.set((await jsonObject(req)) as FaultRule));
      else if (method === 'DELETE') sendJson(res, 200, ctx.faults.set(null));
      else return false;
      return true;
    }
    if (method === 'GET' && parts[0] === 'calls') {
      sendJson(res, 200, { calls: ctx.functions.calls });
      return true;
    }
    if (method === 'GET' && parts[0] === 'files') {
      sendJson(res, 200, { files: ctx.storage.list() });
      return true;
    }
    return false;
  };
}

async function outboxRoute(
  ctx: EmulatorContext,
  method: string,
  parts: string[],
  url: URL,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<boolean> {
  // GET /_/outbox?kind=sms · POST /_/outbox/sms · GET|PATCH /_/outbox/entry/<id>
  if (method === 'GET' && parts.length === 1) {
    const kind = url.searchParams.get('kind');
    if (kind && !isOutboxKind(kind)) throw new EmulatorError('INVALID_PARAM', `未知的发件箱: ${kind}`, 400);
    sendJson(res, 200, { entries: ctx.outbox.list(kind && isOutboxKind(kind) ? kind : undefined) });
    return true;
  }
  if (parts[1] === 'entry' && parts[2]) {
    if (method === 'GET') {
      const entry = ctx.outbox.get(parts[2]);
      if (!entry) throw new EmulatorError('OUTBOX_ENTRY_NOT_FOUND', `没有这条发件记录: ${parts[2]}`, 404);
      sendJson(res, 200, entry);
      return true;
    }
    if (method === 'PATCH') {
      sendJson(res, 200, ctx.outbox.update(parts[2], await jsonObject(req)));
      return true;
    }
  }
  if (method === 'POST' && parts.length === 2 && isOutboxKind(parts[1])) {
    const body = await jsonObject(req);
    const payload = (body.payload ?? {}) as Record<string, unknown>;
    const state = (body.state ?? {}) as Record<string, unknown>;
    sendJson(res, 200, ctx.outbox.record(parts[1], payload, state));
    return true;
  }
  return false;
}

async function jsonObject(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(req, 1024 * 1024)).toString();
  try {
    const v = text ? JSON.parse(text) : {};
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new EmulatorError('INVALID_PARAM', '请求体必须是 JSON 对象', 400);
}

function parseFilter(text: string | null): Record<string, unknown> {
  if (!text || !text.trim()) return {};
  try {
    const v = normalise(EJSON.parse(text, { relaxed: true }), Date.now());
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new EmulatorError('INVALID_PARAM', '筛选条件必须是 JSON 对象，例如 {"status":"active"}', 400);
}
