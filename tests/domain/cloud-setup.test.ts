import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { COLLECTIONS } from '../../cloudfunctions/shared/collections';
import { cloudSetup, indexName, type SetupWrite } from '../../scripts/cloud-setup';

/**
 * A local stand-in for tcb.tencentcloudapi.com (manager-node reads TCB_BASE_URL for the tcb service):
 * it keeps collections, indexes and ACLs, answers in API 3.0's { Response: ... } shape and records
 * every request's action and parameters.
 */
interface Request {
  action: string;
  params: Record<string, unknown>;
  authorization: string;
}

function fakeTcb(envId: string) {
  const tables = new Map<
    string,
    { indexes: Array<{ Name: string; Keys: Array<{ Name: string; Direction: string }>; Unique: boolean }>; acl: string }
  >();
  const requests: Request[] = [];
  let failOn: { action: string; code: string } | undefined;
  const answer = (action: string, p: Record<string, unknown>): Record<string, unknown> => {
    if (failOn?.action === action) return { Error: { Code: failOn.code, Message: 'injected' } };
    const table = (name: unknown) => {
      const t = tables.get(String(name));
      if (!t) throw Object.assign(new Error('no table'), { code: 'ResourceNotFound' });
      return t;
    };
    switch (action) {
      case 'DescribeEnvInfo':
        return {
          EnvInfo: { EnvBaseInfo: { EnvId: envId, Databases: [{ InstanceId: 'tnt-fake', Status: 'RUNNING' }] } },
        };
      case 'ListTables': {
        const names = [...tables.keys()];
        const offset = Number(p.MgoOffset ?? 0);
        const limit = Number(p.MgoLimit ?? 100);
        const slice = names.slice(offset, offset + limit);
        return {
          Tables: slice.length
            ? slice.map((TableName) => ({ TableName, Count: 0, Size: 0, IndexCount: 1, IndexSize: 0 }))
            : null,
          Pager: { Offset: offset, Limit: limit, Total: names.length },
        };
      }
      case 'CreateTable':
        if (tables.has(String(p.TableName))) return { Error: { Code: 'ResourceInUse', Message: 'exists' } };
        tables.set(String(p.TableName), {
          indexes: [{ Name: '_id_', Keys: [{ Name: '_id', Direction: '1' }], Unique: true }],
          acl: 'PRIVATE',
        });
        return {};
      case 'DescribeTable': {
        const t = table(p.TableName);
        return {
          Indexes: t.indexes.map((i) => ({ ...i, Size: 0, Accesses: { Ops: 0, Since: '' } })),
          IndexNum: t.indexes.length,
        };
      }
      case 'UpdateTable': {
        const t = table(p.TableName);
        for (const c of (p.CreateIndexes ?? []) as Array<{
          IndexName: string;
          MgoKeySchema: { MgoIndexKeys: Array<{ Name: string; Direction: string }>; MgoIsUnique: boolean };
        }>) {
          t.indexes.push({ Name: c.IndexName, Keys: c.MgoKeySchema.MgoIndexKeys, Unique: c.MgoKeySchema.MgoIsUnique });
        }
        const dropped = new Set(((p.DropIndexes ?? []) as Array<{ IndexName: string }>).map((d) => d.IndexName));
        t.indexes = t.indexes.filter((i) => !dropped.has(i.Name));
        return {};
      }
      case 'DescribeDatabaseACL':
        return { AclTag: table(p.CollectionName).acl };
      case 'ModifyDatabaseACL':
        table(p.CollectionName).acl = String(p.AclTag);
        return {};
      default:
        return { Error: { Code: 'InvalidAction', Message: action } };
    }
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const action = String(req.headers['x-tc-action']);
      const params = JSON.parse(body || '{}') as Record<string, unknown>;
      requests.push({ action, params, authorization: String(req.headers.authorization) });
      let response: Record<string, unknown>;
      try {
        response = answer(action, params);
      } catch (err) {
        response = { Error: { Code: (err as { code: string }).code, Message: 'not found' } };
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ Response: { ...response, RequestId: `req-${requests.length}` } }));
    });
  });
  return {
    tables,
    requests,
    fail(action: string, code: string) {
      failOn = { action, code };
    },
    async start(): Promise<string> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('cloud:setup through @cloudbase/manager-node', () => {
  const envId = 'union-prod-1a2b3c';
  let fake: ReturnType<typeof fakeTcb>;
  const savedBase = process.env.TCB_BASE_URL;
  const lines: string[] = [];
  const run = (dryRun = false, dropStaleIndexes = false) =>
    cloudSetup({
      envId,
      secretId: 'AKIDfakefakefakefakefakefakefakefake',
      secretKey: 'fakefakefakefakefakefakefakefake',
      dryRun,
      dropStaleIndexes,
      log: (l) => lines.push(l),
    });
  const writes = (ws: SetupWrite[]) => ws.map((w) => `${w.action} ${w.collection}`);

  beforeEach(async () => {
    fake = fakeTcb(envId);
    process.env.TCB_BASE_URL = await fake.start();
    lines.length = 0;
  });
  afterEach(async () => {
    await fake.close();
    if (savedBase === undefined) delete process.env.TCB_BASE_URL;
    else process.env.TCB_BASE_URL = savedBase;
  });

  it('creates every collection and index and sets ADMINONLY, signed with the Tencent Cloud key; a second run changes nothing', async () => {
    const first = await run();
    const expected: string[] = [];
    for (const c of COLLECTIONS) {
      expected.push(`CreateTable ${c.name}`);
      if (c.indexes.length) expected.push(`UpdateTable ${c.name}`);
      expected.push(`ModifyDatabaseACL ${c.name}`);
    }
    assert.deepEqual(writes(first), expected);
    // What went over the wire, action by action, with its parameters.
    const sentWrites = fake.requests.filter((r) =>
      ['CreateTable', 'UpdateTable', 'ModifyDatabaseACL'].includes(r.action),
    );
    assert.deepEqual(
      sentWrites.map((r) => `${r.action} ${String(r.params.TableName ?? r.params.CollectionName)}`),
      expected,
    );
    const users = fake.requests.find((r) => r.action === 'UpdateTable' && r.params.TableName === 'users');
    assert.deepEqual(users?.params, {
      EnvId: envId,
      MongoConnector: { DatabaseName: 'tnt-fake', InstanceId: 'flexdb' },
      TableName: 'users',
      CreateIndexes: [
        {
          IndexName: 'docIndex_unique',
          MgoKeySchema: { MgoIndexKeys: [{ Name: 'docIndex', Direction: '1' }], MgoIsUnique: true },
        },
        {
          IndexName: 'phoneIndex_unique',
          MgoKeySchema: { MgoIndexKeys: [{ Name: 'phoneIndex', Direction: '1' }], MgoIsUnique: true },
        },
      ],
    });
    assert.deepEqual(fake.requests.find((r) => r.action === 'ModifyDatabaseACL')?.params, {
      EnvId: envId,
      CollectionName: COLLECTIONS[0].name,
      AclTag: 'ADMINONLY',
    });
    assert.ok(
      fake.requests.every((r) =>
        r.authorization.startsWith('TC3-HMAC-SHA256 Credential=AKIDfakefakefakefakefakefakefakefake/'),
      ),
    );
    for (const c of COLLECTIONS) {
      const t = fake.tables.get(c.name);
      assert.equal(t?.acl, 'ADMINONLY');
      for (const ix of c.indexes)
        assert.ok(
          t?.indexes.some((i) => i.Name === indexName(ix) && i.Unique === Boolean(ix.unique)),
          `${c.name}.${indexName(ix)}`,
        );
    }

    const before = fake.requests.length;
    const second = await run();
    assert.deepEqual(second, [], 'the second run sends no write');
    const again = fake.requests.slice(before).map((r) => r.action);
    assert.ok(
      again.every((a) => ['DescribeEnvInfo', 'ListTables', 'DescribeTable', 'DescribeDatabaseACL'].includes(a)),
      again.join(','),
    );
    assert.equal(lines.at(-1), 'nothing to change');
  });

  it('--dry-run reads, prints every write it would send, and sends none', async () => {
    const planned = await run(true);
    assert.ok(planned.length >= COLLECTIONS.length * 2);
    assert.equal(fake.tables.size, 0);
    assert.ok(fake.requests.every((r) => !['CreateTable', 'UpdateTable', 'ModifyDatabaseACL'].includes(r.action)));
    assert.ok(
      lines.some((l) =>
        l.startsWith(
          'would send ModifyDatabaseACL users {"EnvId":"union-prod-1a2b3c","CollectionName":"users","AclTag":"ADMINONLY"}',
        ),
      ),
    );
  });

  it('fails loudly on an API error and on an index that exists with other keys', async () => {
    fake.fail('UpdateTable', 'FailedOperation');
    await assert.rejects(
      run(),
      (e: unknown) =>
        (e as { code?: string; action?: string }).code === 'FailedOperation' &&
        (e as { action?: string }).action === 'UpdateTable',
    );

    const other = fakeTcb(envId);
    process.env.TCB_BASE_URL = await other.start();
    try {
      other.tables.set('users', {
        indexes: [{ Name: 'docIndex_unique', Keys: [{ Name: 'docIndex', Direction: '1' }], Unique: false }],
        acl: 'ADMINONLY',
      });
      await assert.rejects(run(), /users: index docIndex_unique exists as \(docIndex\), expected \(docIndex\) unique/);
    } finally {
      await other.close();
    }
  });

  it('names an index the schema no longer has, and drops it only when asked, after the declared ones exist', async () => {
    await run();
    // An index a schema change replaced, still on the environment.
    const members = fake.tables.get('members');
    assert.ok(members);
    members.indexes.push({
      Name: 'unionId_status_joinedAt',
      Keys: ['unionId', 'status', 'joinedAt'].map((Name) => ({ Name, Direction: '1' })),
      Unique: false,
    });
    members.indexes = members.indexes.filter((i) => i.Name !== 'phoneIndex');

    lines.length = 0;
    const named = await run();
    assert.deepEqual(writes(named), ['UpdateTable members'], 'only the missing index is created');
    assert.deepEqual(
      (named[0].params.CreateIndexes as Array<{ IndexName: string }>).map((c) => c.IndexName),
      ['phoneIndex'],
    );
    assert.ok(
      members.indexes.some((i) => i.Name === 'unionId_status_joinedAt'),
      'nothing dropped unasked',
    );
    assert.ok(
      lines.includes(
        'members: index(es) unionId_status_joinedAt not in the schema; every write still updates them. Run again with --drop-stale-indexes to drop them',
      ),
      lines.join('\n'),
    );

    // The index that replaces it is made before it is dropped (here the missing phoneIndex stands for it).
    members.indexes = members.indexes.filter((i) => i.Name !== 'phoneIndex');
    const dropped = await run(false, true);
    assert.deepEqual(
      dropped.map((w) => w.params),
      [
        {
          TableName: 'members',
          CreateIndexes: [
            {
              IndexName: 'phoneIndex',
              MgoKeySchema: { MgoIndexKeys: [{ Name: 'phoneIndex', Direction: '1' }], MgoIsUnique: false },
            },
          ],
        },
        { TableName: 'members', DropIndexes: [{ IndexName: 'unionId_status_joinedAt' }] },
      ],
    );
    assert.deepEqual(
      members.indexes.map((i) => i.Name).sort(),
      ['_id_', ...(COLLECTIONS.find((c) => c.name === 'members')?.indexes ?? []).map(indexName)].sort(),
      'the declared indexes and _id_ stay',
    );
    lines.length = 0;
    assert.deepEqual(await run(false, true), [], 'a third run changes nothing');
    assert.equal(lines.at(-1), 'nothing to change');
  });
});
