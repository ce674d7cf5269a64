/**
 * `npm run cloud:setup`: prepares a real CloudBase environment from the same schema the emulator
 * uses — every collection and index (cloudfunctions/shared/collections.ts) and every collection's
 * permission (database/security-rules.json: no client reads or writes, ACL `ADMINONLY`).
 *
 * One official path: Tencent Cloud API 3.0 through @cloudbase/manager-node (pinned), with Tencent
 * Cloud credentials only (TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY of a CAM user allowed TCB).
 * It reads what exists first and only creates what is missing, so a second run changes nothing. An
 * index that exists with other keys, or any API error, stops the run with the action and the code.
 * An index the schema no longer has (one a change replaced) is named, since every write still pays
 * for it; `--drop-stale-indexes` drops it, after the indexes that replace it exist.
 * `--dry-run` sends only the reads and prints every write it would send.
 */
import CloudBase from '@cloudbase/manager-node';
import fs from 'node:fs';
import path from 'node:path';
import { COLLECTIONS, type IndexSpec } from '../cloudfunctions/shared/collections';

export interface SetupOptions {
  envId: string;
  secretId: string;
  secretKey: string;
  sessionToken?: string;
  dryRun?: boolean;
  /** Drop the indexes the schema does not have (never `_id_`); without it they are only named. */
  dropStaleIndexes?: boolean;
  log?: (line: string) => void;
}

export interface SetupWrite {
  action: 'CreateTable' | 'UpdateTable' | 'ModifyDatabaseACL';
  collection: string;
  params: Record<string, unknown>;
}

/** MongoDB's own index on `_id`, which every collection has and nobody declares. */
const ID_INDEX = '_id_';

const RULES_FILE = path.join(__dirname, '..', 'database', 'security-rules.json');

export function indexName(ix: IndexSpec): string {
  return `${ix.fields.join('_').replace(/\./g, '_')}${ix.unique ? '_unique' : ''}`;
}

/** Every collection must deny clients both ways: that is CloudBase's ADMINONLY (only server SDKs). */
export function aclTags(): Map<string, 'ADMINONLY'> {
  const rules = JSON.parse(fs.readFileSync(RULES_FILE, 'utf8')) as Record<string, { read: boolean; write: boolean }>;
  const tags = new Map<string, 'ADMINONLY'>();
  for (const c of COLLECTIONS) {
    const rule = rules[c.name];
    if (!rule) throw new Error(`database/security-rules.json has no rule for ${c.name}`);
    if (rule.read || rule.write)
      throw new Error(
        `database/security-rules.json lets clients reach ${c.name}; everything goes through functions (ADMINONLY)`,
      );
    tags.set(c.name, 'ADMINONLY');
  }
  return tags;
}

interface RemoteIndex {
  Name: string;
  Keys?: Array<{ Name?: string; Direction?: string }>;
  Unique?: boolean;
}

