/**
 * `npm run check -- --url http://127.0.0.1:<port>` (a running emulator) or `npm run check -- --data <dir>`
 * (a data folder, read-only): recomputes every counter from its rows and lists each drift.
 * Exit code 1 when anything drifted.
 */
import { printTable } from '../bench/table';
import { checkInvariants, folderSource, sdkSource, type CheckReport } from './invariants';

export function printReport(report: CheckReport): void {
  printTable(`invariants of ${report.source}`, [{ ...report.checked, drifts: report.drifts.length }]);
  if (report.drifts.length === 0) {
    console.log('no drift: every counter equals its rows');
    return;
  }
  printTable('drifts (stored ≠ recomputed from rows)', report.drifts.map((d) => ({ check: d.check, target: d.target, stored: String(d.stored), recomputed: String(d.recomputed) })));
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
  if (!url === !data) throw new Error('用法: npm run check -- --url http://127.0.0.1:<端口>  或  npm run check -- --data <数据目录>');
  const source = url ? sdkSource(`${url.replace(/\/+$/, '').replace(/\/admin$/, '')}/admin`, value('--env') ?? 'local-dev') : folderSource(data as string);
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
