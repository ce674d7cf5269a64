/**
 * `npm run check -- --url http://127.0.0.1:<port>` (a running emulator) or `npm run check -- --data <dir>`
 * (a data folder, read-only): recomputes every counter from its rows and lists each drift.
 * `--repair` (with --url) then sets each drifted counter back to its rows, safely next to live
 * traffic (scripts/repair.ts), and checks again. Exit code 1 when anything drifted (after repair).
 */
import { printTable } from '../bench/table';
import { checkInvariants, folderSource, sdkSource, type CheckReport } from './invariants';
import { repairDrifts } from './repair';

export function printReport(report: CheckReport): void {
  printTable(`invariants of ${report.source}`, [{ ...report.checked, drifts: report.drifts.length }]);
  if (report.drifts.length === 0) {
    console.log('no drift: every counter equals its rows');
    return;
  }
  printTable(
    'drifts (stored ≠ recomputed from rows)',
    report.drifts.map((d) => ({
      check: d.check,
      target: d.target,
      stored: String(d.stored),
      recomputed: String(d.recomputed),
    })),
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (i < 0) return undefined;
    return args[i].includes('=') ? args[i].slice(flag.length + 1) : args[i + 1];
  };
  const url = value('--url');
  const data = value('--data');
  if (!url === !data)
    throw new Error('用法: npm run check -- --url http://127.0.0.1:<端口>  或  npm run check -- --data <数据目录>');
  if (args.includes('--repair')) {
    // Repairs write, so they go through a running emulator (or CloudBase), never into a folder another process may own.
    if (!url) throw new Error('--repair 需要 --url：修复通过运行中的模拟器写入，请先 npm start，再用 --url 指向它');
    const { repairs, after } = await repairDrifts(
      `${url.replace(/\/+$/, '').replace(/\/admin$/, '')}/admin`,
      value('--env') ?? 'local-dev',
    );
    printTable(
      'repaired (set back to what the rows say)',
      repairs.length
        ? repairs.map((r) => ({ check: r.check, target: r.target, from: String(r.from), to: String(r.to) }))
        : [{ check: 'nothing to repair' }],
    );
    printReport(after);
    process.exit(after.drifts.length > 0 ? 1 : 0);
  }
  const source = url
    ? sdkSource(`${url.replace(/\/+$/, '').replace(/\/admin$/, '')}/admin`, value('--env') ?? 'local-dev')
    : folderSource(data as string);
  try {
    const report = await checkInvariants(source);
    printReport(report);
    if (report.drifts.length > 0) process.exitCode = 1;
  } finally {
    await source.close();
  }
  // The SDK's keep-alive connections would hold the process open.
  process.exit();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`检查失败: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  });
}
