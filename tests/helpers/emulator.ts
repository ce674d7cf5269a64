import tcb from '@cloudbase/node-sdk';
import path from 'node:path';
import { IDENTITY_HEADER, startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server';

export const FIXTURE_FUNCTIONS = path.join(__dirname, '..', 'fixtures', 'functions');

/**
 * A fresh in-memory emulator with the built functions and the test fixtures. Timer triggers do not run
 * on their schedule here: a cleanup sweep at the top of the hour would change the data a test compares
 * (it did, in a bad-input run at 15:00). Tests fire them with `POST /_/timers/<fn>/<trigger>`.
 */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    inMemory: true,
    scheduleTimers: false,
    functionsDirs: [path.join(__dirname, '..', '..', 'dist', 'cloudfunctions'), FIXTURE_FUNCTIONS],
    ...options,
  });
}

/** The real @cloudbase/node-sdk pointed at the emulator, optionally calling as a WeChat user. */
export function sdkFor(emulator: RunningEmulator, openid?: string, timeout = 60_000) {
  return tcb.init({
    timeout,
    env: emulator.envId,
    serviceUrl: emulator.serviceUrl,
    secretId: 'test',
    secretKey: 'test',
    headers: openid ? { [IDENTITY_HEADER]: openid } : {},
  });
}
