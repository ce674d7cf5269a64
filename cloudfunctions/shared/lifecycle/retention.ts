import { createHash } from 'node:crypto';
import { cmd, db } from '../db';

/**
 * How long files and records holding personal data are kept (also in the README). Files with full
 * ID numbers and phones live only as long as the job or download needs them.
 */
export const RETENTION = {
  /** An uploaded member spreadsheet: deleted when its import job ends, or this long after upload if abandoned. */
  uploadHours: 24,
  /** An import error report or a member export: its download window. */
  downloadHours: 24,
  /** Face-check sessions (hold the ID cipher) after they expire. */
  faceSessionHours: 24,
  /** SMS code records after they expire (the per-phone daily limit needs today's). */
  smsCodeHours: 48,
  /** Back-office QR login codes after they expire (they live two minutes; kept an hour for the poll's answer). */
  webLoginHours: 1,
} as const;

export type PiiFileKind = 'importUpload' | 'importReport' | 'export';

export interface PiiFileDoc {
  _id: string;
  fileId: string;
  kind: PiiFileKind;
  unionId: string;
  createdAt: Date;
  deleteAfter: Date;
}

export function piiFileKey(fileId: string): string {
  return createHash('sha256').update(fileId).digest('hex').slice(0, 32);
}

/**
 * Records a stored file that holds personal data, with when it must be gone; the cleanup timer
 * deletes it then. Idempotent per file (re-validating the same upload keeps the first deadline).
 */
export async function trackPiiFile(fileId: string, kind: PiiFileKind, unionId: string): Promise<void> {
  const hours = kind === 'importUpload' ? RETENTION.uploadHours : RETENTION.downloadHours;
  const now = new Date();
  const doc: Omit<PiiFileDoc, '_id'> = {
    fileId,
    kind,
    unionId,
    createdAt: now,
    deleteAfter: new Date(now.getTime() + hours * 3600_000),
  };
  const res = await db()
    .collection('piiFiles')
    .where({ _id: piiFileKey(fileId) })
    .count();
  if (Number(res.total) > 0) return;
  try {
    await db()
      .collection('piiFiles')
      .add({ _id: piiFileKey(fileId), ...doc });
  } catch (err) {
    if ((err as { code?: string }).code !== 'DATABASE_DUPLICATE_WRITE') throw err;
  }
}

/** For the sweep: the ones due now. */
export async function dueFiles(now: Date, limit: number): Promise<PiiFileDoc[]> {
  const res = await db()
    .collection('piiFiles')
    .where({ deleteAfter: cmd().lte(now) })
    .orderBy('deleteAfter', 'asc')
    .limit(limit)
    .get();
  return res.data as PiiFileDoc[];
}
