/**
 * `npm run bench -- import`: the whole member import (submit, then run until done) for 10k, 100k
 * and 200k rows, beside the raw floor on the same file: SheetJS parse time plus a bare batched insert of the
 * same rows. The emulator runs in this process; the importer function and the floor each run in a
 * plain node process of their own (`import-worker.ts`, bundled) that talks to it over HTTP, as a
 * cloud function container would, so each peak RSS is that worker's own.
 */
import { build } from 'esbuild';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as XLSX from 'xlsx';
import { syntheticResidentId } from '../cloudfunctions/shared/identity/resident-id';
import { demoUnionId, seedDemo } from '../fixtures/demo';
import { startLocalEmulator } from '../fixtures/local-emulator';
import { sdkFor } from '../emulator/client';
import { benchName } from './names';
import { cpuSeconds, peakRssMb, percentile, printTable } from './table';

const SIZES = (process.env.BENCH_IMPORT_ROWS ?? '10000,100000,200000').split(',').map(Number);
// The deployed budget (cloudbaserc.json); BENCH_IMPORT_BUDGET_MS shows what smaller calls cost (each re-reads the file).
const BUDGET_MS = process.env.BENCH_IMPORT_BUDGET_MS ?? '20000';
const CORES = os.availableParallelism();
// The floor alone moves by 10–30 % between runs on a shared machine: several runs, each with its own floor, give a median.
const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 1);

export function idFor(i: number): string {
  return syntheticResidentId(
    `${1950 + Math.floor(i / 10000)}0${1 + (Math.floor(i / 1000) % 9)}1${i % 10}`,
    i % 1000,
    `4401${String(10 + (i % 80)).padStart(2, '0')}`,
  );
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Row r of the file holds person (r · stride) mod rows: every person once, with a stride coprime to
 * the row count, in an order unrelated to their numbers. A real file lists people by unit or by name,
 * so their names and numbers' tails land at random places in the indexes. In number order every
 * insert added keys next to each other, and a 100k-row import took 12.0 s where this order took
 * 16.5 s (both on 3adf2d6's emulator, which wrote every index entry straight into its index).
 */
function coprimeStride(rows: number): number {
  let stride = 7919;
  while (gcd(stride, rows) !== 1) stride += 1;
  return stride;
}

function workbook(rows: number): Buffer {
  const data: Array<Array<{ t: string; v: string }>> = [
    ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'].map((v) => ({ t: 's', v })),
  ];
  const stride = coprimeStride(rows);
  for (let r = 0; r < rows; r++) {
    const i = (r * stride) % rows;
    data.push(
      [benchName(i), '居民身份证', idFor(i), `13${String(100000000 + i).slice(-9)}`, '广州示例科技有限公司'].map(
        (v) => ({ t: 's', v }),
      ),
    );
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

/** The workers run as plain JavaScript, bundled the way the functions are, with no ts-node in them. */
export async function bundleWorker(dir: string): Promise<string> {
  const outfile = path.join(dir, 'import-worker.js');
  await build({
    entryPoints: [path.join(__dirname, 'import-worker.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  return outfile;
}

export function worker(script: string, args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = fork(script, args, {
      execArgv: process.env.BENCH_WORKER_EXEC_ARGV?.split(' ').filter(Boolean) ?? [],
      env: { ...process.env, IMPORT_BUDGET_MS: BUDGET_MS },
    });
    child.on('message', (m) => resolve(m as Record<string, number>));
    child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

/** One import and its floor, in a fresh emulator (an import of the same file into a union that has its rows imports nothing). */
async function measure(rows: number, run: number): Promise<Record<string, string | number>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  const emulator = await startLocalEmulator({ dataDir, functionsDirs: [] });
  try {
    await seedDemo(emulator);
    emulator.store.createCollection('floor');
    const file = workbook(rows);
    const filePath = path.join(dataDir, 'members.xlsx');
    fs.writeFileSync(filePath, file);
    const up = await sdkFor(emulator, undefined, 600_000).uploadFile({
      cloudPath: `uploads/bench-${rows}.xlsx`,
      fileContent: file,
    });
    const script = await bundleWorker(dataDir);
    // The database's CPU during each worker's run is this process's (the emulator's); on a shared
    // machine, CPU seconds compare the work done where wall-clock seconds also count the waiting.
    let cpu = process.cpuUsage();
    const floor = await worker(script, ['floor', filePath]);
    const floorDbCpu = cpuSeconds(cpu);
    const dryRun = await worker(script, ['validate', up.fileID, demoUnionId('grassroots')]);
    const before = requests(emulator.actionCounts);
    cpu = process.cpuUsage();
    const imp = await worker(script, ['import', up.fileID, demoUnionId('grassroots')]);
    const importDbCpu = cpuSeconds(cpu);
    const dbRequests = requests(emulator.actionCounts) - before;
    // The least time the same work could take here: all its CPU seconds spread over every core, with
    // neither process ever waiting for the other. Below 2× the floor only if the work itself is.
    const cpuBound = (imp.cpu + importDbCpu) / CORES;
    return {
      rows,
      run,
      'import s': imp.seconds.toFixed(1),
      'rows/s': Math.round(rows / imp.seconds),
      'function calls': imp.calls,
      'db requests / 1000 rows': (dbRequests / (rows / 1000)).toFixed(1),
      'function peak RSS MB': imp.rss,
      'floor s (parse + bare insert)': floor.floorSeconds.toFixed(1),
      'floor parse s': floor.parseSeconds.toFixed(1),
      'floor peak RSS MB': floor.rss,
      'import / floor': (imp.seconds / floor.floorSeconds).toFixed(2),
      [`import CPU ÷ ${CORES} cores s`]: cpuBound.toFixed(1),
      'CPU ÷ cores / floor': (cpuBound / floor.floorSeconds).toFixed(2),
      'CPU s import (function + db)': `${imp.cpu.toFixed(1)} + ${importDbCpu.toFixed(1)}`,
      'CPU s floor (worker + db)': `${floor.cpu.toFixed(1)} + ${floorDbCpu.toFixed(1)}`,
      'file MB': (file.length / 1048576).toFixed(1),
      imported: imp.imported,
      'validate s': dryRun.seconds.toFixed(1),
      'validate peak RSS MB': dryRun.rss,
    };
  } finally {
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runImportBench(): Promise<void> {
  const results: Array<Record<string, string | number>> = [];
  const summary: Array<Record<string, string | number>> = [];
  for (const rows of SIZES) {
    const ratios: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const r = await measure(rows, run);
      results.push(r);
      ratios.push(Number(r['import / floor']));
    }
    ratios.sort((x, y) => x - y);
    summary.push({
      rows,
      runs: RUNS,
      'median import / floor': percentile(ratios, 50).toFixed(2),
      'lowest – highest': `${ratios[0].toFixed(2)} – ${ratios[ratios.length - 1].toFixed(2)}`,
    });
  }
  printTable(
    `member import (emulator on disk in the bench process; function and floor in their own processes; budget ${BUDGET_MS} ms a call; targets: ≤ 2× floor, function peak RSS < 256 MB)`,
    results,
  );
  if (RUNS > 1) printTable('import / floor over the runs (each run measures its own floor)', summary);
  printTable('bench process (the emulator)', [{ 'peak RSS MB': peakRssMb() }]);
}
