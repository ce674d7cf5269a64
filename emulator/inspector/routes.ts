import { EJSON } from 'bson';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { EmulatorError } from '../errors';
import type { FaultRule } from '../faults';
import type { EmulatorContext } from '../context';
import { isOutboxKind, OUTBOX_KINDS, type OutboxKind } from '../outbox';
import { readBody, sendJson, type Route } from '../http-util';
import { normalise } from '../store/ejson';

const PAGE_SIZE_MAX = 200;
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The inspector (like the Firebase Emulator UI) and the emulator's own JSON API under `/_/`:
 * collections and documents, outboxes, recent function calls and stored files.
 */
export function inspectorRoutes(ctx: EmulatorContext): Route[] {
  const staticDir = path.join(__dirname, 'static');
  const outboxKind = new RegExp(`^/_/outbox/(${OUTBOX_KINDS.join('|')})$`);

  return [
    {
      method: 'GET',
      path: /^\/(|inspector\.js|inspector\.css)$/,
      handle: (_req, res, { params }) => {
        const file = path.join(staticDir, params[0] || 'index.html');
        res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)], 'cache-control': 'no-store' });
        res.end(fs.readFileSync(file));
      },
    },
    {
      method: 'GET',
      path: /^\/_\/info$/,
      handle: (_req, res) =>
        sendJson(res, 200, {
          envId: ctx.envId,
          collections: ctx.store.collectionNames().map((name) => ({ name, count: ctx.store.count(name) })),
          functions: ctx.functions.names(),
          openTransactions: ctx.engine.openTransactions,
          actions: Object.fromEntries(ctx.actionCounts),
        }),
    },
    {
      method: 'GET',
      path: /^\/_\/collections\/([^/]+)$/,
      handle: (_req, res, { url, params }) => {
        const name = decodeURIComponent(params[0]);
        const filter = parseFilter(url.searchParams.get('filter'));
        const limit = Math.min(Number(url.searchParams.get('limit')) || 50, PAGE_SIZE_MAX);
        const offset = Math.max(Number(url.searchParams.get('offset')) || 0, 0);
        const docs = ctx.engine.find(name, filter, { skip: offset, limit, sort: { _id: 1 } });
        const total = ctx.engine.count(name, filter);
        sendJson(res, 200, { total, offset, limit, docs: docs.map((d) => EJSON.serialize(d, { relaxed: true })) });
      },
    },
    // GET /_/queries?since=<seq>&collection=<name>: recent queries with what each examined (explain).
    {
      method: 'GET',
      path: /^\/_\/queries$/,
      handle: (_req, res, { url }) => {
        const since = Number(url.searchParams.get('since')) || 0;
        const collection = url.searchParams.get('collection');
        const queries = ctx.store.queryLog.since(since).filter((q) => !collection || q.collection === collection);
        sendJson(res, 200, { lastSeq: ctx.store.queryLog.lastSeq, queries });
      },
    },
    // POST /_/explain {collection, filter, sort, skip, limit}: runs the read and answers its executionStats.
    {
      method: 'POST',
      path: /^\/_\/explain$/,
      handle: async (req, res) => {
        const body = await jsonObject(req);
        const collection = typeof body.collection === 'string' ? body.collection : '';
        if (!ctx.store.hasCollection(collection))
          throw new EmulatorError('INVALID_PARAM', `集合不存在: ${collection || '（未填写）'}`, 400);
        const filter = parseFilter(body.filter === undefined ? null : JSON.stringify(body.filter));
        const sort = (body.sort ?? undefined) as Record<string, 1 | -1> | undefined;
        const limit = body.limit === undefined ? undefined : Math.min(Math.max(Number(body.limit) || 0, 0), 1000);
        const before = ctx.store.queryLog.lastSeq;
        ctx.engine.find(collection, filter, { sort, skip: Number(body.skip) || 0, limit }, undefined, 'explain');
        sendJson(res, 200, { executionStats: ctx.store.queryLog.since(before).at(-1) });
      },
    },
    // GET /_/outbox?kind=sms · POST /_/outbox/sms · GET|PATCH /_/outbox/entry/<id>
    {
      method: 'GET',
      path: /^\/_\/outbox$/,
      handle: (_req, res, { url }) => {
        const kind = url.searchParams.get('kind');
        if (kind && !isOutboxKind(kind)) throw new EmulatorError('INVALID_PARAM', `未知的发件箱: ${kind}`, 400);
        sendJson(res, 200, { entries: ctx.outbox.list(kind && isOutboxKind(kind) ? kind : undefined) });
      },
    },
    {
      method: 'GET',
      path: /^\/_\/outbox\/entry\/([^/]+)$/,
      handle: (_req, res, { params }) => {
        const id = decodeURIComponent(params[0]);
        const entry = ctx.outbox.get(id);
        if (!entry) throw new EmulatorError('OUTBOX_ENTRY_NOT_FOUND', `没有这条发件记录: ${id}`, 404);
        sendJson(res, 200, entry);
      },
    },
    {
      method: 'PATCH',
      path: /^\/_\/outbox\/entry\/([^/]+)$/,
      handle: async (req, res, { params }) =>
        sendJson(res, 200, ctx.outbox.update(decodeURIComponent(params[0]), await jsonObject(req))),
    },
    {
      method: 'POST',
      path: outboxKind,
      handle: async (req, res, { params }) => {
        const body = await jsonObject(req);
        const payload = (body.payload ?? {}) as Record<string, unknown>;
        const state = (body.state ?? {}) as Record<string, unknown>;
        sendJson(res, 200, ctx.outbox.record(params[0] as OutboxKind, payload, state));
      },
    },
    // GET /_/faults · PUT /_/faults {action, failNth, failRate, delayMs, maxFailures, seed} · DELETE /_/faults
    { method: 'GET', path: /^\/_\/faults$/, handle: (_req, res) => sendJson(res, 200, ctx.faults.status()) },
    {
      method: 'PUT',
      path: /^\/_\/faults$/,
      handle: async (req, res) => sendJson(res, 200, ctx.faults.set((await jsonObject(req)) as FaultRule)),
    },
    { method: 'DELETE', path: /^\/_\/faults$/, handle: (_req, res) => sendJson(res, 200, ctx.faults.set(null)) },
    { method: 'GET', path: /^\/_\/calls$/, handle: (_req, res) => sendJson(res, 200, { calls: ctx.functions.calls }) },
    { method: 'GET', path: /^\/_\/files$/, handle: (_req, res) => sendJson(res, 200, { files: ctx.storage.list() }) },
  ];
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
