/**
 * `npm run bench -- emulator`: the emulator's own speed, through the real SDK over HTTP.
 *   - batched adds of 100k documents (1000 per add) into a collection of 900k → inserts/s
 *   - get by an indexed field and by _id on the 1M-document collection → latency percentiles
 *   - peak RSS of the process (emulator and client share it)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalEmulator } from '../fixtures/local-emulator';
import { sdkFor } from '../emulator/client';
import { peakRssMb, percentile, printTable } from './table';

const INSERT_DOCS = Number(process.env.BENCH_INSERT_DOCS ?? 100_000);
const BIG_DOCS = Number(process.env.BENCH_BIG_DOCS ?? 1_000_000);
const BATCH = 1000;
const QUERIES = 1000;

function memberLike(i: number): Record<string, unknown> {
  return {
    _id: `m${i}`,
    unionId: `u${i % 5000}`,
    status: i % 10 === 0 ? 'removed' : 'active',
    realName: i % 3 !== 0,
    docIndex: `idx-${i}`,
    name: `会员${i}`,
    joinedAt: new Date(1_700_000_000_000 + i * 1000),
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

export async function runEmulatorBench(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-emulator-'));
  const emulator = await startLocalEmulator({ dataDir, functionsDirs: [] });
  try {
    const db = sdkFor(emulator).database();

    // 1. Fill the collection straight through the engine first, while no client socket is open (the
    // fill blocks the event loop, and an idle keep-alive socket would be reset under the client).
    const tFill = Date.now();
    for (let i = INSERT_DOCS; i < BIG_DOCS; i += 10_000) {
      emulator.engine.insert(
        'members',
        Array.from({ length: Math.min(10_000, BIG_DOCS - i) }, (_, k) => memberLike(i + k)),
      );
    }
    const fillSeconds = (Date.now() - tFill) / 1000;

    // 2. Batched adds through the SDK: the last 100k of the 1M, into an already large collection.
    const members = db.collection('members');
    const t0 = Date.now();
    for (let i = 0; i < INSERT_DOCS; i += BATCH) {
      await members.add(Array.from({ length: Math.min(BATCH, INSERT_DOCS - i) }, (_, k) => memberLike(i + k)));
    }
    const insertSeconds = (Date.now() - t0) / 1000;

    const byIndex: number[] = [];
    const byId: number[] = [];
    const byUnion: number[] = [];
    for (let q = 0; q < QUERIES; q++) {
      const i = Math.floor(Math.random() * BIG_DOCS);
      byIndex.push(await timed(() => members.where({ docIndex: `idx-${i}`, status: 'active' }).get()));
      byId.push(await timed(() => members.doc(`m${i}`).get()));
      byUnion.push(
        await timed(() =>
          members
            .where({ unionId: `u${i % 5000}`, status: 'active', realName: true })
            .limit(20)
            .get(),
        ),
      );
    }
    const row = (name: string, samples: number[]) => {
      const s = [...samples].sort((a, b) => a - b);
      return {
        query: name,
        n: s.length,
        'p50 ms': percentile(s, 50).toFixed(2),
        'p99 ms': percentile(s, 99).toFixed(2),
        'max ms': s[s.length - 1].toFixed(2),
      };
    };

    printTable(`emulator: batched add through the SDK (${BATCH} per add, SQLite on disk)`, [
      {
        documents: INSERT_DOCS,
        seconds: insertSeconds.toFixed(2),
        'inserts/s': Math.round(INSERT_DOCS / insertSeconds),
      },
    ]);
    printTable(
      `emulator: get latency through the SDK on ${BIG_DOCS.toLocaleString('en')} documents (filled in ${fillSeconds.toFixed(1)} s)`,
      [
        row('where({docIndex, status}) – index', byIndex),
        row('doc(_id).get() – primary key', byId),
        row('where({unionId, status, realName}).limit(20)', byUnion),
      ],
    );
    printTable('emulator: memory', [{ 'peak RSS MB': peakRssMb() }]);
  } finally {
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
