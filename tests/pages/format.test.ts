import assert from 'node:assert/strict';
import path from 'node:path';
import { MP_OUT } from '../helpers/page';

/** The one time formatter the pages use: what the server sends (UTC instants) read in Beijing time. */
describe('format: Beijing time', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built file, as the pages load it
  const { beijingTime } = require(path.join(MP_OUT, 'utils', 'format.js')) as {
    beijingTime(iso: string | undefined, withSeconds?: boolean): string;
  };

  it('shows the instant the issue saw as 19:51 in Beijing, not 11:51 UTC', () => {
    assert.equal(beijingTime('2026-11-26T11:51:51.492Z'), '2026-11-26 19:51');
    assert.equal(beijingTime('2026-11-26T11:51:51.492Z', true), '2026-11-26 19:51:51');
  });

  it('rolls over the date, month and year at Beijing midnight', () => {
    assert.equal(beijingTime('2026-11-26T16:00:00.000Z'), '2026-11-27 00:00');
    assert.equal(beijingTime('2026-11-30T15:59:59.000Z'), '2026-11-30 23:59');
    assert.equal(beijingTime('2026-12-31T16:30:00.000Z'), '2027-01-01 00:30');
  });

  it('does not depend on the phone’s own time zone', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      assert.equal(beijingTime('2026-07-01T00:00:00Z'), '2026-07-01 08:00');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('leaves a value it cannot read as it is, and nothing as nothing', () => {
    assert.equal(beijingTime('昨天'), '昨天');
    assert.equal(beijingTime(undefined), '');
  });
});
