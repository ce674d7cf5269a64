import path from 'node:path';
import type { EmulatorOptions, RunningEmulator } from '../../emulator/server';
import { startLocalEmulator } from '../../fixtures/local-emulator';

export { sdkFor } from '../../emulator/client';

export const FIXTURE_FUNCTIONS = path.join(__dirname, '..', 'fixtures', 'functions');

/**
 * A fresh in-memory emulator with the built functions and the test fixtures. Timer triggers do not run
 * on their schedule here: a cleanup sweep at the top of the hour would change the data a test compares
 * (it did, in a bad-input run at 15:00). Tests fire them with `POST /_/timers/<fn>/<trigger>`.
 */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startLocalEmulator({
    inMemory: true,
    scheduleTimers: false,
    functionsDirs: [path.join(__dirname, '..', '..', 'dist', 'cloudfunctions'), FIXTURE_FUNCTIONS],
    ...options,
  });
}
