/**
 * The emulator's command line, on its own (`ts-node emulator/cli.ts`) or with a project's wiring
 * (`npm start` runs scripts/start.ts, which passes this repository's schema, functions and demo data):
 *   --port <n>         listen port on 127.0.0.1 (0 picks a free one; default 8848)
 *   --data <dir>       data folder (default .data)
 *   --reset            start again from an empty data folder
 *   --functions <dir>  a folder of built functions (<name>/index.js); may be given more than once
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DataFolderLock, resetDataFolder } from './data-lock';
import { listen, startEmulator, type EmulatorOptions, type RunningEmulator } from './server';

interface CliOptions {
  port: number;
  dataDir: string;
  reset: boolean;
  functionsDirs: string[];
}

/** What a project adds to the bare emulator when it starts it from this command line. */
export interface CliProject {
  options: EmulatorOptions;
  /** Runs once the emulator listens (e.g. writes demo data): a note on the data folder and lines to print. */
  afterStart?(emulator: RunningEmulator): Promise<{ dataNote: string; lines: string[] }>;
}

function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = { port: 8848, dataDir: '.data', reset: false, functionsDirs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} 需要一个值`);
      return v;
    };
    if (arg === '--port') opts.port = Number(value());
    else if (arg.startsWith('--port=')) opts.port = Number(arg.slice(7));
    else if (arg === '--data') opts.dataDir = value();
    else if (arg.startsWith('--data=')) opts.dataDir = arg.slice(7);
    else if (arg === '--reset') opts.reset = true;
    else if (arg === '--functions') opts.functionsDirs.push(value());
    else throw new Error(`未知参数: ${arg}（可用: --port <端口> --data <目录> --reset --functions <目录>）`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)
    throw new Error('--port 必须是 0–65535 的整数');
  return opts;
}

export async function runCli(argv: string[], project: CliProject = { options: {} }): Promise<void> {
  const opts = parseArgs(argv);
  const dataDir = path.resolve(opts.dataDir);
  // Folder lock, then port, then --reset: a start that is refused or cannot bind deletes nothing.
  const lock = DataFolderLock.acquire(dataDir);
  const server = http.createServer();
  await listen(server, opts.port).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'EADDRINUSE'
      ? new Error(`端口 ${opts.port} 已被占用，请用 --port <端口> 换一个（--port 0 自动选择空闲端口）`)
      : err;
  });
  lock.setPort((server.address() as AddressInfo).port);
  if (opts.reset) resetDataFolder(lock, dataDir);
  const functionsDirs = [...(project.options.functionsDirs ?? []), ...opts.functionsDirs];
  const emulator = await startEmulator({
    ...project.options,
    functionsDirs,
    port: opts.port,
    dataDir,
    listening: server,
  });
  // Before anything is printed: a stop signal at any moment from now on closes the store cleanly.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\n正在停止模拟器…');
    await emulator.close();
    lock.release();
    console.log('已停止，数据已保存。');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  const after = (await project.afterStart?.(emulator)) ?? { dataNote: '', lines: [] };

  const lines = [
    '',
    '本地云开发模拟器已启动 (local CloudBase emulator)',
    `  serviceUrl (tcb.init):   ${emulator.serviceUrl}`,
    `  function gateway:        ${emulator.gatewayUrl}/<name>   header x-emulator-openid: <openid>`,
    `  inspector:               ${emulator.inspectorUrl}`,
    `  后台系统 (PC console):    ${emulator.consoleUrl}`,
    `  env id:                  ${emulator.envId}`,
    `  data folder:             ${dataDir}${after.dataNote}`,
    '',
    ...(after.lines.length ? [...after.lines, ''] : []),
    'Ctrl-C stops the emulator; the next start keeps the data.',
  ];
  console.log(lines.join('\n'));
}

/** Exits the process with the reason in one line, for a start that failed. */
export function failed(err: unknown): never {
  console.error(`启动失败: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

if (require.main === module) runCli(process.argv.slice(2)).catch(failed);
