/** Oldest mini-program release the functions still serve; older ones are told to update. */
export const MIN_CLIENT_VERSION = '1.0.0';

/** Compares dotted numeric versions; a malformed version counts as oldest. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => (/^\d+(\.\d+){0,3}$/.test(v) ? v.split('.').map(Number) : [-1]);
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
