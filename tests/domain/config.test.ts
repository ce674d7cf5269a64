import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  ConfigError,
  configProblems,
  faceConfig,
  piiConfig,
  qrConfig,
  smsConfig,
  subscribeConfig,
  type Env,
} from '../../cloudfunctions/shared/config';

const key = (bytes = 32) => randomBytes(bytes).toString('base64');
const problem = (fn: () => unknown): { variable: string; problem: string } => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return { variable: err.variable, problem: err.problem };
    throw err;
  }
  throw new Error('no configuration error');
};

describe('the configuration module', () => {
  it('takes 32-byte base64 keys and names the variable of a short, missing or placeholder one', () => {
    const env: Env = { PII_ENC_KEY: key(), PII_INDEX_KEY: key() };
    assert.equal(piiConfig(env).encKey.length, 32);
    assert.deepEqual(problem(() => piiConfig({ ...env, PII_ENC_KEY: key(16) })).variable, 'PII_ENC_KEY');
    assert.match(problem(() => piiConfig({ ...env, PII_ENC_KEY: key(16) })).problem, /32 random bytes.*decodes to 16/);
    assert.match(problem(() => piiConfig({ ...env, PII_INDEX_KEY: undefined })).problem, /is not set/);
    const placeholder = problem(() => piiConfig({ ...env, PII_INDEX_KEY: '{{env.PII_INDEX_KEY}}' }));
    assert.equal(placeholder.variable, 'PII_INDEX_KEY');
    assert.match(
      placeholder.problem,
      /still the placeholder \{\{env\.PII_INDEX_KEY\}\}.*\.env beside cloudbaserc\.json/,
    );
  });

  it('needs an https QR_BASE_URL in the cloud, and allows the example domain only in the emulator', () => {
    assert.equal(
      qrConfig({ QR_SIGNING_KEY: key(), TCB_EMULATOR_URL: 'http://127.0.0.1:1' }).baseUrl,
      'https://union.example.cn/q',
    );
    assert.equal(problem(() => qrConfig({ QR_SIGNING_KEY: key() })).variable, 'QR_BASE_URL');
    assert.match(
      problem(() => qrConfig({ QR_SIGNING_KEY: key(), QR_BASE_URL: 'http://union.example.cn/q' })).problem,
      /https/,
    );
    assert.equal(
      problem(() => qrConfig({ QR_SIGNING_KEY: 'short', QR_BASE_URL: 'https://a.cn/q' })).variable,
      'QR_SIGNING_KEY',
    );
  });

  it('chooses providers by configuration, and asks only for what the chosen provider needs', () => {
    // The default in the cloud is the real provider, whose credentials must then be right.
    assert.equal(problem(() => faceConfig({})).variable, 'WX_APPID');
    assert.deepEqual(
      faceConfig({ WX_APPID: 'wx0123456789abcdef', WX_APP_SECRET: '0123456789abcdef0123456789abcdef' }),
      { provider: 'wechat' },
    );
    assert.equal(
      problem(() => faceConfig({ WX_APPID: 'wx0123456789abcdef', WX_APP_SECRET: 'not-hex' })).variable,
      'WX_APP_SECRET',
    );
    // FaceID does not need WeChat's AppSecret, but its RuleId and the Tencent Cloud key.
    const tc = {
      TENCENTCLOUD_API_SECRET_ID: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      TENCENTCLOUD_API_SECRET_KEY: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
    };
    assert.equal(problem(() => faceConfig({ FACE_PROVIDER: 'faceid', ...tc })).variable, 'FACEID_RULE_ID');
    assert.deepEqual(faceConfig({ FACE_PROVIDER: 'faceid', FACEID_RULE_ID: '12', ...tc }), {
      provider: 'faceid',
      ruleId: '12',
    });
    // `local` is the emulator's outbox: outside it, it is a configuration error, not a silent fallback.
    assert.equal(problem(() => faceConfig({ FACE_PROVIDER: 'local' })).variable, 'TCB_EMULATOR_URL');
    assert.match(problem(() => smsConfig({ SMS_PROVIDER: 'aliyun' })).problem, /one of tencent, local/);
    assert.equal(
      problem(() =>
        smsConfig({
          ...tc,
          SMS_SDK_APP_ID: '1400006666',
          SMS_SIGN_NAME: '某市总工会',
          SMS_TEMPLATE_ID: '{{env.SMS_TEMPLATE_ID}}',
        }),
      ).variable,
      'SMS_TEMPLATE_ID',
    );
    assert.equal(
      problem(() =>
        subscribeConfig({
          WX_APPID: 'wx0123456789abcdef',
          WX_APP_SECRET: '0123456789abcdef0123456789abcdef',
          SUBSCRIBE_TEMPLATE_REVIEW_RESULT: 'qZvoiRFqRGhPjQsrbr0XhHGsBzNM3cJdMqMhzyc4UcE',
          SUBSCRIBE_FIELDS_REVIEW_RESULT: 'thing1',
        }),
      ).variable,
      'SUBSCRIBE_FIELDS_REVIEW_RESULT',
    );
  });

  it('lists every problem of a function at once, for the smoke test', () => {
    const problems = configProblems(['pii', 'qr', 'sms'], {
      PII_ENC_KEY: key(),
      PII_INDEX_KEY: '{{env.PII_INDEX_KEY}}',
      QR_SIGNING_KEY: key(),
      QR_BASE_URL: 'https://a.cn/q',
      SMS_PROVIDER: 'local',
    });
    assert.deepEqual(
      problems.map((p) => p.variable),
      ['PII_INDEX_KEY', 'TCB_EMULATOR_URL'],
    );
  });
});