/** Runs the setup; returns the writes it sent (or, with dryRun, would send). */
export async function cloudSetup(opts: SetupOptions): Promise<SetupWrite[]> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const app = new CloudBase({
    envId: opts.envId,
    secretId: opts.secretId,
    secretKey: opts.secretKey,
    token: opts.sessionToken,
  });
  const db = app.database;
  const tcb = app.commonService('tcb');
  const writes: SetupWrite[] = [];
  const write = async (w: SetupWrite, send: () => Promise<unknown>) => {
    writes.push(w);
    log(`${opts.dryRun ? 'would send' : 'send'} ${w.action} ${w.collection} ${JSON.stringify(w.params)}`);
    if (!opts.dryRun) await send();
  };

  const existing = new Set<string>();
  for (let offset = 0; ;) {
    const page = await db.listCollections({ MgoOffset: offset, MgoLimit: 100 });
    for (const c of page.Collections) existing.add(c.CollectionName);
    offset += page.Collections.length;
    if (page.Collections.length === 0 || offset >= (page.Pager?.Total ?? 0)) break;
  }
  log(`read ListTables: ${existing.size} collection(s) exist`);
  const tags = aclTags();

  for (const c of COLLECTIONS) {
    const exists = existing.has(c.name);
    if (!exists)
      await write({ action: 'CreateTable', collection: c.name, params: { TableName: c.name } }, () =>
        db.createCollection(c.name),
      );

    const remote: RemoteIndex[] = exists
      ? (((await db.describeCollection(c.name)) as { Indexes?: RemoteIndex[] }).Indexes ?? [])
      : [];
    const missing: Array<{
      IndexName: string;
      MgoKeySchema: { MgoIndexKeys: Array<{ Name: string; Direction: string }>; MgoIsUnique: boolean };
    }> = [];
    for (const ix of c.indexes) {
      const name = indexName(ix);
      const found = remote.find((r) => r.Name === name);
      if (!found) {
        missing.push({
          IndexName: name,
          MgoKeySchema: {
            MgoIndexKeys: ix.fields.map((f) => ({ Name: f, Direction: '1' })),
            MgoIsUnique: Boolean(ix.unique),
          },
        });
        continue;
      }
      const keys = (found.Keys ?? []).map((k) => k.Name);
      // The functions rely on these (unique ones under races): never accept a look-alike silently.
      if (keys.join(',') !== ix.fields.join(',') || Boolean(found.Unique) !== Boolean(ix.unique)) {
        throw new Error(
          `${c.name}: index ${name} exists as (${keys.join(', ')})${found.Unique ? ' unique' : ''}, expected (${ix.fields.join(', ')})${ix.unique ? ' unique' : ''}; drop it in the CloudBase console and run again`,
        );
      }
    }
    if (missing.length)
      await write(
        { action: 'UpdateTable', collection: c.name, params: { TableName: c.name, CreateIndexes: missing } },
        () => db.updateCollection(c.name, { CreateIndexes: missing }),
      );
    // Dropped only after the indexes that may replace them are there, so no query goes without one.
    const declared = new Set(c.indexes.map(indexName));
    const stale = remote.filter((r) => r.Name !== ID_INDEX && !declared.has(r.Name)).map((r) => r.Name);
    if (stale.length && opts.dropStaleIndexes) {
      const DropIndexes = stale.map((IndexName) => ({ IndexName }));
      await write({ action: 'UpdateTable', collection: c.name, params: { TableName: c.name, DropIndexes } }, () =>
        db.updateCollection(c.name, { DropIndexes }),
      );
    } else if (stale.length) {
      log(
        `${c.name}: index(es) ${stale.join(', ')} not in the schema; every write still updates them. Run again with --drop-stale-indexes to drop them`,
      );
    }

    const wanted = tags.get(c.name) as string;
    const acl = exists
      ? (
          (await tcb.call({ Action: 'DescribeDatabaseACL', Param: { EnvId: opts.envId, CollectionName: c.name } })) as {
            AclTag?: string;
          }
        ).AclTag
      : undefined;
    if (acl !== wanted) {
      const params = { EnvId: opts.envId, CollectionName: c.name, AclTag: wanted };
      await write({ action: 'ModifyDatabaseACL', collection: c.name, params }, () =>
        tcb.call({ Action: 'ModifyDatabaseACL', Param: params }),
      );
    }
    log(
      `${c.name.padEnd(14)} ${exists ? 'exists' : 'created'}, ${c.indexes.length - missing.length}/${c.indexes.length} index(es) present${stale.length ? `, ${stale.length} not in the schema${opts.dropStaleIndexes ? ' (dropped)' : ''}` : ''}, ACL ${acl ?? '(new)'}${acl === wanted ? '' : ` → ${wanted}`}`,
    );
  }
  log(writes.length ? `${opts.dryRun ? 'would send' : 'sent'} ${writes.length} change(s)` : 'nothing to change');
  return writes;
}

function required(name: string, what: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: ${what}`);
  return v;
}

async function main(): Promise<void> {
  await cloudSetup({
    envId: required('TCB_ENV_ID', 'the CloudBase environment id'),
    secretId: required(
      'TENCENTCLOUD_SECRETID',
      'SecretId of a Tencent Cloud CAM user allowed to manage this CloudBase environment',
    ),
    secretKey: required('TENCENTCLOUD_SECRETKEY', 'its SecretKey'),
    sessionToken: process.env.TENCENTCLOUD_SESSIONTOKEN || undefined,
    dryRun: process.argv.includes('--dry-run'),
    dropStaleIndexes: process.argv.includes('--drop-stale-indexes'),
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    const e = err as { message?: string; action?: string; code?: string };
    console.error(
      `cloud:setup failed${e.action ? ` at ${e.action}` : ''}${e.code ? ` (${e.code})` : ''}: ${e.message ?? String(err)}`,
    );
    process.exit(1);
  });
}
