import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sdkFor } from '../../emulator/client';
import { startEmulator } from '../../emulator/server';
import { FIXTURE_FUNCTIONS } from '../helpers/emulator';

/** The emulator with no project wired in: it knows only what startEmulator is told. */
describe('the emulator on its own (no project wiring)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'emulator-bare-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts empty, and the SDK creates a collection and writes to it as in CloudBase', async () => {
    const emulator = await startEmulator({ inMemory: true, scheduleTimers: false });
    try {
      const info = (await (await fetch(`${emulator.baseUrl}/_/info`)).json()) as {
        collections: unknown[];
        functions: string[];
      };
      assert.deepEqual(info.collections, []);
      assert.deepEqual(info.functions, []);
      const db = sdkFor(emulator).database();
      await assert.rejects(db.collection('things').add({ n: 1 }), { code: 'DATABASE_COLLECTION_NOT_EXIST' });
      await db.createCollection('things');
      await db.collection('things').add({ _id: 'a', n: 1 });
      assert.deepEqual((await db.collection('things').doc('a').get()).data, [{ _id: 'a', n: 1 }]);
      await assert.rejects(sdkFor(emulator).callFunction({ name: 'relay', data: {} }), /FUNCTIONS_NOT_FOUND|不存在/);
    } finally {
      await emulator.close();
    }
  });

  it('creates the collections and unique indexes it is given, and serves the functions folders it is given', async () => {
    const emulator = await startEmulator({
      inMemory: true,
      scheduleTimers: false,
      collections: [{ name: 'people', indexes: [{ fields: ['phone'], unique: true }] }],
      functionsDirs: [FIXTURE_FUNCTIONS],
    });
    try {
      const db = sdkFor(emulator).database();
      await db.collection('people').add({ phone: '13800138000' });
      await assert.rejects(db.collection('people').add({ phone: '13800138000' }), { code: 'DATABASE_DUPLICATE_WRITE' });
      assert.deepEqual(emulator.functions.names(), ['relay']);
    } finally {
      await emulator.close();
    }
  });

  it('keeps each named secret in the data folder across restarts, and never overrides environment already set', async () => {
    const name = 'EMULATOR_TEST_SECRET';
    const preset = 'EMULATOR_TEST_PRESET';
    process.env[preset] = 'from the shell';
    try {
      const first = await startEmulator({
        dataDir,
        scheduleTimers: false,
        secrets: [name],
        functionEnv: { [preset]: 'from the project' },
      });
      const key = process.env[name];
      await first.close();
      assert.equal(Buffer.from(key ?? '', 'base64').length, 32);
      assert.equal(process.env[preset], 'from the shell');
      delete process.env[name];
      const second = await startEmulator({ dataDir, scheduleTimers: false, secrets: [name] });
      await second.close();
      assert.equal(process.env[name], key);
    } finally {
      delete process.env[name];
      delete process.env[preset];
    }
  });
});
