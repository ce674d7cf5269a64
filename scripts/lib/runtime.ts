/**
 * The Node.js runtime the functions are deployed on, read from cloudbaserc.json, and what that
 * runtime lacks compared with newer ones. The build targets it and tests/domain/runtime.test.ts runs
 * every bundle with the missing APIs removed, so a bundle that needs a newer Node fails here, not in
 * the cloud.
 */
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/** CloudBase's Node.js runtimes (docs.cloudbase.net → 云函数 → 运行时支持), oldest first. */
export const CLOUDBASE_NODE_RUNTIMES = [
  'Nodejs16.13',
  'Nodejs18.15',
  'Nodejs20.19',
  'Nodejs22.21',
  'Nodejs24.11',
] as const;
export type NodeRuntime = (typeof CLOUDBASE_NODE_RUNTIMES)[number];

/**
 * What the next runtime added, as dotted paths from globalThis: a runtime lacks its own list and
 * every later runtime's list (see `missingIn`).
 */
const ADDED_AFTER: Record<NodeRuntime, string[]> = {
  // Present in 18 but not in 16.13.
  'Nodejs16.13': [
    'fetch',
    'Headers',
    'Request',
    'Response',
    'FormData',
    'AbortSignal.timeout',
    'structuredClone',
    'Array.prototype.findLast',
    'Array.prototype.findLastIndex',
    'Blob',
  ],
  // Present in 20 but not in 18.15.
  'Nodejs18.15': [
    'Array.prototype.toSorted',
    'Array.prototype.toReversed',
    'Array.prototype.toSpliced',
    'Array.prototype.with',
    'String.prototype.isWellFormed',
    'String.prototype.toWellFormed',
    'ArrayBuffer.prototype.transfer',
  ],
  // Present in 22 but not in 20.19.
  'Nodejs20.19': [
    'Object.groupBy',
    'Map.groupBy',
    'Promise.withResolvers',
    'Array.fromAsync',
    'Set.prototype.union',
    'Set.prototype.intersection',
    'Set.prototype.difference',
    'navigator',
    'WebSocket',
    'Iterator',
    'URL.parse',
    'process.getBuiltinModule',
  ],
  // Present in 24 but not in 22.21.
  'Nodejs22.21': ['Float16Array', 'RegExp.escape', 'Error.isError', 'Promise.try', 'URLPattern'],
  'Nodejs24.11': [],
};

/** Every API newer than `runtime`: what must not be called by a bundle deployed on it. */
export function missingIn(runtime: NodeRuntime): string[] {
  const i = CLOUDBASE_NODE_RUNTIMES.indexOf(runtime);
  return CLOUDBASE_NODE_RUNTIMES.slice(i).flatMap((r) => ADDED_AFTER[r]);
}

export interface FunctionDeclaration {
  name: string;
  runtime: string;
  timeout: number;
  memorySize: number;
  handler: string;
  installDependency?: boolean;
  envVariables?: Record<string, string>;
  triggers?: Array<{ name: string; type: string; config: string }>;
}

export interface CloudbaseRc {
  version: string;
  envId: string;
  functionRoot: string;
  functions: FunctionDeclaration[];
  [key: string]: unknown;
}

export function readCloudbaseRc(): CloudbaseRc {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudbaserc.json'), 'utf8')) as CloudbaseRc;
}

/** The one runtime every function is declared with (mixing runtimes would split the build target). */
export function declaredRuntime(rc = readCloudbaseRc()): NodeRuntime {
  const runtimes = [...new Set(rc.functions.map((f) => f.runtime))];
  if (runtimes.length !== 1) throw new Error(`cloudbaserc.json declares several runtimes: ${runtimes.join(', ')}`);
  const r = runtimes[0] as NodeRuntime;
  if (!CLOUDBASE_NODE_RUNTIMES.includes(r))
    throw new Error(`cloudbaserc.json runtime ${runtimes[0]} is not a CloudBase Node.js runtime`);
  return r;
}

/** esbuild's target for a runtime: `Nodejs20.19` → `node20.19`. */
export function esbuildTarget(runtime: NodeRuntime): string {
  return `node${runtime.slice('Nodejs'.length)}`;
}
