import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, FUNCTION_GROUPS, variablesOf } from '../../cloudfunctions/shared/config';
import { deployProblems } from '../../scripts/deploy-check';
import { declaredRuntime, readCloudbaseRc } from '../../scripts/lib/runtime';

const ROOT = path.join(__dirname, '..', '..');

describe('deployment readiness', () => {
  const rc = readCloudbaseRc();

  it('cloudbaserc.json declares every function with its runtime, limits, triggers and the variables the configuration module reads for it', () => {
    const declared = rc.functions.map((f) => f.name).sort();
    const built = fs
      .readdirSync(path.join(ROOT, 'cloudfunctions'))
      .filter((d) => d !== 'shared' && fs.existsSync(path.join(ROOT, 'cloudfunctions', d, 'index.ts')))
      .sort();
    assert.deepEqual(declared, built);
    assert.deepEqual(Object.keys(FUNCTION_GROUPS).sort(), built, 'the configuration module knows every function');
    const runtime = declaredRuntime();
    const secrets = new Set(CONFIG_VARIABLES.filter((v) => v.secret).map((v) => v.name));
    const known = new Set(CONFIG_VARIABLES.map((v) => v.name));
    for (const f of rc.functions) {
      assert.equal(f.runtime, runtime, `${f.name} runtime`);
      assert.ok(f.timeout > 0 && f.timeout <= 900, `${f.name} timeout`);
      assert.ok([128, 256, 512, 1024, 2048].includes(f.memorySize), `${f.name} memory`);
      assert.equal(f.handler, 'index.main');
      // CloudBase timer triggers: a name and a 7-field cron (second minute hour day month week year).
      for (const t of f.triggers ?? []) {
        assert.equal(t.type, 'timer', `${f.name} trigger ${t.name}: only timer triggers are declared here`);
        assert.match(t.name, /^[A-Za-z][A-Za-z0-9_-]{0,59}$/, `${f.name} trigger name`);
        assert.equal(t.config.trim().split(/\s+/).length, 7, `${f.name} trigger ${t.name}: cron needs 7 fields`);
      }
      const env = f.envVariables ?? {};
      assert.deepEqual(
        Object.keys(env).sort(),
        variablesOf(FUNCTION_GROUPS[f.name]).sort(),
        `${f.name} gets exactly the variables it reads`,
      );
      for (const [name, value] of Object.entries(env)) {
        assert.ok(known.has(name), `${name} is documented in the configuration module`);
        // Secrets are templated from the deploy environment, never written into the file.
        if (secrets.has(name)) assert.equal(value, `{{env.${name}}}`, `${f.name} ${name}`);
        else
          assert.ok(value === `{{env.${name}}}` || !value.includes('{{'), `${f.name} ${name} templates its own name`);
      }
    }
  });

  it('npm run deploy stops before sending anything when .env leaves a function misconfigured', () => {
    const key = () => randomBytes(32).toString('base64');
    const good = {
      TCB_ENV_ID: 'union-prod-7k8l9m',
      PII_ENC_KEY: key(),
      PII_INDEX_KEY: key(),
      QR_SIGNING_KEY: key(),
      QR_BASE_URL: 'https://union.example.org/q',
      FACE_PROVIDER: 'wechat',
      SMS_PROVIDER: 'tencent',
      SMS_SDK_APP_ID: '1400006666',
      SMS_SIGN_NAME: '某市总工会',
      SMS_TEMPLATE_ID: '449739',
      SUBSCRIBE_PROVIDER: 'wechat',
      SUBSCRIBE_TEMPLATE_REVIEW_RESULT: 'qZvoiRFqRGhPjQsrbr0XhHGsBzNM3cJdMqMhzyc4UcE',
      SUBSCRIBE_FIELDS_REVIEW_RESULT: 'thing1,phrase2,thing3',
      WX_APPID: 'wx0123456789abcdef',
      WX_APP_SECRET: '0123456789abcdef0123456789abcdef',
      TENCENTCLOUD_API_SECRET_ID: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      TENCENTCLOUD_API_SECRET_KEY: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
    };
    assert.deepEqual(deployProblems(rc, good), []);
    const { PII_INDEX_KEY: _dropped, ...withoutIndexKey } = good;
    const problems = deployProblems(rc, {
      ...withoutIndexKey,
      SMS_PROVIDER: 'local',
      QR_SIGNING_KEY: key().slice(0, 20),
    });
    for (const f of ['account', 'review', 'org', 'member', 'admin', 'importer']) {
      assert.ok(
        problems.includes(
          `${f}: PII_INDEX_KEY is still the placeholder {{env.PII_INDEX_KEY}}: put PII_INDEX_KEY in the .env beside cloudbaserc.json and deploy again`,
        ),
        f,
      );
    }
    assert.ok(
      problems.some((p) =>
        p.startsWith('account: TCB_EMULATOR_URL is not set: a `local` provider only works inside the emulator'),
      ),
    );
    assert.ok(problems.some((p) => p.startsWith('org: QR_SIGNING_KEY must be at least 32 random bytes')));
  });
});
