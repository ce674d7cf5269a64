import fs from 'node:fs';
import path from 'node:path';
import { generateKey } from '../cloudfunctions/shared/security/pii';

/** Secrets the functions read from their environment; in the cloud they are set in cloudbaserc.json. */
export const LOCAL_SECRET_NAMES = ['PII_ENC_KEY', 'PII_INDEX_KEY', 'QR_SIGNING_KEY', 'SESSION_KEY'] as const;

/**
 * The local default generates each key once and keeps it in the data folder, so encrypted data stays
 * readable across restarts. The keys are exported to this process, where the functions run.
 */
export function useLocalKeys(dataDir: string): void {
  const file = path.join(dataDir, 'keys.json');
  const keys: Record<string, string> = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>) : {};
  let changed = false;
  for (const name of LOCAL_SECRET_NAMES) {
    if (!keys[name]) {
      keys[name] = generateKey();
      changed = true;
    }
    process.env[name] = keys[name];
  }
  if (changed) fs.writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
}
