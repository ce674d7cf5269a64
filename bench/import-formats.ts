/**
 * `npm run bench -- import-formats`: the importer's dry run (校验) of the largest files an admin can
 * upload, in each format it reads: 200,000 register rows (the row limit), and the same rows with a
 * note column filling the file up to the size cap. .xlsx and CSV are read as streams; .xls and .ods
 * are read whole by SheetJS, under lower caps: the rows that fit under them. The .xlsx stream is the baseline, measured in the same run. Each dry
 * run is the importer function's own `main` in a plain node process (`import-worker.ts`), so its
 * peak RSS is the function's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import * as XLSX from 'xlsx';
import { IMPORT_LIMITS } from '../cloudfunctions/shared/importer/file-guard';
import { demoUnionId, seedDemo } from '../fixtures/demo';
import { startLocalEmulator } from '../fixtures/local-emulator';
import { sdkFor } from '../emulator/client';
import { convertWithLibreOffice } from '../scripts/libreoffice';
import { ensureDebianPackage } from '../scripts/system-packages';
import { bundleWorker, idFor, worker } from './import';
import { printTable } from './table';

const ROWS = Number(process.env.BENCH_FORMAT_ROWS ?? IMPORT_LIMITS.maxRows);
/** BENCH_FORMAT_CAP=0 measures the row-limit files only (filling to the cap takes several conversions). */
const FILL_TO_CAP = process.env.BENCH_FORMAT_CAP !== '0';
const FORMATS = (process.env.BENCH_FORMATS ?? 'xlsx,csv,csv-gbk,xls,ods').split(',');
/** Just under the cap, so the file is accepted. */
const TARGET_BYTES = IMPORT_LIMITS.maxFileBytes - 256 * 1024;

/** A note of `chars` characters that does not compress away (a real note column differs row by row). */
function note(i: number, chars: number): string {
  let s = '';
  let x = (i + 1) * 2654435761;
  for (let c = 0; c < chars; c++) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += String.fromCodePoint(0x4e00 + (x % 20000));
  }
  return s;
}

function rows(count: number, noteChars: number): string[][] {
  const header = ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'];
  const out = [noteChars ? [...header, '备注'] : header];
  for (let i = 0; i < count; i++) {
    const row = [
      `格式${String.fromCodePoint(0x4e00 + (i % 20000))}${String.fromCodePoint(0x4e00 + Math.floor(i / 20000))}`,
      '居民身份证',
      idFor(i),
      `13${String(100000000 + i).slice(-9)}`,
      '广州示例科技有限公司',
    ];
    out.push(noteChars ? [...row, note(i, noteChars)] : row);
  }
  return out;
}

/**
 * .xlsx by SheetJS, as the other benches write it; .xls and .ods by LibreOffice from a CSV whose
 * columns it takes as text, as an admin's office suite saves them (SheetJS's BIFF8 writer takes
 * minutes at these sizes).
 */
function write(format: string, data: string[][]): Buffer {
  const text = data.map((r) => r.join(',')).join('\r\n') + '\r\n';
  if (format === 'csv') return Buffer.from(text, 'utf8');
  if (format === 'csv-gbk') return iconv.encode(text, 'gbk');
  if (format === 'xls' || format === 'ods') {
    const textColumns = data[0].map((_, i) => `${i + 1}/2`).join('/');
    return convertWithLibreOffice(Buffer.from(text), 'members.csv', format, `CSV:44,34,76,1,${textColumns}`);
  }
  const book = XLSX.utils.book_new();
  const cells = data.map((r) => r.map((v) => ({ t: 's', v })));
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(cells as unknown as string[][]), '会员信息');
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', bookSST: true, compression: true }) as Buffer;
}

/** .xls and .ods have lower caps (file-guard.ts): the rows that fit under them, as LibreOffice writes them. */
const CAPPED_ROWS: Record<string, number> = { xls: 30_000, ods: 22_500 };
const rowsOf = (format: string) => Math.min(ROWS, CAPPED_ROWS[format] ?? ROWS);

/** The rows with a note column long enough to bring the file to the cap (none when the rows alone are over it). */
function atCap(format: string, plain: number): Buffer | undefined {
  if (plain >= TARGET_BYTES) return undefined;
  const n = rowsOf(format);
  // Bytes per note character, from a small file: the note column is the only difference.
  const probeRows = 2000;
  const perChar =
    (write(format, rows(probeRows, 20)).length - write(format, rows(probeRows, 0)).length) / (20 * probeRows);
  let chars = Math.floor((TARGET_BYTES - plain) / (perChar * n));
  let file = write(format, rows(n, chars));
  // Compression makes the probe's estimate approximate: correct it in proportion, then step down under the cap.
  for (let i = 0; i < 2 && Math.abs(file.length - TARGET_BYTES) > 512 * 1024; i++) {
    const scale = (TARGET_BYTES - plain) / Math.max(file.length - plain, 1);
    chars = Math.max(1, Math.floor(chars * Math.min(Math.max(scale, 0.25), 4)));
    file = write(format, rows(n, chars));
  }
  while (file.length > IMPORT_LIMITS.maxFileBytes && chars > 1) {
    chars -= 1;
    file = write(format, rows(n, chars));
  }
  return file;
}

export async function runImportFormatsBench(): Promise<void> {
  const results: Array<Record<string, string | number>> = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-import-formats-'));
  const emulator = await startLocalEmulator({ dataDir, functionsDirs: [] });
  try {
    await seedDemo(emulator);
    const script = await bundleWorker(dataDir);
    const sdk = sdkFor(emulator, undefined, 600_000);
    for (const format of FORMATS) {
      if (
        (format === 'xls' || format === 'ods') &&
        !ensureDebianPackage('libreoffice-calc-nogui', '/usr/bin/soffice').ok
      ) {
        console.warn(`skipped ${format}: LibreOffice is not installed and could not be`);
        continue;
      }
      const plain = write(format, rows(rowsOf(format), 0));
      for (const [size, file] of [
        [`${rowsOf(format)} rows`, plain],
        [
          `${rowsOf(format)} rows + note to the cap`,
          FILL_TO_CAP && !CAPPED_ROWS[format] ? atCap(format, plain.length) : undefined,
        ],
      ] as const) {
        if (!file) continue;
        const up = await sdk.uploadFile({ cloudPath: `uploads/bench-${format}-${file.length}`, fileContent: file });
        let run: Record<string, number> | undefined;
        let failure = '';
        try {
          run = await worker(script, ['validate', up.fileID, demoUnionId('grassroots')]);
        } catch (err) {
          failure = (err as Error).message;
        }
        results.push({
          format,
          reader: format === 'xls' || format === 'ods' ? 'SheetJS, whole' : 'stream',
          file: size,
          'file MB': (file.length / 1048576).toFixed(1),
          'validate s': run ? run.seconds.toFixed(1) : `failed: ${failure}`,
          valid: run?.valid ?? '-',
          'function peak RSS MB': run?.rss ?? '-',
        });
      }
    }
  } finally {
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  printTable(
    `import dry run (校验) by format, largest files allowed (${IMPORT_LIMITS.maxRows} rows, ${IMPORT_LIMITS.maxFileBytes / 1048576} MB; .xls ${IMPORT_LIMITS.maxXlsBytes / 1048576} MB, .ods ${IMPORT_LIMITS.maxOdsInflatedBytes / 1048576} MB inflated); baseline: the xlsx stream; target: function peak RSS < 256 MB`,
    results,
  );
}
