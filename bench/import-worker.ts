/**
 * The processes `bench/import.ts` measures, bundled by esbuild and run by plain `node` as a cloud
 * function container would run them (no ts-node in the process, so peak RSS is the work's own):
 * `floor <file>` parses the file and inserts its rows bare; `validate <fileId> <unionId>` runs the dry
 * run; `import <fileId> <unionId>` calls the importer function's own `main` until the job is done.
 */
import tcb from '@cloudbase/node-sdk';
import fs from 'node:fs';
import * as XLSX from 'xlsx';
import { main } from '../cloudfunctions/importer';
import { cpuSeconds, peakRssMb } from './table';

const FLOOR_INSERT_BATCH = 250;

async function floor(file: string): Promise<Record<string, number>> {
  const tParse = Date.now();
  const parsed = XLSX.utils.sheet_to_json<string[]>(
    XLSX.read(fs.readFileSync(file), { type: 'buffer', dense: true }).Sheets['会员信息'],
    { header: 1 },
  );
  const parseSeconds = (Date.now() - tParse) / 1000;
  const db = tcb
    .init({ env: process.env.TCB_ENV, serviceUrl: process.env.TCB_SERVICE_URL, timeout: 600_000 })
    .database();
  const tInsert = Date.now();
  for (let i = 1; i < parsed.length; i += FLOOR_INSERT_BATCH) {
    await db
      .collection('floor')
      .add(
        parsed
          .slice(i, i + FLOOR_INSERT_BATCH)
          .map((r) => ({ name: r[0], docType: r[1], doc: r[2], phone: r[3], unitName: r[4] })),
      );
  }
  return {
    parseSeconds,
    floorSeconds: parseSeconds + (Date.now() - tInsert) / 1000,
    rss: peakRssMb(),
    cpu: cpuSeconds(),
  };
}

type Answer<T> = { ok: true; data: T } | { ok: false; error: { message: string } };

/** Calls the importer's `main` as SCF does, as the demo grassroots admin. */
async function call<T>(action: string, payload: Record<string, string>): Promise<T> {
  const env = process.env.TCB_ENV ?? '';
  const context = {
    environment: JSON.stringify({
      TCB_ENV: env,
      SCF_NAMESPACE: env,
      TCB_CONTEXT_KEYS: 'TCB_ENV,SCF_NAMESPACE',
      WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID',
      WX_OPENID: 'demo-admin-grassroots',
      WX_APPID: 'wx-bench',
    }),
  };
  const res = (await main({ action, payload }, context)) as Answer<T>;
  if (!res.ok) throw new Error(res.error.message);
  return res.data;
}

/** The dry run (校验) an admin runs before submitting. */
async function runValidate(fileId: string, unionId: string): Promise<Record<string, number>> {
  const t0 = Date.now();
  const report = await call<{ valid: number }>('validate', { unionId, fileId });
  return { seconds: (Date.now() - t0) / 1000, valid: report.valid, rss: peakRssMb() };
}

async function runImport(fileId: string, unionId: string): Promise<Record<string, number>> {
  type Job = { jobId: string; status: string; imported: number };
  const t0 = Date.now();
  let job = await call<Job>('submit', { unionId, fileId });
  let calls = 1;
  while (job.status !== 'done') {
    job = await call<Job>('run', { jobId: job.jobId });
    calls += 1;
  }
  return { seconds: (Date.now() - t0) / 1000, calls, imported: job.imported, rss: peakRssMb(), cpu: cpuSeconds() };
}

const WORK: Record<string, (a: string, b: string) => Promise<Record<string, number>>> = {
  floor,
  validate: runValidate,
  import: runImport,
};
const [mode, a, b] = process.argv.slice(2);
if (WORK[mode]) {
  WORK[mode](a, b).then(
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
