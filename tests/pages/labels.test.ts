import assert from 'node:assert/strict';
import fs from 'node:fs';
import { LABELS_FILE, labelsSource } from '../../scripts/build-miniprogram';
import { APPLICATION_KIND_NAMES } from '../../typings/models';

describe('label tables: the mini-program shows the names typings/models.ts defines', () => {
  it('miniprogram/generated/labels.ts is what typings/models.ts generates now (run `npm run labels` if not)', () => {
    assert.equal(
      fs.readFileSync(LABELS_FILE, 'utf8'),
      labelsSource(),
      'miniprogram/generated/labels.ts is stale: run `npm run labels`',
    );
  });

  it('no page re-types a label table', () => {
    const names = Object.values(APPLICATION_KIND_NAMES);
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = `${dir}/${e.name}`;
        if (e.isDirectory() && e.name !== 'miniprogram_npm' && e.name !== 'generated') walk(full);
        else if (
          e.name.endsWith('.ts') &&
          names.filter((n) => fs.readFileSync(full, 'utf8').includes(`'${n}'`)).length >= 3
        )
          offenders.push(full);
      }
    };
    walk(`${__dirname}/../../miniprogram`);
    assert.deepEqual(offenders, []);
  });
});
