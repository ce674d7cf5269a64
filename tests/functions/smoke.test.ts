import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { demoCreditCode } from '../../fixtures/demo';
import type { RunningEmulator } from '../../emulator/server';
import { bootstrap } from '../../scripts/cloud-bootstrap';
import { readCloudbaseRc } from '../../scripts/lib/runtime';
import { smoke } from '../../scripts/smoke';
import { catalogueId } from '../helpers/catalogue';
import { startTestEmulator } from '../helpers/emulator';

const ROOT = path.join(__dirname, '..', '..');

describe('npm run smoke against a deployed environment (here the emulator)', function () {
  this.timeout(120_000);
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startTestEmulator();
  });
  after(() => emulator.close());

  it('finds every function deployed but says the environment is not bootstrapped yet', async () => {
    const lines: string[] = [];
    const report = await smoke({
      env: emulator.envId,
      serviceUrl: emulator.serviceUrl,
      secretId: 'x',
      secretKey: 'x',
      log: (l) => void lines.push(l),
    });
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.functions.map((f) => [f.name, f.ok]),
      readCloudbaseRc().functions.map((f) => [f.name, true]),
    );
    assert.ok(lines.includes('FAIL the environment is not bootstrapped yet (npm run cloud:bootstrap)'));
    assert.equal(lines.at(-1), 'smoke test FAILED');
  });

  it('passes after cloud:bootstrap, run as the operator runs it', async () => {
    await bootstrap(
      {
        unions: [
          {
            name: '烟测省总工会',
            unitName: '烟测省总工会',
            creditCode: demoCreditCode(960),
            address: '示例市人民路 2 号',
            chairName: '钱主席',
            contactPhone: '020-87000960',
            admins: [{ name: '钱主席', docNumber: catalogueId(960), phone: '13700000960' }],
          },
        ],
        provinceOffice: [{ name: '冯审核', docNumber: catalogueId(961), phone: '13700000961' }],
      },
      { log: () => undefined },
    );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        require.resolve('ts-node/dist/bin'),
        '--transpile-only',
        'scripts/smoke.ts',
        '--env',
        emulator.envId,
        '--service-url',
        emulator.serviceUrl,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, TENCENTCLOUD_SECRETID: 'x', TENCENTCLOUD_SECRETKEY: 'x', TENCENTCLOUD: 'true' },
      },
    );
    assert.match(stdout, /^ok {3}system\.ping: server time /m);
    assert.match(
      stdout,
      /^ok {3}system\.status: top-level unions: 烟测省总工会 \(1 admin\); province office roles: 1; roles waiting for their person to register: 2$/m,
    );
    assert.match(stdout, /^ok {3}account: deployed, loads on Nodejs20\.19$/m);
    assert.match(stdout, /smoke test passed\n$/);
  });
});
