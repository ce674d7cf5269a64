import { randomBytes } from 'node:crypto';
import { AppError } from './app-error';
import { database } from './cloud';

/** Small helpers over the real SDK, so domain code reads as what it does. */
export function db() {
  return database();
}

export function cmd() {
  return database().command;
}

export type Db = ReturnType<typeof database>;
/** A transaction as runTransaction hands it over: document operations and add only. */
export interface Tx {
  collection(name: string): ReturnType<Db['collection']>;
}

export function newId(): string {
  return randomBytes(12).toString('hex');
}

export async function findById<T>(collection: string, id: string): Promise<T | undefined> {
  const res = await db().collection(collection).doc(id).get();
  return (res.data as T[] | undefined)?.[0];
}

export async function findOne<T>(collection: string, where: Record<string, unknown>): Promise<T | undefined> {
  const res = await db().collection(collection).where(where).limit(1).get();
  return (res.data as T[])[0];
}

/** With a projection, only those fields travel: bulk checks need a few fields of many documents. */
export async function findMany<T>(
  collection: string,
  where: Record<string, unknown>,
  limit = 1000,
  fields?: Array<keyof T & string>,
): Promise<T[]> {
  let query = db().collection(collection).where(where).limit(limit);
  if (fields) query = query.field(Object.fromEntries(fields.map((f) => [f, true])));
  const res = await query.get();
  return res.data as T[];
}

export async function txGet<T>(tx: Tx, collection: string, id: string): Promise<T | undefined> {
  const res = await tx.collection(collection).doc(id).get();
  return (res.data as T | undefined) ?? undefined;
}

/**
 * Runs a multi-document change atomically. A conflict with a concurrent writer is retried with a
 * jittered backoff (the work re-reads what it depends on, so a retry sees the winner's result); an
 * AppError thrown inside rolls everything back and reaches the user as is.
 */
export async function transaction<T>(work: (tx: Tx) => Promise<T>, maxAttempts = 30): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await db().runTransaction(work as never, 0)) as T;
    } catch (err) {
      if (err instanceof AppError) throw err;
      const code = (err as { code?: string }).code;
      if (code === 'DATABASE_TRANSACTION_CONFLICT') {
        if (attempt >= maxAttempts) throw new AppError('CONFLICT');
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
        continue;
      }
      if (code === 'DATABASE_DUPLICATE_WRITE') throw new AppError('DUPLICATE');
      throw err;
    }
  }
}

export function isDuplicate(err: unknown): boolean {
  return (err as { code?: string }).code === 'DATABASE_DUPLICATE_WRITE';
}
