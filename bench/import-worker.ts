/**
 * The two processes `bench/import.ts` measures, bundled by esbuild and run by plain `node` as a cloud
 * function container would run them (no ts-node in the process, so peak RSS is the work's own):
 * `floor <file>` parses the file and inserts its rows bare; `import <fileId> <unionId>` calls the
 * importer function's own `main` until the job is done.
 */
import tcb from '@cloudbase/node-sdk';
import fs from 'node:fs';
import * as XLSX from 'xlsx';
import { main } from '../cloudfunctions/importer';
import { peakRssMb } from './table';

const FLOOR_INSERT_BATCH = 250;

async function floor(file: string): Promise<Record<string, number>> {
  const tParse = Date.now();
  const parsed = XLSX.utils.sheet_to_json<string[]>(XLSX.read(fs.readFileSync(file), { type: 'buffer', dense: true }).Sheets['会员信息'], { header: 1 });
  const parseSeconds = (Date.now() - tParse) / 1000;
  const db = tcb.init({ env: process.env.TCB_ENV, serviceUrl: process.env.TCB_SERVICE_URL, timeout: 600_000 }).database();
  const tInsert = Date.now();
  for (let i = 1; i < parsed.length; i += FLOOR_INSERT_BATCH) {
    await db.collection('floor').add(parsed.slice(i, i + FLOOR_INSERT_BATCH).map((r) => ({ name: r[0], docType: r[1], doc: r[2], phone: r[3], unitName: r[4] })));
  }
  return { parseSeconds, floorSeconds: parseSeconds + (Date.now() - tInsert) / 1000, rss: peakRssMb() };
}

async function runImport(fileId: string, unionId: string): Promise<Record<string, number>> {
  const env = process.env.TCB_ENV ?? '';
  const context = { environment: JSON.stringify({ TCB_ENV: env, SCF_NAMESPACE: env, TCB_CONTEXT_KEYS: 'TCB_ENV,SCF_NAMESPACE', WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID', WX_OPENID: 'demo-admin-grassroots', WX_APPID: 'wx-bench' }) };
  type Answer = { ok: boolean; data: { jobId: string; status: string; imported: number }; error?: { message: string } };
  const t0 = Date.now();
  let res = (await main({ action: 'submit', payload: { unionId, fileId } }, context)) as Answer;
  let calls = 1;
  while (res.ok && res.data.status !== 'done') {
    res = (await main({ action: 'run', payload: { jobId: res.data.jobId } }, context)) as Answer;
    calls += 1;
  }
  if (!res.ok) throw new Error(res.error?.message);
  return { seconds: (Date.now() - t0) / 1000, calls, imported: res.data.imported, rss: peakRssMb() };
}

const [mode, a, b] = process.argv.slice(2);
const T0 = Date.now(); const trace: string[] = [];
setInterval(() => { const m = process.memoryUsage(); trace.push(`${Date.now() - T0} rss ${m.rss >> 20} heap ${m.heapUsed >> 20}/${m.heapTotal >> 20} ext ${m.external >> 20} ab ${m.arrayBuffers >> 20}`); }, 250).unref();
process.on('exit', () => { if (mode === 'import') console.error(trace.join('\n')); });
if (mode === 'floor' || mode === 'import') {
  (mode === 'floor' ? floor(a) : runImport(a, b)).then(
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
