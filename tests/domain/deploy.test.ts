import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_VARIABLES, FUNCTION_GROUPS, variablesOf } from '../../cloudfunctions/shared/config';
import { declaredRuntime, readCloudbaseRc } from '../../scripts/lib/runtime';

const ROOT = path.join(__dirname, '..', '..');

describe('deployment readiness', () => {
  const rc = readCloudbaseRc();

  it('cloudbaserc.json declares every function with its runtime, limits and the variables the configuration module reads for it', () => {
    const declared = rc.functions.map((f) => f.name).sort();
    const built = fs.readdirSync(path.join(ROOT, 'cloudfunctions')).filter((d) => d !== 'shared' && fs.existsSync(path.join(ROOT, 'cloudfunctions', d, 'index.ts'))).sort();
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
      const env = f.envVariables ?? {};
      assert.deepEqual(Object.keys(env).sort(), variablesOf(FUNCTION_GROUPS[f.name]).sort(), `${f.name} gets exactly the variables it reads`);
      for (const [name, value] of Object.entries(env)) {
        assert.ok(known.has(name), `${name} is documented in the configuration module`);
        // Secrets are templated from the deploy environment, never written into the file.
        if (secrets.has(name)) assert.equal(value, `{{env.${name}}}`, `${f.name} ${name}`);
        else assert.ok(value === `{{env.${name}}}` || !value.includes('{{'), `${f.name} ${name} templates its own name`);
      }
    }
  });
});
