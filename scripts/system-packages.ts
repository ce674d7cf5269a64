/**
 * Debian packages some tests need (Chromium for the inspector, LibreOffice for files we did not
 * write). The tests install them on first use, so a clean machine needs no manual step. Offline
 * and without root, the caller decides (tests: `requireOrSkip` in tests/helpers/system-packages.ts).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const attempted = new Map<string, boolean>();

export function ensureDebianPackage(pkg: string, binary: string): { ok: boolean; reason: string } {
  if (fs.existsSync(binary)) return { ok: true, reason: '' };
  if (!attempted.has(pkg)) {
    let ok = false;
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
      const run = (args: string[]) =>
        execFileSync(sudo[0] ?? args[0], [...sudo.slice(1), ...(sudo.length ? args : args.slice(1))], {
          env,
          stdio: 'pipe',
          timeout: 600_000,
        });
      run(['apt-get', 'update', '-qq']);
      run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', pkg]);
      ok = fs.existsSync(binary);
    } catch {
      ok = false;
    }
    attempted.set(pkg, ok);
  }
  return fs.existsSync(binary)
    ? { ok: true, reason: '' }
    : { ok: false, reason: `${pkg} is not installed and apt-get could not install it (${binary} missing)` };
}
