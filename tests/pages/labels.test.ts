import assert from 'node:assert/strict';
import fs from 'node:fs';
import { LABELS_FILE, labelsSource } from '../../scripts/build-miniprogram';
import { APPLICATION_KIND_NAMES } from '../../typings/models';
import { tsSources } from '../helpers/sources';

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
    const offenders = tsSources(`${__dirname}/../../miniprogram`, ['miniprogram_npm', 'generated']).filter(
      (file) => names.filter((n) => fs.readFileSync(file, 'utf8').includes(`'${n}'`)).length >= 3,
    );
    assert.deepEqual(offenders, []);
  });
});
