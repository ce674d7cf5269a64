/** `npm run bench -- <name>`: runs one benchmark, or all with no name. */
import { runConsoleBench } from './console';
import { runEmulatorBench } from './emulator';
import { runImportBench } from './import';
import { runImportFormatsBench } from './import-formats';
import { runLoadBench } from './load';
import { runScaleBench } from './scale';

const BENCHES: Record<string, () => Promise<void>> = {
  console: runConsoleBench,
  emulator: runEmulatorBench,
  import: runImportBench,
  'import-formats': runImportFormatsBench,
  load: runLoadBench,
  scale: runScaleBench,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !BENCHES[n]);
  if (unknown.length) {
    console.error(`unknown benchmark: ${unknown.join(', ')}; available: ${Object.keys(BENCHES).join(', ')}`);
    process.exit(2);
  }
  for (const name of names.length ? names : Object.keys(BENCHES)) await BENCHES[name]();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
