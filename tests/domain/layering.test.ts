import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURE = path.join(ROOT, 'tests', 'fixtures', 'layering');

describe('the import-direction check that npm run lint runs', () => {
  it('refuses a domain import in the emulator and a value import from typings in the mini-program, and allows import type', function () {
    this.timeout(120_000);
    // The project's own config over a tiny tree laid out like the repo, so the rules are what is tested.
    const run = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'),
        '.',
        '--config',
        path.join(ROOT, '.dependency-cruiser.cjs'),
        '--output-type',
        'err',
      ],
      { cwd: FIXTURE, encoding: 'utf8' },
    );
    // The same output and exit status `npm run lint` gives: one "error <rule>: <from> → <to>" line per violation.
    const found = [...run.stdout.matchAll(/^\s*error (.+)$/gm)].map((m) => m[1].trim()).sort();
    assert.deepEqual(found, [
      'emulator-is-domain-free: emulator/leak.ts → cloudfunctions/shared/domain.ts',
      'miniprogram-typings-types-only: miniprogram/value-import.ts → typings/contract.ts',
    ]);
    assert.notEqual(run.status, 0, 'a violation must fail the command');
  });
});
