import fs from 'node:fs';
import path from 'node:path';

/** What the lock file says about the emulator holding a data folder. */
export interface LockOwner {
  pid: number;
  port: number | null;
  startedAt: string;
}

export const LOCK_FILE = 'emulator.lock';

/**
 * One emulator per data folder. SQLite would let two processes open the file, but each keeps its
 * transactions and write sequence in memory, so two emulators on one folder lose updates. The lock
 * is a file created atomically (link fails if it exists) naming the holder's pid and port; a lock
 * whose process is gone is stale and taken over.
 */
export class DataFolderLock {
  private released = false;

  private constructor(
    readonly file: string,
    private owner: LockOwner,
  ) {}

  static acquire(dataDir: string): DataFolderLock {
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, LOCK_FILE);
    const owner: LockOwner = { pid: process.pid, port: null, startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      if (writeExclusive(file, owner)) {
        const lock = new DataFolderLock(file, owner);
        process.once('exit', () => lock.release());
        return lock;
      }
      const holder = readOwner(file);
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) throw new Error(busyMessage(dataDir, holder));
      // Stale: its process is gone (or the file is unreadable). Remove it and race for it again.
      fs.rmSync(file, { force: true });
    }
    throw new Error(`无法锁定数据目录 ${dataDir}，请确认没有其他模拟器正在启动后重试`);
  }

  /** Records the port once it is bound, so a refused second start can say where the first one is. */
  setPort(port: number): void {
    this.owner = { ...this.owner, port };
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.owner));
    fs.renameSync(tmp, this.file);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (readOwner(this.file)?.pid === process.pid) fs.rmSync(this.file, { force: true });
  }
}

/** Empties the data folder except its lock: the caller holds the lock, so nobody else is using it. */
export function resetDataFolder(lock: DataFolderLock, dataDir: string): void {
  for (const entry of fs.readdirSync(dataDir)) {
    const full = path.join(dataDir, entry);
    if (full !== lock.file) fs.rmSync(full, { recursive: true, force: true });
  }
}

export function readOwner(file: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number'
      ? { pid: parsed.pid, port: parsed.port ?? null, startedAt: String(parsed.startedAt ?? '') }
      : undefined;
  } catch {
    return undefined;
  }
}

function busyMessage(dataDir: string, holder: LockOwner): string {
  const where = holder.port ? `，端口 ${holder.port}（http://127.0.0.1:${holder.port}/）` : '';
  return (
    `数据目录 ${dataDir} 正由另一个模拟器使用（进程 ${holder.pid}${where}，启动于 ${holder.startedAt}）。` +
    `请先停止它（在它的终端按 Ctrl-C，或 kill ${holder.pid}），或用 --data <目录> 换一个数据目录。`
  );
}

/** Writes the whole file first, then links it into place: the lock never exists half-written. */
function writeExclusive(file: string, owner: LockOwner): boolean {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(owner));
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
