import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalEmulator } from '../../fixtures/local-emulator';
import { seedDemo } from '../../fixtures/demo';
import { KEY_FORMAT } from '../../emulator/store/key-codec';
import { sdkFor } from '../helpers/emulator';

describe('emulator persistence', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-persist-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps documents, files and outbox entries across a restart', async () => {
    const first = await startLocalEmulator({ dataDir });
    const app = sdkFor(first);
    await app.database().collection('auditLogs').add({ _id: 'kept', what: '重启前写入' });
    const { fileID } = await app.uploadFile({ cloudPath: 'keep/me.txt', fileContent: Buffer.from('still here') });
    first.outbox.record('sms', { phone: '13800138000', text: '验证码 654321' });
    await first.close();

    const second = await startLocalEmulator({ dataDir });
    try {
      const again = sdkFor(second);
      const { data } = await again.database().collection('auditLogs').doc('kept').get();
      assert.equal(data[0].what, '重启前写入');
      const file = await again.downloadFile({ fileID });
      assert.equal(Buffer.from(file.fileContent as Buffer).toString(), 'still here');
      assert.equal(second.outbox.list('sms')[0].payload.text, '验证码 654321');
    } finally {
      await second.close();
    }
  });

  it('re-indexes a data folder whose index keys are in the former two-columns-a-part layout', async () => {
    const first = await startLocalEmulator({ dataDir });
    await seedDemo(first);
    const name = first.store.indexes('unions').find((ix) => ix.fields.join() === 'name')?.name;
    assert.ok(name);
    await first.close();
    // The layout before index keys became one string: a (rank, value) column pair per field.
    const sqlite = new Database(path.join(dataDir, 'emulator.sqlite'));
    sqlite.exec(`DROP TABLE "k:${name}"`);
    sqlite.exec(`CREATE TABLE "k:${name}" (t0, v0, id TEXT NOT NULL, PRIMARY KEY (t0, v0, id)) WITHOUT ROWID`);
    // Folders of that time kept no key format version.
    sqlite.pragma('user_version = 0');
    sqlite.close();

    const second = await startLocalEmulator({ dataDir });
    try {
      const { data } = await sdkFor(second).database().collection('unions').where({ name: '广东省总工会' }).get();
      assert.equal(data.length, 1);
      const res = await fetch(`${second.baseUrl}/_/queries?since=0&collection=unions`);
      const last = ((await res.json()) as { queries: Array<{ plan: string }> }).queries.at(-1);
      assert.match(last?.plan ?? '', /^IXSCAN \{name\}/);
    } finally {
      await second.close();
    }
  });

  it('rebuilds the index keys of a data folder written in an older key encoding', async () => {
    const first = await startLocalEmulator({ dataDir });
    await seedDemo(first);
    const list = first.store
      .indexes('members')
      .find((ix) => ix.fields.join() === 'unionId,status,realName,joinedAt,_id');
    assert.ok(list);
    // The demo's real-name members of each union, newest first, as the member list reads them.
    const realNameLists = async (emulator: typeof first) => {
      const members = sdkFor(emulator).database().collection('members');
      const unions = [...new Set((await members.limit(1000).get()).data.map((m: { unionId: string }) => m.unionId))];
      const lists = await Promise.all(
        unions.sort().map(async (unionId) => {
          const { data } = await members
            .where({ unionId, status: 'active', realName: true })
            .orderBy('joinedAt', 'desc')
            .get();
          return data.map((m: { _id: string }) => m._id);
        }),
      );
      return lists.filter((l) => l.length > 0);
    };
    const before = await realNameLists(first);
    assert.ok(before.length > 0);
    await first.close();
    // A folder from before KEY_FORMAT 2: its boolean keys are unreadable today (here: gone), and it kept no version.
    const sqlite = new Database(path.join(dataDir, 'emulator.sqlite'));
    sqlite.exec(`DELETE FROM "k:${list.name}"; DELETE FROM "r:${list.name}"`);
    sqlite.pragma('user_version = 0');
    sqlite.close();

    const second = await startLocalEmulator({ dataDir });
    try {
      assert.deepEqual(await realNameLists(second), before);
      const res = await fetch(`${second.baseUrl}/_/queries?since=0&collection=members`);
      const last = ((await res.json()) as { queries: Array<{ plan: string }> }).queries.at(-1);
      assert.match(last?.plan ?? '', /^IXSCAN \{unionId, status, realName, joinedAt, _id\}/);
    } finally {
      await second.close();
    }
    const reopened = new Database(path.join(dataDir, 'emulator.sqlite'));
    assert.equal(reopened.pragma('user_version', { simple: true }), KEY_FORMAT);
    reopened.close();
  });

  it('seeds the demo once and keeps edits on the next start', async () => {
    const first = await startLocalEmulator({ dataDir });
    assert.equal((await seedDemo(first)).created, true);
    const unions = first.store.count('unions');
    await sdkFor(first)
      .database()
      .collection('unions')
      .where({ name: '广东省总工会' })
      .update({ address: '改过的地址' });
    await first.close();

    const second = await startLocalEmulator({ dataDir });
    try {
      assert.equal((await seedDemo(second)).created, false);
      assert.equal(second.store.count('unions'), unions);
      const { data } = await sdkFor(second).database().collection('unions').where({ name: '广东省总工会' }).get();
      assert.equal(data[0].address, '改过的地址');
    } finally {
      await second.close();
    }
  });
});
