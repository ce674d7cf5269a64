import assert from 'node:assert/strict';
import { demoPhone, DEMO_PASSWORD } from '../../emulator/seed';
import { demoWorld, lastSmsCode, type DemoWorld } from '../helpers/api';

const PARALLEL = 24;

/** Limits under bursts of parallel requests, as a script would send them. */
describe('limits hold under parallel requests (through the SDK)', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  it(`${PARALLEL} parallel wrong passwords: exactly 5 are checked, the rest are refused as locked, and the right password is locked out`, async () => {
    const phone = demoPhone(10); // demo-user 孙注册
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => world.as(`wx-burst-${i}`).fails('account', 'loginPassword', { phone, password: `Wrong${1000 + i}` })),
    );
    assert.equal(answers.filter((a) => a.code === 'LOGIN_FAILED').length, 5);
    assert.equal(answers.filter((a) => a.code === 'ACCOUNT_LOCKED').length, PARALLEL - 5);
    const right = await world.as('wx-burst-owner').fails('account', 'loginPassword', { phone, password: DEMO_PASSWORD });
    assert.equal(right.code, 'ACCOUNT_LOCKED');
    assert.match(right.message, /账号已锁定，请 1[45] 分钟后再试或使用短信验证码登录/);
  });

  it(`${PARALLEL} parallel wrong SMS codes: 5 are checked for one code, then the right code is dead too`, async () => {
    const phone = demoPhone(9); // demo-member-rare
    await world.rewindSms();
    await world.as('wx-sms-burst').ok('account', 'sendSmsCode', { phone, purpose: 'login' });
    const code = await lastSmsCode(world, phone);
    const wrong = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => world.as(`wx-sms-burst-${i}`).fails('account', 'loginSms', { phone, smsCode: wrong(i) })),
    );
    assert.equal(answers.filter((a) => /验证码不正确，还可以尝试/.test(a.message)).length, 4);
    assert.equal(answers.filter((a) => /错误次数过多/.test(a.message)).length, PARALLEL - 4);
    const [stored] = await world.docs<{ attempts: number; used: boolean }>('smsCodes', { used: false });
    assert.equal(stored.attempts, 5);
    const dead = await world.as('wx-sms-burst').fails('account', 'loginSms', { phone, smsCode: code });
    assert.match(dead.message, /错误次数过多，请重新获取/);
  });

  it(`${PARALLEL} parallel uses of one right SMS code: exactly one logs in`, async () => {
    const phone = demoPhone(8); // demo-member
    await world.rewindSms();
    await world.as('wx-sms-race').ok('account', 'sendSmsCode', { phone, purpose: 'login' });
    const smsCode = await lastSmsCode(world, phone);
    const results = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => world.as(`wx-sms-race-${i}`).call('account', 'loginSms', { phone, smsCode })));
    assert.equal(results.filter((r) => r.ok).length, 1);
  });

  it(`${PARALLEL} parallel code requests: one code a minute, and never more than 10 a day`, async () => {
    const phone = demoPhone(6); // demo-admin-group
    const burst = async () => {
      await world.rewindSms();
      const results = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => world.as(`wx-sms-day-${i}`).call('account', 'sendSmsCode', { phone, purpose: 'login' })));
      return results.filter((r) => r.ok).length;
    };
    const sentPerBurst: number[] = [];
    for (let i = 0; i < 11; i++) sentPerBurst.push(await burst());
    assert.deepEqual(sentPerBurst, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  });
});
