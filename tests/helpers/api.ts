import assert from 'node:assert/strict';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/server';
import { Caller } from '../../fixtures/caller';
import { demoUnionId, seedDemo } from '../../fixtures/demo';
import { sdkFor, startTestEmulator } from './emulator';

export { Caller };

export interface DemoWorld {
  emulator: RunningEmulator;
  as(openid?: string): Caller;
  union(key: 'province' | 'city' | 'county' | 'street' | 'grassroots' | 'federation' | 'group' | 'groupBranch'): string;
  /** The server's own view of a collection (admin SDK, no user identity). */
  docs<T = Record<string, unknown>>(collection: string, where?: Record<string, unknown>): Promise<T[]>;
  outbox(
    kind: 'sms' | 'face' | 'subscribe',
  ): Promise<Array<{ id: string; payload: Record<string, unknown>; state: Record<string, unknown> }>>;
  /** What a developer does in the inspector: decide a local face check, for example. */
  patchOutbox(id: string, state: Record<string, unknown>): Promise<void>;
  /** Moves every sent SMS code two minutes into the past, so the 1-a-minute limit lets the next one out. */
  rewindSms(): Promise<void>;
  /** The admin SDK (no user identity), for the server's view and for setting up time-based cases. */
  admin: ReturnType<typeof sdkFor>;
  close(): Promise<void>;
}

/** A fresh emulator with the demo tree seeded, as `npm start` would have it. */
export async function demoWorld(options: EmulatorOptions = {}): Promise<DemoWorld> {
  const emulator = await startTestEmulator(options);
  await seedDemo(emulator);
  const admin = sdkFor(emulator);
  return {
    emulator,
    as: (openid) => new Caller(emulator, openid),
    union: (key) => demoUnionId(key),
    async docs<T>(collection: string, where: Record<string, unknown> = {}) {
      const res = await admin.database().collection(collection).where(where).limit(1000).get();
      return res.data as T[];
    },
    async outbox(kind) {
      const res = await fetch(`${emulator.baseUrl}/_/outbox?kind=${kind}`);
      return (
        (await res.json()) as {
          entries: Array<{ id: string; payload: Record<string, unknown>; state: Record<string, unknown> }>;
        }
      ).entries;
    },
    async patchOutbox(id, state) {
      const res = await fetch(`${emulator.baseUrl}/_/outbox/entry/${id}`, {
        method: 'PATCH',
        body: JSON.stringify(state),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(res.status, 200);
    },
    async rewindSms() {
      const past = new Date(Date.now() - 120_000);
      await admin
        .database()
        .collection('smsCodes')
        .where({ used: admin.database().command.exists(true) })
        .update({ createdAt: past });
    },
    admin,
    close: () => emulator.close(),
  };
}

/** Reads the latest SMS code sent to a phone from the emulator's outbox, as a developer would. */
export async function lastSmsCode(world: Pick<DemoWorld, 'outbox'>, phone: string): Promise<string> {
  const entry = (await world.outbox('sms')).find((e) => e.payload.phone === phone);
  assert.ok(entry, `no SMS was sent to ${phone}`);
  return String(entry.payload.code);
}

/** The whole real-name registration as a new WeChat user: face check, SMS, password. */
export async function registerPerson(
  world: DemoWorld,
  openid: string,
  person: { name: string; docNumber: string; phone: string; password?: string },
) {
  const me = world.as(openid);
  const face = await me.ok('account', 'startFace', {
    name: person.name,
    docType: 'resident',
    docNumber: person.docNumber,
  });
  await me.ok('account', 'completeFace', { sessionId: face.sessionId });
  await world.rewindSms();
  await me.ok('account', 'sendSmsCode', { phone: person.phone, purpose: 'register' });
  const smsCode = await lastSmsCode(world, person.phone);
  return me.ok('account', 'register', {
    sessionId: face.sessionId,
    phone: person.phone,
    smsCode,
    password: person.password ?? 'Union2026ok',
  });
}
