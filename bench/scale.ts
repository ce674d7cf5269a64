/**
 * `npm run bench -- scale`: the hot read actions at three province sizes, through the function
 * gateway and the real SDK, as p50/p95 per action and the growth factor from the smallest to the
 * largest size. member.my is the floor: a caller lookup and primary-key reads, whatever the size.
 * The largest size (100k unions, 1M members) runs only with BENCH_SCALE_FULL=1 (several minutes).
 * Each row also shows what the action's queries examined at that size (keys / documents).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UnionDoc } from '../cloudfunctions/shared/documents';
import { seedDemo, demoUnionId } from '../fixtures/demo';
import { startLocalEmulator } from '../fixtures/local-emulator';
import { Caller } from '../fixtures/caller';
import { ABSENT_NAME, loadProvince, type ProvinceSize } from '../fixtures/province';
import { percentile, printTable } from './table';

const SIZES: Array<ProvinceSize & { label: string }> = [
  { label: '1k unions, 10k members', unions: 1_000, members: 10_000, pending: 5_000, auditLogs: 10_000 },
  { label: '10k unions, 100k members', unions: 10_000, members: 100_000, pending: 5_000, auditLogs: 100_000 },
  ...(process.env.BENCH_SCALE_FULL === '1'
    ? [{ label: '100k unions, 1M members', unions: 100_000, members: 1_000_000, pending: 5_000, auditLogs: 1_000_000 }]
    : []),
];
const RUNS = Number(process.env.BENCH_SCALE_RUNS ?? 40);

interface Measured {
  p50: number;
  p95: number;
  keys: number;
  docs: number;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function measureSize(size: ProvinceSize): Promise<Map<string, Measured>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  const emulator = await startLocalEmulator({ dataDir });
  try {
    // Filled straight through the engine before any client socket is open (the fill blocks the loop).
    await seedDemo(emulator);
    const get = (key: 'street' | 'county') => emulator.store.get('unions', demoUnionId(key)) as unknown as UnionDoc;
    await loadProvince(
      size,
      { street: demoUnionId('street'), county: demoUnionId('county'), grassroots: demoUnionId('grassroots') },
      { street: get('street'), county: get('county') },
      async (c, docs) => {
        emulator.engine.insert(c, docs);
      },
      async (unionId, inc) => {
        emulator.engine.modify({
          collection: 'unions',
          query: { _id: unionId },
          data: { $inc: inc },
          multi: false,
          merge: true,
          upsert: false,
        });
      },
    );
    const as = (openid: string) => new Caller(emulator, openid);
    const grassroots = demoUnionId('grassroots');
    const actions: Array<[string, () => Promise<unknown>]> = [
      ['member.searchUnions, many hits', () => as('demo-user').ok('member', 'searchUnions', { keyword: '科技' })],
      ['member.searchUnions, no match', () => as('demo-user').ok('member', 'searchUnions', { keyword: ABSENT_NAME })],
      [
        'org.directory, street admin',
        () =>
          as('demo-admin-street').ok('org', 'directory', { unionId: demoUnionId('street'), category: 'grassroots' }),
      ],
      [
        'member.list, page 1 of the big union',
        () => as('demo-admin-grassroots').ok('member', 'list', { unionId: grassroots, realName: true }),
      ],
      ['review.listInbox, 5,000 pending', () => as('demo-admin-grassroots').ok('review', 'listInbox', {})],
      ['admin.auditLog, province office', () => as('demo-province-office').ok('admin', 'auditLog', {})],
      ['member.my (floor)', () => as('demo-member').ok('member', 'my', {})],
    ];
    const out = new Map<string, Measured>();
    for (const [name, run] of actions) {
      await run(); // warm: function loaded, statements prepared
      const seq = emulator.store.queryLog.lastSeq;
      await run();
      const queries = emulator.store.queryLog.since(seq);
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) samples.push(await timed(run));
      samples.sort((a, b) => a - b);
      out.set(name, {
        p50: percentile(samples, 50),
        p95: percentile(samples, 95),
        keys: queries.reduce((n, q) => n + q.keysExamined, 0),
        docs: queries.reduce((n, q) => n + q.docsExamined, 0),
      });
    }
    return out;
  } finally {
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runScaleBench(): Promise<void> {
  const results: Array<Map<string, Measured>> = [];
  for (const size of SIZES) {
    const t = Date.now();
    results.push(await measureSize(size));
    console.log(`scale: ${size.label} measured in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  const names = [...results[0].keys()];
  const FLOOR = 'member.my (floor)';
  // Timings on a shared machine drift between sizes; the ratio to the floor measured in the same
  // size's run (and the examined counts) are what compare.
  const overFloor = (i: number, name: string) =>
    (results[i].get(name) as Measured).p50 / (results[i].get(FLOOR) as Measured).p50;
  const rows = names.map((name) => {
    const row: Record<string, string> = { action: name };
    SIZES.forEach((size, i) => {
      const m = results[i].get(name) as Measured;
      row[size.label] =
        `${m.p50.toFixed(1)} / ${m.p95.toFixed(1)} ms = ${overFloor(i, name).toFixed(1)}× floor (${m.keys} keys, ${m.docs} docs)`;
    });
    const first = results[0].get(name) as Measured;
    const last = results[results.length - 1].get(name) as Measured;
    const times = SIZES.length > 2 ? 100 : 10;
    row[`growth p50 ×${times} data`] = `${(last.p50 / first.p50).toFixed(2)}×`;
    row['growth over floor'] = `${(overFloor(results.length - 1, name) / overFloor(0, name)).toFixed(2)}×`;
    return row;
  });
  printTable(
    `scale: hot read actions, p50 / p95 through the function gateway (${RUNS} runs each; examined per call)${SIZES.length < 3 ? ' — BENCH_SCALE_FULL=1 adds 100k unions / 1M members' : ''}`,
    rows,
  );
}
