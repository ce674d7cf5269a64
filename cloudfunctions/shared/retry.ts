import { AppError } from './app-error';
import { transaction, type Tx } from './db';

/**
 * Transient failures of the database or storage: the request did not go through (or its answer was
 * lost) and the same request a moment later will. Everything the importer retries is idempotent
 * (ids derived from the job and row, chunk markers, re-reads in transactions), so a retry after an
 * answer was lost finds the work done rather than doing it twice. The roll-ups' `$inc` are not: a
 * retry after a lost answer counts twice, which `npm run check` reports and `--repair` mends
 * (statistics, not limits; without the retry a committed join would answer 系统繁忙).
 */
const TRANSIENT_CODES = new Set([
  'SYS_ERR',
  'STORAGE_REQUEST_FAIL',
  'DATABASE_REQUEST_FAILED',
  'DATABASE_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

export function isTransient(err: unknown): boolean {
  if (err instanceof AppError) return false;
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  return TRANSIENT_CODES.has(String(e?.code)) || TRANSIENT_CODES.has(String(e?.cause?.code));
}

/** At 5 % failing requests, six attempts leave about one in 60 million single requests failing. */
const ATTEMPTS = 6;
/**
 * A transaction is a dozen or more requests, and any one failing aborts the whole: at 5 % per request
 * a 15-request transaction fails about half the time, so six attempts would still lose one in 40.
 * Fourteen leave about one in 20,000; the capped backoff keeps them within a few seconds.
 */
const TRANSACTION_ATTEMPTS = 14;
const MAX_BACKOFF_MS = 400;

export async function retrying<T>(work: () => Promise<T>, attempts = ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts || !isTransient(err)) throw err;
      // Jittered backoff: 10, 20, 40 … ms up to a cap, so a brief outage passes and retries do not line up.
      await new Promise((r) => setTimeout(r, Math.min(MAX_BACKOFF_MS, (5 + Math.random() * 5) * 2 ** attempt)));
    }
  }
}

/** A transaction that is run again, whole, after a transient failure (conflicts are retried inside). */
export function retriedTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  return retrying(() => transaction(work), TRANSACTION_ATTEMPTS);
}
