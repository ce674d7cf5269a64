import { AppError } from '../app-error';
import { cmd, db, isDuplicate } from '../db';

/**
 * Fixed-window counters for abuse limits (SMS per caller, global SMS rate, face checks per caller,
 * refused-call logging). A slot is taken by one guarded increment (`n < limit`), never by reading
 * the count first, so 50 parallel requests against a limit of 10 let exactly 10 through.
 */
export interface Window {
  /** Counter name, e.g. `sms:caller:<openid>`. */
  key: string;
  limit: number;
  /** Window length; windows start at multiples of it (offset for China-day windows). */
  seconds: number;
  /** Shifts window starts, e.g. 8 h so a 1-day window resets at midnight in China. */
  offsetSeconds?: number;
}

interface CounterDoc {
  _id: string;
  n: number;
  expiresAt: Date;
}

function windowId(w: Window, now: number): { id: string; end: Date } {
  const offset = (w.offsetSeconds ?? 0) * 1000;
  const start = Math.floor((now + offset) / (w.seconds * 1000)) * w.seconds * 1000 - offset;
  return { id: `${w.key}:${start}`, end: new Date(start + w.seconds * 1000) };
}

/** Takes one slot of the window; false when the window is full. */
export async function takeSlot(w: Window, now = Date.now()): Promise<boolean> {
  const { id, end } = windowId(w, now);
  const coll = db().collection('rateCounters');
  const guarded = () => coll.where({ _id: id, n: cmd().lt(w.limit) }).update({ n: cmd().inc(1) });
  if (Number((await guarded()).updated) === 1) return true;
  try {
    const doc: CounterDoc = { _id: id, n: 1, expiresAt: end };
    await coll.add(doc);
    return w.limit >= 1;
  } catch (err) {
    if (!isDuplicate(err)) throw err;
  }
  // Someone else created the window between our two steps: take a slot in it the guarded way.
  return Number((await guarded()).updated) === 1;
}

/** Takes a slot or refuses with the caller-facing message. */
export async function requireSlot(w: Window, message: string): Promise<void> {
  if (!(await takeSlot(w))) throw new AppError('RATE_LIMITED', message);
}

export const CHINA_DAY = { seconds: 86_400, offsetSeconds: 8 * 3600 } as const;
