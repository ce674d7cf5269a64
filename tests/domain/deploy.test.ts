import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { COLLECTIONS } from '../../cloudfunctions/shared/collections';
import { setupPlan } from '../../scripts/cloud-setup';

const ROOT = path.join(__dirname, '..', '..');

describe('deployment readiness', () => {
  const rc = JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudbaserc.json'), 'utf8')) as {
    functions: Array<{ name: string; timeout: number; envVariables?: Record<string, string> }>;
  };

  it('cloudbaserc.json declares every function with a timeout, and the keys each one needs', () => {
    const declared = rc.functions.map((f) => f.name).sort();
    const built = fs.readdirSync(path.join(ROOT, 'cloudfunctions')).filter((d) => d !== 'shared' && fs.existsSync(path.join(ROOT, 'cloudfunctions', d, 'index.ts'))).sort();
    assert.deepEqual(declared, built);
    for (const f of rc.functions) {
      assert.ok(f.timeout > 0 && f.timeout <= 900, `${f.name} timeout`);
      if (f.name === 'system') continue;
      for (const key of ['PII_ENC_KEY', 'PII_INDEX_KEY', 'QR_SIGNING_KEY']) assert.ok(f.envVariables?.[key], `${f.name} gets ${key}`);
    }
    const account = rc.functions.find((f) => f.name === 'account')?.envVariables ?? {};
    for (const key of ['WX_APP_SECRET', 'FACE_PROVIDER', 'SMS_SDK_APP_ID', 'TENCENTCLOUD_API_SECRET_KEY']) assert.ok(account[key], `account gets ${key}`);
    // Secrets are templated from the deploy environment, never written into the file.
    for (const f of rc.functions) for (const v of Object.values(f.envVariables ?? {})) assert.ok(!/^[A-Za-z0-9+/]{40,}={0,2}$/.test(v), `${f.name} holds a literal key`);
  });

  it('the setup plan creates every collection, every index, and denies all client access', () => {
    const plan = setupPlan('env-test');
    for (const c of COLLECTIONS) {
      assert.ok(plan.some((s) => s.kind === 'collection' && s.collection === c.name));
      const rule = plan.find((s) => s.kind === 'rule' && s.collection === c.name);
      assert.deepEqual(rule?.request, ['tcb', 'permission', 'set', `collection:${c.name}`, '--level', 'adminonly', '-e', 'env-test']);
      const idx = plan.find((s) => s.kind === 'index' && s.collection === c.name)?.request as { create_indexes?: unknown[] } | undefined;
      assert.equal(idx?.create_indexes?.length ?? 0, c.indexes.length);
    }
  });
});
