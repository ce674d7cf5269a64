import assert from 'node:assert/strict';
import { demoPhone, demoResidentId, DEMO_PASSWORD } from '../../fixtures/demo';
import { catalogueId } from '../helpers/catalogue';
import { demoWorld, lastSmsCode, registerPerson, type DemoWorld } from '../helpers/api';
import { xlsxOf } from '../helpers/files';

/** What a full scenario prints and what the inspector's call log keeps must hold no ID number or phone. */
describe('secrets never reach the logs', function () {
  this.timeout(120_000);
  let world: DemoWorld;
  const captured: string[] = [];
  const originals = {
    log: console.log,
    warn: console.warn,
    error: console.error,
    info: console.info,
    write: process.stdout.write.bind(process.stdout),
    ewrite: process.stderr.write.bind(process.stderr),
  };

  function capture(): () => void {
    const keep = (...args: unknown[]) =>
      void captured.push(args.map((a) => (typeof a === 'string' ? a : (JSON.stringify(a) ?? String(a)))).join(' '));
    console.log = console.warn = console.error = console.info = keep;
    process.stdout.write = ((chunk: unknown) => (captured.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: unknown) => (captured.push(String(chunk)), true)) as typeof process.stderr.write;
    return () => {
      Object.assign(console, {
        log: originals.log,
        warn: originals.warn,
        error: originals.error,
        info: originals.info,
      });
      process.stdout.write = originals.write;
      process.stderr.write = originals.ewrite;
    };
  }
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  it('runs registration, review, import, export, login and phone change without logging personal data', async () => {
    const restore = capture();
    try {
      await scenario();
    } finally {
      restore();
    }
    const calls = await (await fetch(`${world.emulator.baseUrl}/_/calls`)).text();
    const haystack = `${captured.join('\n')}\n${calls}`;
    assert.ok(calls.includes('memberJoin'), 'the call log did record the scenario');
    assert.ok(
      captured.some((l) => l.includes('unexpected error')),
      'the failure was logged',
    );
    const secrets = ['13700000900', catalogueId(900), catalogueId(901), '13700000901', '13700000902', DEMO_PASSWORD];
    for (let seq = 0; seq < 14; seq++) secrets.push(demoResidentId(seq), demoPhone(seq));
    const leaked = secrets.filter((s) => haystack.includes(s));
    assert.deepEqual(leaked, []);
  });

  async function scenario(): Promise<void> {
    const person = { name: '日志测', docNumber: catalogueId(900), phone: '13700000900' };
    await registerPerson(world, 'wx-secrets', person);
    const applied = await world.as('wx-secrets').ok('review', 'submit', {
      kind: 'memberJoin',
      data: { unionId: world.union('grassroots'), unitName: '广州示例科技有限公司' },
    });
    await world.as('demo-admin-grassroots').ok('review', 'approve', { id: applied.application.id });
    const file = await world.admin.uploadFile({
      cloudPath: 'uploads/imports/secrets.xlsx',
      fileContent: xlsxOf([
        ['姓名', '证件类型', '证件号码', '手机号码', '单位名称'],
        ['导入测', '居民身份证', catalogueId(901), '13700000901', ''],
        ['坏行', '居民身份证', '123', '1', ''],
      ]),
    });
    await world
      .as('demo-admin-grassroots')
      .ok('importer', 'submit', { unionId: world.union('grassroots'), fileId: file.fileID });
    await world
      .as('demo-admin-grassroots')
      .ok('member', 'export', { unionId: world.union('grassroots'), realName: false });
    await world.as('wx-secrets-2').ok('account', 'loginPassword', { phone: demoPhone(8), password: DEMO_PASSWORD });
    await world.as('wx-secrets-2').fails('account', 'loginPassword', { phone: demoPhone(8), password: 'Wrong12345' });
    await world.rewindSms();
    await world.as('wx-secrets').ok('account', 'sendSmsCode', { phone: '13700000902', purpose: 'changePhone' });
    await world.as('wx-secrets').ok('account', 'changePhone', {
      newPhone: '13700000902',
      smsCode: await lastSmsCode(world, '13700000902'),
      proof: { method: 'password', password: 'Union2026ok' },
    });
    // A failure inside a function is logged too: make one happen (an outage, which retries cannot pass).
    await fetch(`${world.emulator.baseUrl}/_/faults`, {
      method: 'PUT',
      body: JSON.stringify({ action: 'database.', failFrom: 1 }),
    });
    await world.as('wx-secrets').call('member', 'my', {});
    await fetch(`${world.emulator.baseUrl}/_/faults`, { method: 'DELETE' });
  }
});
