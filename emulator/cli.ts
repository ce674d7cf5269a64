/**
 * `npm start`: the local CloudBase emulator with demo data, its function gateway and inspector.
 *   --port <n>     listen port on 127.0.0.1 (0 picks a free one; default 8848)
 *   --data <dir>   data folder (default .data)
 *   --reset        start again from a fresh demo
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_PASSWORD, seedDemo } from './seed';
import { startEmulator } from './server';

interface CliOptions {
  port: number;
  dataDir: string;
  reset: boolean;
}

function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = { port: 8848, dataDir: '.data', reset: false };
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
    else throw new Error(`未知参数: ${arg}（可用: --port <端口> --data <目录> --reset）`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error('--port 必须是 0–65535 的整数');
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const dataDir = path.resolve(opts.dataDir);
  if (opts.reset) fs.rmSync(dataDir, { recursive: true, force: true });
  const emulator = await startEmulator({ port: opts.port, dataDir });
  const demo = await seedDemo(emulator);

  const lines = [
    '',
    '本地云开发模拟器已启动 (local CloudBase emulator)',
    `  serviceUrl (tcb.init):   ${emulator.serviceUrl}`,
    `  function gateway:        ${emulator.gatewayUrl}/<name>   header x-emulator-openid: <openid>`,
    `  inspector:               ${emulator.inspectorUrl}`,
    `  后台系统 (PC console):    ${emulator.consoleUrl}`,
    `  env id:                  ${emulator.envId}`,
    `  data folder:             ${dataDir}${demo.created ? '  (new demo data)' : '  (existing data kept; --reset for a fresh demo)'}`,
    '',
    'demo identities (openid → who; password for all: ' + DEMO_PASSWORD + '):',
    ...demo.identities.map((d) => `  ${d.openid.padEnd(24)} ${d.description}`),
    '',
    'Ctrl-C stops the emulator; the next start keeps the data.',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\n正在停止模拟器…');
    await emulator.close();
    console.log('已停止，数据已保存。');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`启动失败: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
