import assert from 'node:assert/strict';
import { demoResidentId } from '../../fixtures/demo';
import { demoWorld, type DemoWorld } from '../helpers/api';

describe('a misconfigured function, and a face check to retry', () => {
  let world: DemoWorld;
  before(async () => {
    world = await demoWorld();
  });
  after(() => world.close());

  it('answers CONFIG_ERROR and logs the wrong variable once, without its value', async () => {
    const saved = process.env.PII_INDEX_KEY;
    const logged: string[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => void logged.push(a.join(' '));
    process.env.PII_INDEX_KEY = '{{env.PII_INDEX_KEY}}';
    try {
      const me = world.as('wx-config');
      for (let i = 0; i < 3; i++) {
        const err = await me.fails('account', 'sendSmsCode', { phone: '13900000301', purpose: 'register' });
        assert.equal(err.code, 'CONFIG_ERROR');
        assert.equal(err.message, '服务尚未配置完成，暂时无法办理，请稍后再试或联系所在工会');
      }
    } finally {
      console.error = original;
      process.env.PII_INDEX_KEY = saved;
    }
    const config = logged.filter((l) => l.startsWith('[config]'));
    assert.equal(config.length, 1, 'logged once');
    assert.match(config[0], /^\[config\] PII_INDEX_KEY is still the placeholder \{\{env\.PII_INDEX_KEY\}\}/);
    // Restored, the same function works again.
    assert.ok(await world.as('wx-config').ok('account', 'sendSmsCode', { phone: '13900000301', purpose: 'register' }));
  });

  it('a face check that did not finish for a technical reason keeps its session: the person retries and passes', async () => {
    const me = world.as('wx-face-retry');
    const started = await me.ok('account', 'startFace', {
      name: '钱七',
      docType: 'resident',
      docNumber: demoResidentId(203),
    });
    await world.patchOutbox(started.verifyId as string, { result: 'retry' });
    const err = await me.fails('account', 'completeFace', { sessionId: started.sessionId });
    assert.equal(err.code, 'FACE_RETRY');
    assert.equal(err.message, '人脸核身没有完成（网络错误），请重试');
    await world.patchOutbox(started.verifyId as string, { result: 'pass' });
    const passed = await me.ok('account', 'completeFace', { sessionId: started.sessionId });
    assert.equal(passed.passed, true);
  });
});
