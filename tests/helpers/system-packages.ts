import { ensureDebianPackage } from '../../scripts/system-packages';

/** In CI a missing tool is a failure, not a skip: a green run must mean the test ran. Elsewhere it skips loudly. */
export function requireOrSkip(ctx: Mocha.Context, pkg: string, binary: string): void {
  const r = ensureDebianPackage(pkg, binary);
  if (r.ok) return;
  if (process.env.CI) throw new Error(r.reason);
  console.warn(`  skipped: ${r.reason}`);
  ctx.skip();
}
