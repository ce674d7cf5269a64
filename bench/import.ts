/**
 * `npm run bench -- import`: the whole member import (submit + run until done, through the real
 * SDK and the importer function) for 10k and 100k rows, beside the raw floor on the same file:
 * SheetJS parse time plus a bare batched insert of the same rows. Each size runs in its own
 * process so its peak RSS is its own.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { residentIdCheckChar } from '../cloudfunctions/shared/identity/resident-id';
import { seedDemo, demoUnionId } from '../emulator/seed';
import { startEmulator } from '../emulator/server';
import { sdkFor } from '../tests/helpers/emulator';
import { peakRssMb, printTable } from './table';

const SIZES = (process.env.BENCH_IMPORT_ROWS ?? '10000,100000').split(',').map(Number);

function idFor(i: number): string {
  const body = `4401${String(10 + (i % 80)).padStart(2, '0')}${1950 + Math.floor(i / 10000)}0${1 + (Math.floor(i / 1000) % 9)}1${i % 10}${String(i % 1000).padStart(3, '0')}`;
  return body + residentIdCheckChar(body);
}

function workbook(rows: number): Buffer {
  const data: Array<Array<{ t: string; v: string }>> = [['姓名', '证件类型', '证件号码', '手机号码', '单位名称'].map((v) => ({ t: 's', v }))];
  for (let i = 0; i < rows; i++) {
    data.push([`会员${String.fromCodePoint(0x4e00 + (i % 20000))}${String.fromCodePoint(0x4e00 + Math.floor(i / 20000))}`, '居民身份证', idFor(i), `13${String(100000000 + i).slice(-9)}`, '广州示例科技有限公司'].map((v) => ({ t: 's', v })));
  }
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(data as unknown as string[][]), '会员信息');
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', bookSST: true, compression: true }) as Buffer;
}

function requests(counts: Map<string, number>): number {
  let n = 0;
  for (const [k, v] of counts) if (k !== 'gateway' && k !== 'functions.invokeFunction') n += v;
  return n;
}

/** The floor: SheetJS parse of the same file plus a bare batched insert of the same rows. */
async function measureFloor(rows: number): Promise<Record<string, number>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-floor-'));
  const emulator = await startEmulator({ dataDir, functionsDirs: [] });
  try {
    const file = workbook(rows);
    const tParse = Date.now();
    const parsed = XLSX.utils.sheet_to_json<string[]>(XLSX.read(file, { type: 'buffer', dense: true }).Sheets['会员信息'], { header: 1 });
    const parseSeconds = (Date.now() - tParse) / 1000;
    emulator.store.createCollection('floor');
    const db = sdkFor(emulator).database();
    const tInsert = Date.now();
    for (let i = 1; i < parsed.length; i += 250) {
      await db.collection('floor').add(parsed.slice(i, i + 250).map((r) => ({ name: r[0], docType: r[1], doc: r[2], phone: r[3], unitName: r[4] })));
    }
    return { parseSeconds, floorSeconds: parseSeconds + (Date.now() - tInsert) / 1000, rss: peakRssMb() };
  } finally {
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The import itself: submit, then run until done, as the admin's mini-program does. */
async function measureImport(rows: number): Promise<Record<string, number>> {
  process.env.IMPORT_BUDGET_MS = '20000';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  const emulator = await startEmulator({ dataDir, functionsDirs: [path.join(__dirname, '..', 'dist', 'cloudfunctions')], functionTimeouts: { importer: 600_000 } });
  try {
    await seedDemo(emulator);
    const app = sdkFor(emulator, 'demo-admin-grassroots', 600_000);
    const up = await sdkFor(emulator).uploadFile({ cloudPath: `uploads/bench-${rows}.xlsx`, fileContent: workbook(rows) });
    const before = requests(emulator.actionCounts);
    const t0 = Date.now();
    type Answer = { ok: boolean; data: { jobId: string; status: string; imported: number }; error?: { message: string } };
    let res = (await app.callFunction({ name: 'importer', data: { action: 'submit', payload: { unionId: demoUnionId('grassroots'), fileId: up.fileID } } })).result as Answer;
    let calls = 1;
    while (res.ok && res.data.status !== 'done') {
      res = (await app.callFunction({ name: 'importer', data: { action: 'run', payload: { jobId: res.data.jobId } } })).result as Answer;
      calls += 1;
    }
    if (!res.ok) throw new Error(res.error?.message);
    return { seconds: (Date.now() - t0) / 1000, calls, dbRequests: requests(emulator.actionCounts) - before, imported: res.data.imported, rss: peakRssMb() };
  } finally {
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function inChild(mode: '--floor' | '--import', rows: number): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [mode, String(rows)], { execArgv: ['-r', 'ts-node/register/transpile-only'], stdio: ['inherit', 'pipe', 'inherit', 'ipc'] });
    child.on('message', (m) => resolve(m as Record<string, number>));
    child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`${mode} ${rows} exited with ${code}`))));
  });
}

export async function runImportBench(): Promise<void> {
  const results: Array<Record<string, string | number>> = [];
  for (const rows of SIZES) {
    const floor = await inChild('--floor', rows);
    const imp = await inChild('--import', rows);
    results.push({
      rows,
      'import s': imp.seconds.toFixed(1),
      'rows/s': Math.round(rows / imp.seconds),
      'function calls': imp.calls,
      'db requests / 1000 rows': (imp.dbRequests / (rows / 1000)).toFixed(1),
      'peak RSS MB (emulator + function)': imp.rss,
      'floor s (parse + bare insert)': floor.floorSeconds.toFixed(1),
      'floor parse s': floor.parseSeconds.toFixed(1),
      'floor peak RSS MB': floor.rss,
      'import / floor': (imp.seconds / floor.floorSeconds).toFixed(2),
    });
  }
  printTable('member import (emulator on disk, real SDK and importer function; targets: ≤ 3× floor, 100k rows < 400 MB)', results);
}

if (process.argv[2] === '--floor' || process.argv[2] === '--import') {
  (process.argv[2] === '--floor' ? measureFloor : measureImport)(Number(process.argv[3])).then(
    (r) => {
      process.send?.(r);
      process.exit(0);
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
