import { newUser, type UserDoc } from '../../cloudfunctions/shared/documents';
import { syntheticResidentId } from '../../cloudfunctions/shared/identity/resident-id';
import { sealDocument, sealPhone } from '../../cloudfunctions/shared/security/seal';
import type { RunningEmulator } from '../../emulator/server';

/**
 * Registered people bound to WeChat openids `${prefix}-openid-<i>`, written straight to the store:
 * for tests and benchmarks of what happens after registration, at a scale the face flow would make slow.
 * `yearOffset` keeps the ID numbers of different batches apart.
 */
export function insertRegisteredPeople(emulator: Pick<RunningEmulator, 'engine'>, count: number, prefix: string, yearOffset = 0): UserDoc[] {
  const now = new Date();
  const users: UserDoc[] = [];
  for (let i = 0; i < count; i++) {
    const doc = sealDocument(syntheticResidentId(`${1940 + yearOffset + Math.floor(i / 1000)}0303`, i % 1000));
    const phone = sealPhone(`1${3_510_000_000 + yearOffset * 100_000 + i}`);
    users.push(newUser({ name: `测试${String.fromCodePoint(0x4e00 + yearOffset * 1000 + i)}`, docType: 'resident', doc, phone, passwordHash: null, verifiedBy: 'face' }, `${prefix}-user-${i}`));
  }
  emulator.engine.insert('users', users as unknown as Array<Record<string, unknown>>);
  emulator.engine.insert('bindings', users.map((u, i) => ({ _id: `${prefix}-openid-${i}`, userId: u._id, appid: 'wx-test', boundAt: now })));
  return users;
}
