/**
 * `npm run cloud:setup`: prepares a real CloudBase environment from the same schema the emulator
 * uses — every collection, its indexes (cloudfunctions/shared/collections.ts) and its security rule
 * (database/security-rules.json: no client reads or writes; everything goes through functions).
 *
 * Collections and indexes go through WeChat's cloud-development HTTP API (tcb/databasecollectionadd,
 * tcb/updateindex) with WX_APPID / WX_APP_SECRET; rules through the CloudBase CLI (`tcb permission
 * set`). `--dry-run` prints every request and command without sending anything.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { COLLECTIONS } from '../cloudfunctions/shared/collections';
import { callWechat } from '../cloudfunctions/shared/providers/wechat';

export interface SetupStep {
  kind: 'collection' | 'index' | 'rule';
  collection: string;
  request: Record<string, unknown> | string[];
}

export function setupPlan(env: string): SetupStep[] {
  const rules = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'database', 'security-rules.json'), 'utf8')) as Record<string, { read: boolean; write: boolean }>;
  const steps: SetupStep[] = [];
  for (const c of COLLECTIONS) {
    steps.push({ kind: 'collection', collection: c.name, request: { env, collection_name: c.name } });
    if (c.indexes.length) {
      steps.push({
        kind: 'index',
        collection: c.name,
        request: {
          env,
          collection_name: c.name,
          create_indexes: c.indexes.map((ix) => ({
            name: `${ix.fields.join('_').replace(/\./g, '_')}${ix.unique ? '_unique' : ''}`,
            unique: Boolean(ix.unique),
            keys: ix.fields.map((f) => ({ name: f, direction: '1' })),
          })),
          drop_indexes: [],
        },
      });
    }
    const rule = rules[c.name];
    if (!rule) throw new Error(`database/security-rules.json has no rule for ${c.name}`);
    // Both false is the "adminonly" level: only server-side (function) access.
    const level = !rule.read && !rule.write ? ['--level', 'adminonly'] : ['--level', 'custom', '--rule', JSON.stringify(rule)];
    steps.push({ kind: 'rule', collection: c.name, request: ['tcb', 'permission', 'set', `collection:${c.name}`, ...level, '-e', env] });
  }
  return steps;
}

async function main(): Promise<void> {
  const dryRun = process.argv.includes('--dry-run');
  const env = process.env.TCB_ENV_ID;
  if (!env) throw new Error('TCB_ENV_ID is not set (the CloudBase environment id)');
  for (const step of setupPlan(env)) {
    console.log(`${step.kind.padEnd(10)} ${step.collection}`);
    if (dryRun) {
      console.log(`  ${JSON.stringify(step.request)}`);
      continue;
    }
    if (step.kind === 'rule') {
      const [cmd, ...args] = step.request as string[];
      execFileSync('npx', ['--yes', '@cloudbase/cli', ...args], { stdio: 'inherit' });
      void cmd;
    } else {
      const api = step.kind === 'collection' ? '/tcb/databasecollectionadd' : '/tcb/updateindex';
      const res = await callWechat<{ errcode?: number; errmsg?: string }>(api, step.request);
      // 0 = done; -501001 = the collection already exists, which is what we want.
      if (res.errcode && res.errcode !== -501001) throw new Error(`${api} ${step.collection}: ${res.errcode} ${res.errmsg ?? ''}`);
    }
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
