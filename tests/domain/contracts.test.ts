import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');

/**
 * Server code that drifts from the contract in typings/, compiled with the project's own settings.
 * `Handlers<F>` must refuse each drift; the last table matches the contract and must compile.
 */
const DRIFTS = `
import type { Handlers } from '../../typings/api';
import type { ApplicationView } from '../../typings/review';
import { id, int, str } from '../../cloudfunctions/shared/validate';

const view = null as unknown as ApplicationView;
type Review = Handlers<'review'>;

export const extraField = { withdraw: { input: { id: id('申请'), note: str({ label: '备注', max: 20 }) }, run: () => ({ application: view }) } } satisfies Pick<Review, 'withdraw'>;
export const missingField = { reject: { input: { id: id('申请') }, run: () => ({ application: view }) } } satisfies Pick<Review, 'reject'>;
export const wrongType = { reject: { input: { id: id('申请'), reason: int('原因', 1, 9) }, run: () => ({ application: view }) } } satisfies Pick<Review, 'reject'>;
export const wrongAnswer = { detail: { input: { id: id('申请') }, run: () => ({ app: view }) } } satisfies Pick<Review, 'detail'>;
export const typedInput = { reject: { input: { id: id('申请'), reason: str({ label: '原因', max: 9 }) }, run: (input) => ({ application: { ...view, rejectReason: input.reason.toFixed(1) } }) } } satisfies Pick<Review, 'reject'>;
export const formOfOther = { submit: { input: () => ({ kind: 'memberJoin' as const, data: { unionId: 'u1', roleId: 'r1', reason: '岗位调整' } }), run: () => ({ application: view, replayed: false }) } } satisfies Pick<Review, 'submit'>;
export const matches = { reject: { input: { id: id('申请'), reason: str({ label: '原因', max: 9 }) }, run: (input) => ({ application: { ...view, rejectReason: input.reason } }) } } satisfies Pick<Review, 'reject'>;
`;

describe('the typed contract checks the server (Handlers<F> in typings/api.ts)', () => {
  it('refuses a schema with an extra, a missing or a mistyped field, a wrong answer, misuse of the input and a form of the wrong kind', function () {
    this.timeout(120_000);
    const dir = path.join(ROOT, '.tmp', 'contracts');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'drift.ts');
    fs.writeFileSync(file, DRIFTS);
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(ROOT, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
    );
    assert.ok(config);
    const program = ts.createProgram([file], config.options);
    const errors = ts.getPreEmitDiagnostics(program).flatMap((d) => {
      if (!d.file || path.resolve(d.file.fileName) !== file) return [];
      // Named by the table the error is in.
      const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
      return [/^export const (\w+)/.exec(d.file.text.split('\n')[line])?.[1] ?? `line ${line + 1}`];
    });
    // One error per drifting table, none for the table that matches.
    assert.deepEqual([...new Set(errors)].sort(), [
      'extraField',
      'formOfOther',
      'missingField',
      'typedInput',
      'wrongAnswer',
      'wrongType',
    ]);
  });
});
