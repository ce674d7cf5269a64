import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Secrets the functions read from their environment (in the cloud they are set on the function). Locally
 * each named secret is a random 32-byte key, base64, generated once and kept in the data folder, so data
 * encrypted with it stays readable across restarts. The keys are exported to this process, where the
 * functions run. Which names: the project says, at start (`secrets`).
 */
export function useLocalKeys(dataDir: string, names: readonly string[]): void {
  const file = path.join(dataDir, 'keys.json');
  const keys: Record<string, string> = fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>)
    : {};
  let changed = false;
  for (const name of names) {
    if (!keys[name]) {
      keys[name] = randomBytes(32).toString('base64');
      changed = true;
    }
    process.env[name] = keys[name];
  }
  if (changed) fs.writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
}
