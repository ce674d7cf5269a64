import type { CleanupReport } from '../../../typings/system';
import { cloudApp } from '../cloud';
import { cmd, db } from '../db';
import type { ImportJobDoc } from '../importer/chunks';
import { dueFiles, piiFileKey, RETENTION } from './retention';

/** Work per run, so one run stays well inside the function timeout; the next run takes the rest. */
const BATCH = 100;

async function deleteStored(fileIds: string[]): Promise<number> {
  if (!fileIds.length) return 0;
  const res = await cloudApp().deleteFile({ fileList: fileIds });
  // A file already gone counts as deleted: the goal is that it does not exist.
  return (res.fileList ?? []).length;
}

type JobFiles = Pick<ImportJobDoc, '_id' | 'fileId' | 'reportFileId' | 'status' | 'finishedAt' | 'createdAt'> & {
  fileDeletedAt?: Date;
  reportDeletedAt?: Date;
};

/** Removes the collection's records whose `field` is before `cutoff`; returns how many. */
async function removeBefore(collection: string, field: string, cutoff: Date): Promise<number> {
  const res = await db()
    .collection(collection)
    .where({ [field]: cmd().lt(cutoff) })
    .remove();
  return Number(res.deleted ?? 0);
}

/**
 * The PII lifecycle sweep the timer runs (every hour): uploaded spreadsheets of ended import jobs,
 * uploads abandoned for 24 h, error reports and exports past their download window, expired face
 * sessions and SMS codes, and spent rate counters.
 */
export async function sweep(now = new Date()): Promise<CleanupReport> {
  const _ = cmd();
  const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3600_000);
  const jobs = db().collection('importJobs');
  const report: CleanupReport = {
    uploads: 0,
    reports: 0,
    files: 0,
    faceSessions: 0,
    smsCodes: 0,
    rateCounters: 0,
    webLogins: 0,
    importChecks: 0,
  };

  // Uploaded spreadsheets: when the job has ended, or abandoned after RETENTION.uploadHours.
  const uploadCutoff = hoursAgo(RETENTION.uploadHours);
  const ended = (
    await jobs
      .where({ status: _.neq('running'), fileDeletedAt: _.exists(false) })
      .limit(BATCH)
      .get()
  ).data as JobFiles[];
  const abandoned = (
    await jobs
      .where({ status: 'running', createdAt: _.lt(uploadCutoff), fileDeletedAt: _.exists(false) })
      .limit(BATCH)
      .get()
  ).data as JobFiles[];
  for (const job of [...ended, ...abandoned]) {
    await deleteStored([job.fileId]);
    await jobs.doc(job._id).update({ fileDeletedAt: now });
    await db()
      .collection('piiFiles')
      .where({ _id: piiFileKey(job.fileId) })
      .remove();
    report.uploads++;
  }

  // Error reports of finished jobs, after the download window.
  const reportCutoff = hoursAgo(RETENTION.downloadHours);
  const reported = (
    await jobs
      .where({ reportFileId: _.neq(null), finishedAt: _.lt(reportCutoff), reportDeletedAt: _.exists(false) })
      .limit(BATCH)
      .get()
  ).data as JobFiles[];
  for (const job of reported) {
    if (!job.reportFileId) continue;
    await deleteStored([job.reportFileId]);
    await jobs.doc(job._id).update({ reportDeletedAt: now, reportFileId: null });
    await db()
      .collection('piiFiles')
      .where({ _id: piiFileKey(job.reportFileId) })
      .remove();
    report.reports++;
  }

  // Tracked files (exports, dry-run reports, uploads that never became a job) past their deadline.
  const due = await dueFiles(now, BATCH);
  if (due.length) {
    await deleteStored(due.map((f) => f.fileId));
    await db()
      .collection('piiFiles')
      .where({ _id: _.in(due.map((f) => f.fileId).map(piiFileKey)) })
      .remove();
    report.files = due.length;
  }

  report.faceSessions = await removeBefore('faceSessions', 'expiresAt', hoursAgo(RETENTION.faceSessionHours));
  report.smsCodes = await removeBefore('smsCodes', 'expiresAt', hoursAgo(RETENTION.smsCodeHours));
  report.rateCounters = await removeBefore('rateCounters', 'expiresAt', now);
  report.webLogins = await removeBefore('webLogins', 'expiresAt', hoursAgo(RETENTION.webLoginHours));
  report.importChecks = await removeBefore('importChecks', 'checkedAt', uploadCutoff);
  return report;
}
