import { databaseActions, type ActionParams, type ActionResult } from './database/actions';
import type { DatabaseEngine } from './database/engine';
import { EmulatorError } from './errors';
import type { CallerIdentity, FunctionRuntime } from './functions';
import { parseJson } from './http-util';
import type { LocalStorage } from './storage';

/** One action of `POST /admin`: what the node-sdk posts as `{action, ...params}`, answered under `requestId`. */
export type ServiceAction = (params: ActionParams, identity: CallerIdentity) => ActionResult | Promise<ActionResult>;

/**
 * Every action the emulator serves, by the name the SDK sends: the database's own table, then storage and
 * functions, each bound to the part that does the work. An action not in the table is INVALID_ACTION.
 */
export function serviceActions(
  engine: DatabaseEngine,
  storage: LocalStorage,
  functions: FunctionRuntime,
): Record<string, ServiceAction> {
  const database = Object.entries(databaseActions).map(([name, handler]): [string, ServiceAction] => [
    name,
    (params) => handler(engine, params),
  ]);
  return {
    ...Object.fromEntries(database),
    'storage.getUploadMetadata': (p) => ({ data: storage.uploadMetadata(String(p.path ?? '')) }),
    'storage.batchGetDownloadUrl': (p) => ({ data: { download_list: storage.downloadUrls(asArray(p.file_list)) } }),
    'storage.batchDeleteFile': (p) => ({ data: { delete_list: storage.deleteFiles(asArray(p.fileid_list)) } }),
    'functions.invokeFunction': async (p, identity) => {
      const raw = typeof p.request_data === 'string' && p.request_data !== '' ? parseJson(p.request_data) : {};
      const { result } = await functions.invoke(String(p.function_name ?? ''), raw, identity);
      return { data: { response_data: JSON.stringify(result ?? null) } };
    },
  };
}

function asArray(v: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(v)) throw new EmulatorError('INVALID_PARAM', 'fileList必须是非空的数组');
  return v as Array<Record<string, unknown>>;
}
