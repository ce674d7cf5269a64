import { COLLECTION_NAMES } from '../../cloudfunctions/shared/collections';
import type { RunningEmulator } from '../../emulator/server';

/** The whole database as the server holds it, to prove a refusal changed nothing. */
export function snapshot(emulator: RunningEmulator): string {
  // A refusal may add only its own trace: a refused audit row and the counters that cap them.
  const data = COLLECTION_NAMES.filter((c) => c !== 'rateCounters').map((c) =>
    emulator.engine
      .find(c, {}, { sort: { _id: 1 } })
      .filter((d) => !(c === 'auditLogs' && (d as { result?: string }).result === 'refused')),
  );
  return JSON.stringify(data);
}
