import assert from 'node:assert/strict';
import { APPLICATION_KIND_NAMES, type ApplicationKind } from '../../typings/models';
import {
  CASES,
  declaredActions,
  matrixWorld,
  OPENIDS,
  ROLES,
  wireAction,
  type MatrixWorld,
} from '../helpers/catalogue';
import { snapshot } from '../helpers/snapshot';

describe('authorization matrix: every action × every role', function () {
  this.timeout(300_000);
  let mx: MatrixWorld;
  before(async () => {
    mx = await matrixWorld();
  });
  after(() => mx.world.close());

  it('the table lists every action every function declares, and every application kind', () => {
    const listed = new Set(CASES.map((c) => `${c.fn}.${wireAction(c)}`));
    const declared = declaredActions();
    const missing = declared.filter((d) => !listed.has(`${d.fn}.${d.action}`)).map((d) => `${d.fn}.${d.action}`);
    assert.deepEqual(missing, [], 'actions without a row in the authorization table');
    const kinds = CASES.filter((c) => c.action.startsWith('submit:'))
      .map((c) => c.action.slice('submit:'.length))
      .sort();
    assert.deepEqual(kinds, (Object.keys(APPLICATION_KIND_NAMES) as ApplicationKind[]).sort());
  });

  for (const c of CASES) {
    it(`${c.fn}.${c.action}: allowed for ${c.allow.length ? c.allow.join(', ') : 'nobody here'}`, async () => {
      await mx.setOperators(c.perm);
      const outcomes: string[] = [];
      for (const role of ROLES) {
        const caller = mx.world.as(OPENIDS[role]);
        const bindings =
          role !== 'anon' && c.action === 'logout' ? await mx.world.docs('bindings', { _id: OPENIDS[role] }) : [];
        const before = snapshot(mx.world.emulator);
        const res = await caller.raw(c.fn, { action: wireAction(c), payload: c.payload(mx.fx) });
        const denied = !res.ok && (res.error.code === 'PERMISSION_DENIED' || res.error.code === 'NOT_LOGGED_IN');
        const expectAllowed = c.allow.includes(role);
        if (expectAllowed && denied)
          outcomes.push(`${role}: expected allowed, got ${!res.ok ? `${res.error.code} ${res.error.message}` : ''}`);
        if (!expectAllowed) {
          if (!denied)
            outcomes.push(
              `${role}: expected a refusal, got ${res.ok ? 'ok' : `${res.error.code} ${res.error.message}`}`,
            );
          else if (role !== 'anon' && !res.ok && res.error.code !== 'PERMISSION_DENIED')
            outcomes.push(`${role}: a registered user must get PERMISSION_DENIED, got ${res.error.code}`);
          else if (snapshot(mx.world.emulator) !== before) outcomes.push(`${role}: refused, but the database changed`);
        }
        // Logging out really unbinds: put the binding back so the next rows still know this caller.
        if (bindings.length && res.ok)
          await mx.world.admin
            .database()
            .collection('bindings')
            .add(bindings[0] as Record<string, unknown>);
      }
      assert.deepEqual(outcomes, []);
    });
  }
});
