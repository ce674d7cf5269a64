/**
 * Builds the PC back office (console/, Vue 3 + TDesign + Vite) into dist/console, the folder that
 * CloudBase static hosting serves and the emulator serves under /console/. Skipped when nothing it
 * is built from has changed since the last build, so `npm test` stays quick.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const ROOT = path.resolve(__dirname, '..');
const CONSOLE_SRC = path.join(ROOT, 'console');
export const CONSOLE_OUT = path.join(ROOT, 'dist', 'console');
const STAMP = path.join(CONSOLE_OUT, '.build-stamp');

export interface ConsoleBuild {
  skipped: boolean;
  /** Gzipped bytes of the JavaScript the login screen loads (the entry and its static imports). */
  initialJsGzip: number;
  /** Gzipped bytes of every chunk, by file. */
  chunks: Array<{ file: string; gzip: number }>;
}

function inputsHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(path.relative(ROOT, full)).update(fs.readFileSync(full));
    }
  };
  walk(CONSOLE_SRC);
  walk(path.join(ROOT, 'typings'));
  hash.update(fs.readFileSync(path.join(ROOT, 'package-lock.json')));
  return hash.digest('hex');
}

/** The entry script and the chunks it imports statically: what a first visit downloads. */
function measure(): Pick<ConsoleBuild, 'initialJsGzip' | 'chunks'> {
  const assets = path.join(CONSOLE_OUT, 'assets');
  const gz = (file: string) => zlib.gzipSync(fs.readFileSync(path.join(assets, file))).length;
  const chunks = fs
    .readdirSync(assets)
    .filter((f) => f.endsWith('.js'))
    .map((file) => ({ file, gzip: gz(file) }));
  const html = fs.readFileSync(path.join(CONSOLE_OUT, 'index.html'), 'utf8');
  const initial = new Set<string>();
  for (const m of html.matchAll(/(?:src|href)="\.\/assets\/([^"]+\.js)"/g)) initial.add(m[1]);
  return { initialJsGzip: [...initial].reduce((sum, f) => sum + gz(f), 0), chunks };
}

export async function buildConsole(opts: { force?: boolean } = {}): Promise<ConsoleBuild> {
  const hash = inputsHash();
  if (!opts.force && fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === hash)
    return { skipped: true, ...measure() };
  // Vite is ESM-only; a dynamic import keeps this script CommonJS like the rest of scripts/.
  const { build } = (await import('vite')) as typeof import('vite');
  await build({ configFile: path.join(CONSOLE_SRC, 'vite.config.ts'), logLevel: 'warn' });
  fs.writeFileSync(STAMP, hash);
  return { skipped: false, ...measure() };
}

if (require.main === module) {
  buildConsole({ force: process.argv.includes('--force') })
    .then((r) =>
      console.log(
        `console: initial JS ${(r.initialJsGzip / 1024).toFixed(1)} KB gzipped${r.skipped ? ' (unchanged, not rebuilt)' : ''}`,
      ),
    )
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
