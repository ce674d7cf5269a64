import fs from 'node:fs';
import path from 'node:path';

/** The TypeScript files under `dir` at any depth, leaving out the folders named in `skip` (installed or generated code). */
export function tsSources(dir: string, skip: readonly string[] = []): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return skip.includes(e.name) ? [] : tsSources(full, skip);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}
