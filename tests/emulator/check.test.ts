import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedDemo } from '../../fixtures/demo';
import type { RunningEmulator } from '../../emulator/server';
import { startLocalEmulator } from '../../fixtures/local-emulator';
import { checkInvariants, folderSource, sdkSource } from '../../scripts/invariants';
import { sdkFor } from '../helpers/emulator';

const ROOT = path.join(__dirname, '..', '..');

/** `npm run check`: every counter recomputed from its rows, against a running emulator or a data folder. */
describe('invariant checker (npm run check)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let emulator: RunningEmulator;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-'));
    emulator = await startLocalEmulator({ dataDir, functionsDirs: [] });
    await seedDemo(emulator);
  });
  after(async () => {
    await emulator.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Asynchronously: the emulator answering the CLI runs in this process. */
  const runCli = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [require.resolve('ts-node/dist/bin.js'), '--transpile-only', path.join(ROOT, 'scripts', 'check.ts'), ...args],
        { cwd: ROOT, timeout: 60_000 },
        (err, stdout, stderr) =>
          resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    });

  it('finds no drift in the demo data, through the SDK and in the data folder', async () => {
    assert.deepEqual((await checkInvariants(sdkSource(emulator.serviceUrl, emulator.envId))).drifts, []);
    const folder = folderSource(dataDir);
    try {
      const report = await checkInvariants(folder);
      assert.deepEqual(report.drifts, []);
      assert.ok(report.checked.unions > 0 && report.checked.members > 0);
    } finally {
      await folder.close();
    }
    const cli = await runCli('--url', emulator.baseUrl);
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /no drift/);
  });

  it('lists every counter that no longer matches its rows, and the CLI exits 1', async () => {
    const db = sdkFor(emulator).database();
    const _ = db.command;
    const [union] = (
      await db
        .collection('unions')
        .where({ memberCount: _.gt(0) })
        .limit(1)
        .get()
    ).data as Array<{ _id: string; memberCount: number; adminCount: number }>;
    await db
      .collection('unions')
      .doc(union._id)
      .update({ memberCount: _.inc(2), adminCount: _.inc(1), 'stats.realName': _.inc(3) });
    await db.collection('counterShards').add({ _id: `${union._id}#3`, unionId: union._id, memberCount: -2 });
    try {
      const report = await checkInvariants(sdkSource(emulator.serviceUrl, emulator.envId));
      // The shard makes up for the member count; the admin count is off by one, the real-name roll-up by three.
      assert.deepEqual(
        report.drifts.map((d) => [d.check, Number(d.stored) - Number(d.recomputed)]),
        [
          ['unions.adminCount = active admin roles', 1],
          // Counted twice (memberCount and the roll-up), they now disagree: named apart.
          ['unions.memberCount (+ shards) = stats.realName + stats.notRealName', -3],
          ['unions.stats.realName = its member / union rows', 3],
        ],
      );
      await db.collection('counterShards').doc(`${union._id}#3`).remove();
      const cli = await runCli('--data', dataDir);
      assert.equal(cli.status, 1);
      assert.match(cli.stdout, /unions\.memberCount \(\+ counter shards\) = active member rows/);
      assert.match(cli.stdout, /unions\.adminCount = active admin roles/);
      assert.match(cli.stdout, /unions\.stats\.realName = its member \/ union rows/);
    } finally {
      await db
        .collection('unions')
        .doc(union._id)
        .update({ memberCount: _.inc(-2), adminCount: _.inc(-1), 'stats.realName': _.inc(-3) });
    }
  });

  it('--repair sets drifted counters back to their rows and checks again (exit 0); a data folder is refused', async () => {
    const db = sdkFor(emulator).database();
    const _ = db.command;
    const [union] = (
      await db
        .collection('unions')
        .where({ memberCount: _.gt(0) })
        .limit(1)
        .get()
    ).data as Array<{ _id: string; name: string }>;
    await db
      .collection('unions')
      .doc(union._id)
      .update({ adminCount: _.inc(1), 'stats.realName': _.inc(3) });
    const cli = await runCli('--url', emulator.baseUrl, '--repair');
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, new RegExp(`unions\\.adminCount = active admin roles.*${union._id}`));
    assert.match(cli.stdout, /unions\.stats\.realName = its member \/ union rows/);
    assert.match(cli.stdout, /no drift/);
    const folder = await runCli('--data', dataDir, '--repair');
    assert.equal(folder.status, 2);
    assert.match(folder.stderr, /--repair 需要 --url/);
  });

  it('says how to call it when neither --url nor --data is given', async () => {
    const cli = await runCli();
    assert.equal(cli.status, 2);
    assert.match(cli.stderr, /用法: npm run check -- --url/);
  });
});
