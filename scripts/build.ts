/**
 * `npm run build`: bundles every cloud function into one CommonJS file that CloudBase runs as
 * `main(event, context)`, and compiles the mini-program into dist/miniprogram the way DevTools would.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { buildConsole } from './build-console';
import { buildMiniprogram } from './build-miniprogram';
import { declaredRuntime, esbuildTarget } from './lib/runtime';

const ROOT = path.resolve(__dirname, '..');
const FUNCTIONS_SRC = path.join(ROOT, 'cloudfunctions');
export const FUNCTIONS_OUT = path.join(ROOT, 'dist', 'cloudfunctions');

export function functionNames(): string[] {
  return fs
    .readdirSync(FUNCTIONS_SRC, { withFileTypes: true })
    .filter(
      (d) => d.isDirectory() && d.name !== 'shared' && fs.existsSync(path.join(FUNCTIONS_SRC, d.name, 'index.ts')),
    )
    .map((d) => d.name)
    .sort();
}

async function buildFunctions(): Promise<Array<{ name: string; bytes: number }>> {
  const names = functionNames();
  // The runtime declared in cloudbaserc.json is the target: syntax newer than it fails the build.
  const target = esbuildTarget(declaredRuntime());
  await Promise.all(
    names.map((name) =>
      build({
        entryPoints: [path.join(FUNCTIONS_SRC, name, 'index.ts')],
        outfile: path.join(FUNCTIONS_OUT, name, 'index.js'),
        bundle: true,
        platform: 'node',
        target,
        format: 'cjs',
        minify: false,
        sourcemap: false,
        legalComments: 'none',
        logLevel: 'warning',
      }),
    ),
  );
  return names.map((name) => {
    fs.writeFileSync(
      path.join(FUNCTIONS_OUT, name, 'package.json'),
      `${JSON.stringify({ name, version: '1.0.0', private: true, main: 'index.js' }, null, 2)}\n`,
    );
    return { name, bytes: fs.statSync(path.join(FUNCTIONS_OUT, name, 'index.js')).size };
  });
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

async function main(): Promise<void> {
  const quiet = process.argv.includes('--quiet');
  const functions = await buildFunctions();
  const mp = await buildMiniprogram();
  const web = await buildConsole();
  if (quiet) return;
  console.log('cloud functions (dist/cloudfunctions):');
  for (const f of functions) console.log(`  ${f.name.padEnd(14)} ${kb(f.bytes)}`);
  console.log('mini-program packages (dist/miniprogram, files the app references):');
  for (const p of mp.packages) {
    console.log(
      `  ${p.root.padEnd(14)} ${kb(p.bytes).padStart(10)}  limit ${kb(p.limit)}${p.bytes > p.limit ? '  OVER LIMIT' : ''}`,
    );
  }
  console.log(`  ${'total'.padEnd(14)} ${kb(mp.totalBytes).padStart(10)}  limit ${kb(mp.totalLimit)}`);
  console.log(
    `back office (dist/console)${web.skipped ? ', unchanged' : ''}: initial JS ${kb(web.initialJsGzip)} gzipped, limit 500.0 KB; ${web.chunks.length} chunks`,
  );
  if (web.initialJsGzip > 500 * 1024) process.exitCode = 1;
  if (mp.packages.some((p) => p.bytes > p.limit) || mp.totalBytes > mp.totalLimit) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
