import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { LOCK_FILE, readOwner } from '../../emulator/data-lock';

const ROOT = path.join(__dirname, '..', '..');
const CLI = [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(ROOT, 'scripts', 'start.ts')];

interface Started {
  child: ChildProcess;
  port: number;
}

/** `npm start` as a user runs it, on a given data folder and a free port. */
function startCli(dataDir: string, ...extra: string[]): Promise<Started> {
  const child = spawn(process.execPath, [...CLI, '--port', '0', '--data', dataDir, ...extra], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /serviceUrl \(tcb\.init\):\s+http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`emulator exited (${code}) before it started:\n${out}`)));
  });
}

/** A start that must be refused: its exit code and what it printed. */
function refusedCli(dataDir: string, ...extra: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [...CLI, '--data', dataDir, ...extra], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode !== null) return;
  const exited = new Promise((r) => started.child.once('exit', r));
  started.child.kill('SIGTERM');
  await exited;
}

async function demoUnionCount(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/admin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'database.calculateDocument', collectionName: 'unions', query: '{}' }),
  });
  return ((await res.json()) as { data: { total: number } }).data.total;
}

describe('one emulator per data folder (npm start)', function () {
  this.timeout(240_000);
  let dataDir: string;
  let first: Started | undefined;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-lock-'));
  });
  afterEach(async () => {
    if (first) await stop(first);
    first = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a second start on the same folder is refused with a message naming the running one, and --reset deletes nothing', async () => {
    first = await startCli(dataDir);
    const unions = await demoUnionCount(first.port);
    assert.ok(unions > 0);
    const owner = readOwner(path.join(dataDir, LOCK_FILE));
    assert.deepEqual([owner?.pid, owner?.port], [first.child.pid, first.port]);

    for (const extra of [[], ['--reset']]) {
      const second = refusedCli(dataDir, '--port', '0', ...extra);
      assert.equal(second.status, 1);
      assert.match(second.output, new RegExp(`正由另一个模拟器使用（进程 ${first.child.pid}，端口 ${first.port}`));
      assert.match(second.output, /Ctrl-C/);
    }
    // The first emulator still has its data and still answers.
    assert.equal(await demoUnionCount(first.port), unions);
    assert.ok(fs.existsSync(path.join(dataDir, 'emulator.sqlite')));

    await stop(first);
    first = undefined;
    assert.equal(fs.existsSync(path.join(dataDir, LOCK_FILE)), false, 'a clean stop releases the lock');
  });

  it('--reset on a port that is taken fails before deleting anything', async () => {
    await stop(await startCli(dataDir));
    const before = fs.readdirSync(dataDir).sort();
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      const r = refusedCli(dataDir, '--port', String(port), '--reset');
      assert.equal(r.status, 1);
      assert.match(r.output, new RegExp(`端口 ${port} 已被占用`));
    } finally {
      blocker.close();
    }
    assert.deepEqual(fs.readdirSync(dataDir).sort(), before);
  });

  it('a lock left by a process that is gone is taken over', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(
      path.join(dataDir, LOCK_FILE),
      JSON.stringify({ pid: Number(gone.stdout), port: 1, startedAt: 'earlier' }),
    );
    first = await startCli(dataDir);
    assert.equal(readOwner(path.join(dataDir, LOCK_FILE))?.pid, first.child.pid);
  });
});
