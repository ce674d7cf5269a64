import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RunningEmulator } from '../../emulator/server';
import { declaredRuntime, missingIn, readCloudbaseRc, type NodeRuntime } from '../../scripts/lib/runtime';
import { FUNCTIONS_OUT, functionNames } from '../../scripts/build';
import { startTestEmulator } from '../helpers/emulator';

const run = promisify(execFile);
const PROBE = path.join(__dirname, '..', 'fixtures', 'runtime', 'probe.js');

/** One call per function that reaches the database (and, for account, the SMS provider over HTTP). */
const SMOKE: Record<string, unknown[]> = {
  system: [{ action: 'ping' }],
  account: [{ action: 'me' }, { action: 'sendSmsCode', payload: { phone: '13912345678', purpose: 'register' } }],
  review: [{ action: 'listMine' }],
  org: [{ action: 'myUnions' }],
  member: [{ action: 'my' }],
  admin: [{ action: 'listRoles' }],
  importer: [{ action: 'jobs' }],
};

interface Answer {
  ok: boolean;
  error?: { code: string };
}

describe('the declared Node.js runtime', function () {
  this.timeout(180_000);
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startTestEmulator();
  });
  after(() => emulator.close());

  async function probe(name: string, runtime: NodeRuntime): Promise<Answer[]> {
    const bundle = path.join(FUNCTIONS_OUT, name, 'index.js');
    const key = () => randomBytes(32).toString('base64');
    const { stdout } = await run(
      process.execPath,
      [PROBE, bundle, JSON.stringify(SMOKE[name] ?? [{ action: 'ping' }])],
      {
        env: {
          PATH: process.env.PATH,
          RUNTIME_MISSING: JSON.stringify(missingIn(runtime)),
          TCB_SERVICE_URL: emulator.serviceUrl,
          TCB_EMULATOR_URL: emulator.baseUrl,
          TCB_ENV: emulator.envId,
          TENCENTCLOUD: 'true',
          TENCENTCLOUD_SECRETID: 'probe',
          TENCENTCLOUD_SECRETKEY: 'probe',
          PII_ENC_KEY: key(),
          PII_INDEX_KEY: key(),
          QR_SIGNING_KEY: key(),
          FACE_PROVIDER: 'local',
          SMS_PROVIDER: 'local',
          SUBSCRIBE_PROVIDER: 'local',
          SILENCE: 'true',
        },
      },
    );
    const parsed = JSON.parse(stdout.trim().split('\n').pop() ?? 'null') as Answer[] | { crashed: string };
    if (!Array.isArray(parsed)) throw new Error(`${name} crashed under ${runtime}: ${parsed.crashed}`);
    return parsed;
  }

  it('is one CloudBase runtime for every function, new enough for global fetch', () => {
    const runtime = declaredRuntime();
    assert.ok(!missingIn(runtime).includes('fetch'), `${runtime} has no global fetch, which every outside call uses`);
    assert.deepEqual(
      readCloudbaseRc()
        .functions.map((f) => f.name)
        .sort(),
      functionNames(),
    );
  });

  it('runs every bundle with only the APIs the declared runtime has', async () => {
    const runtime = declaredRuntime();
    for (const name of functionNames()) {
      const answers = await probe(name, runtime);
      for (const a of answers) assert.notEqual(a.error?.code, 'INTERNAL', `${name} failed under ${runtime}`);
    }
  });

  it('would catch a bundle that needs more than its runtime: account under Node.js 16.13 cannot send an SMS', async () => {
    const [me, sms] = await probe('account', 'Nodejs16.13');
    assert.notEqual(me.error?.code, 'INTERNAL', 'a database read needs nothing newer');
    assert.equal(sms.error?.code, 'INTERNAL', 'without global fetch the SMS provider cannot be reached');
  });
});
