import { AppError } from '../app-error';
import { txGet, type Tx } from '../db';

/**
 * Locks are documents whose `_id` is the thing held (e.g. `member:<userId>`): taking one inside
 * a transaction makes two concurrent submits conflict, and the retry sees the lock and refuses.
 */
export interface LockDoc {
  _id: string;
  applicationId: string;
  at: Date;
}

export async function takeLocks(
  tx: Tx,
  locks: Array<{ key: string; message: string }>,
  applicationId: string,
): Promise<void> {
  for (const lock of locks) {
    const held = await txGet<LockDoc>(tx, 'locks', lock.key);
    if (held && held.applicationId !== applicationId) throw new AppError('DUPLICATE', lock.message);
    await tx.collection('locks').doc(lock.key).set({ applicationId, at: new Date() });
  }
}

export async function releaseLocks(tx: Tx, keys: string[]): Promise<void> {
  for (const key of keys) await tx.collection('locks').doc(key).remove();
}
