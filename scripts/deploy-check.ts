/**
 * Runs before `npm run deploy` sends anything: fills cloudbaserc.json's `{{env.X}}` from the .env
 * beside it (as the CloudBase CLI will) and reads every function's variables with the functions' own
 * configuration module. A missing key, a short one, a placeholder left unfilled or a `local` provider
 * stops the deploy here, naming the function and the variable, instead of after it as CONFIG_ERROR.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { configProblems, FUNCTION_GROUPS, type Env } from '../cloudfunctions/shared/config';
import { readCloudbaseRc, ROOT, type CloudbaseRc } from './lib/runtime';

const PLACEHOLDER = /\{\{\s*env\.([A-Za-z0-9_]+)\s*\}\}/g;

export function deployProblems(rc: CloudbaseRc, dotenv: Env): string[] {
  const problems: string[] = [];
  const envId = rc.envId.replace(PLACEHOLDER, (m, name: string) => dotenv[name] ?? m);
  if (envId.includes('{{')) problems.push('envId: TCB_ENV_ID is not in .env');
  for (const f of rc.functions) {
    const groups = FUNCTION_GROUPS[f.name];
    if (!groups) {
      problems.push(`${f.name}: not known to cloudfunctions/shared/config.ts (FUNCTION_GROUPS)`);
      continue;
    }
    const env: Env = Object.fromEntries(
      Object.entries(f.envVariables ?? {}).map(([k, v]) => [
        k,
        v.replace(PLACEHOLDER, (m, name: string) => dotenv[name] ?? m),
      ]),
    );
    for (const p of configProblems(groups, env)) problems.push(`${f.name}: ${p.message}`);
  }
  return problems;
}

if (require.main === module) {
  const file = path.join(ROOT, '.env');
  const dotenv = fs.existsSync(file) ? parseEnv(fs.readFileSync(file, 'utf8')) : {};
  const problems = deployProblems(readCloudbaseRc(), dotenv);
  if (problems.length) {
    console.error(
      `not deploying: ${problems.length} configuration problem(s) (.env beside cloudbaserc.json)\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log('configuration checked: every function gets every variable it reads');
}
