import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ImportJobView, ValidationReport } from '../../../typings/importer';
import { holdsRight, requireUnion, type Actor } from '../actor';
import { AppError } from '../app-error';
import { auditInTx } from '../audit';
import { cloudApp } from '../cloud';
import { db, findById, newId } from '../db';
import { RETENTION } from '../lifecycle/retention';
import type { UnionDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { mayHoldMembers } from '../org/unions';
import { CHUNK_ROWS, chunkRowsOf, commitChunk, insertChunk, planChunk, type ImportJobDoc } from './chunks';
import { IMPORT_LIMITS, refuseOversize } from './file-guard';
import { retriedTransaction, retrying } from '../retry';
import { KEPT_PROBLEMS, tempUrl, writeReport } from './report';
import {
  checkFile,
  heldProblem,
  identityProblem,
  lookupHolders,
  readValidRows,
  reportedRow,
  type FileCheck,
  type RowChunks,
  type RowProblem,
} from './validate-rows';

/**
 * Member import as a resumable job. The uploaded file is immutable (its hash is part of the job id),
 * so each call re-reads it and cuts the same chunks out of it: nothing but small markers is stored
 * besides the members themselves. The rows stream from the file into chunks as they are written; no
 * call holds the file's rows.
 */

function requireImportRight(actor: Actor, union: UnionDoc): void {
  if (!holdsRight(actor, union._id, 'import'))
    throw new AppError('PERMISSION_DENIED', '只有本级工会管理员或有“会员导入”权限的操作员可以导入会员');
  if (!mayHoldMembers(union))
    throw new AppError('INVALID_INPUT', '该工会为基层以上工会，不能直接挂接会员，请由基层工会导入', 'unionId');
}

const NO_FILE = () => new AppError('NOT_FOUND', '找不到上传的文件，请重新选择文件上传', 'fileId');

/**
 * The uploaded file. Its size is read from the response headers (the stored object's metadata)
 * before any of the body, and counted again while the body streams in, so an oversized upload is
 * refused without being downloaded.
 */
async function download(fileId: string): Promise<Buffer> {
  const { fileList } = await retrying(() => cloudApp().getTempFileURL({ fileList: [{ fileID: fileId, maxAge: 600 }] }));
  const url = fileList[0]?.code === 'SUCCESS' ? fileList[0].tempFileURL : '';
  if (!url) throw NO_FILE();
  return retrying(async () => {
    let res: Response;
    try {
      res = await fetch(encodeURI(url));
    } catch (err) {
      throw Object.assign(new Error('download failed'), { code: 'STORAGE_REQUEST_FAIL', cause: err });
    }
    if (res.status === 404) throw NO_FILE();
    if (!res.ok || !res.body)
      throw Object.assign(new Error(`download status ${res.status}`), { code: 'STORAGE_REQUEST_FAIL' });
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > IMPORT_LIMITS.maxFileBytes) {
      await res.body.cancel();
      refuseOversize(declared);
    }
    // Read into one buffer of the declared size, not parts and then their concatenation: the file is held once.
    let whole = Buffer.allocUnsafe(declared);
    let size = 0;
    const reader = res.body.getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      if (size + part.value.length > IMPORT_LIMITS.maxFileBytes) {
        await reader.cancel().catch(() => undefined);
        refuseOversize(size + part.value.length);
      }
      if (size + part.value.length > whole.length)
        whole = Buffer.concat(
          [whole.subarray(0, size)],
          Math.min(IMPORT_LIMITS.maxFileBytes, Math.max(whole.length * 2, size + part.value.length)),
        );
      whole.set(part.value, size);
      size += part.value.length;
    }
    return whole.subarray(0, size);
  });
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const rowCount = (problems: RowProblem[]) => new Set(problems.map((p) => p.row)).size;

/**
 * 校验: a dry run that reports every problem, the database ones included, and writes nothing to the
 * database but its count of the file, for 提交. One pass: each chunk of valid rows is looked up while
 * the parser reads the next.
 */
export async function validateImport(actor: Actor, unionId: string, fileId: string): Promise<ValidationReport> {
  const union = await retrying(() => requireUnion(unionId));
  requireImportRight(actor, union);
  const bytes = await download(fileId);
  const reader = readValidRows(bytes, union.unitName, CHUNK_ROWS, true);
  const found: RowProblem[] = [];
  const foundRows: ReturnType<typeof reportedRow>[] = [];
  let willAutoJoin = 0;
  try {
    for (let block = await reader.next(); block; block = await reader.next()) {
      const rows = block;
      const { standings, unionNames } = await retrying(() => lookupHolders(rows, union._id));
      rows.forEach((r, k) => {
        const { holder, userId, userName } = standings[k];
        const mismatch = userId ? identityProblem(r, userName ?? '') : null;
        const problem = holder ? heldProblem(r.row, holder, union._id, unionNames) : mismatch;
        if (problem) {
          found.push(problem);
          foundRows.push(reportedRow(r));
        } else if (userId) willAutoJoin += 1;
      });
    }
  } finally {
    reader.close();
  }
  const check = await reader.summary();
  const hash = sha256(bytes);
  remember(hash, union.unitName, check);
  // Only saves 提交 a reading of the file: if it cannot be stored, 提交 counts the rows itself.
  await retrying(() => keepCheck(union, hash, check)).catch(() => undefined);
  const problems = [...check.problems, ...found].sort((a, b) => a.row - b.row);
  const rows = new Map(check.reportRows);
  for (const r of foundRows) rows.set(r.row, r);
  const reportFileId = await retrying(() => writeReport(unionId, problems, rows));
  return {
    sheetName: check.sheet.sheetName,
    notices: check.sheet.notices,
    total: check.rowCount,
    valid: check.rowCount - rowCount(problems),
    willAutoJoin,
    problemCount: problems.length,
    problems: problems.slice(0, KEPT_PROBLEMS),
    reportUrl: await retrying(() => tempUrl(reportFileId)),
  };
}

export function jobView(job: ImportJobDoc, reportUrl = ''): ImportJobView {
  return {
    jobId: job._id,
    status: job.status,
    total: job.total,
    rowsDone: job.rowsDone,
    percent: job.total === 0 ? 100 : Math.floor((job.rowsDone / job.total) * 100),
    imported: job.imported,
    autoJoined: job.autoJoined,
    skipped: job.skipped,
    rejected: job.rejected,
    rejectedRows: [...job.rejectedRows, ...job.skippedRows].sort((a, b) => a.row - b.row).slice(0, KEPT_PROBLEMS),
    sheetName: job.sheetName ?? '',
    notices: job.notices ?? [],
    reportUrl,
    createdAt: new Date(job.createdAt).toISOString(),
    finishedAt: job.finishedAt ? new Date(job.finishedAt).toISOString() : null,
  };
}

/**
 * 提交: the same file for the same union is the same job, so a re-submit changes nothing. Rows the
 * file itself rejects are counted here; people already in a union are found (and skipped) as their
 * chunk is written, so that answer is never older than the write.
 */
export async function submitImport(
  actor: Actor,
  unionId: string,
  fileId: string,
  ctx: HandlerContext,
  budgetMs: number,
): Promise<ImportJobView> {
  const started = Date.now();
  const union = await retrying(() => requireUnion(unionId));
  requireImportRight(actor, union);
  const buf = await download(fileId);
  const fileHash = sha256(buf);
  const jobId = sha256(`${union._id}:${fileHash}`).slice(0, 32);
  const existing = await retrying(() => findById<ImportJobDoc>('importJobs', jobId));
  if (existing) {
    // The same content uploaded again: later calls read the new upload, in case the first was deleted.
    if (existing.status !== 'done' && existing.fileId !== fileId)
      await retrying(() => db().collection('importJobs').doc(jobId).update({ fileId }));
    return resume({ ...existing, fileId }, ctx, started, budgetMs, buf);
  }

  const file = await checkedFile(buf, fileHash, union);
  if (file.validCount === 0) throw new AppError('INVALID_INPUT', '没有可以导入的行，请按校验报告修改后再提交', 'file');
  const now = new Date();
  const job: ImportJobDoc = {
    _id: jobId,
    unionId: union._id,
    fileId,
    fileHash,
    defaultUnitName: union.unitName,
    status: 'running',
    total: file.validCount,
    rejected: file.rejected,
    rejectedRows: file.rejectedRows,
    sheetName: file.sheetName,
    notices: file.notices,
    reportFileId: file.reportFileId,
    chunkRows: CHUNK_ROWS,
    chunks: Math.ceil(file.validCount / CHUNK_ROWS),
    chunksDone: 0,
    rowsDone: 0,
    imported: 0,
    autoJoined: 0,
    skipped: 0,
    skippedRows: [],
    createdBy: actor.user._id,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
  };
  try {
    await retriedTransaction(async (tx) => {
      await tx.collection('importJobs').add(job);
      await auditInTx(
        tx,
        {
          actorUserId: actor.user._id,
          action: 'import:submit',
          targetType: 'importJob',
          targetId: jobId,
          unionId: union._id,
          detail: { rows: job.total, rejected: job.rejected },
        },
        ctx,
      );
    });
  } catch (err) {
    // A concurrent submit of the same file got there first, or an earlier attempt's answer was lost.
    if (!(err instanceof AppError && err.code === 'DUPLICATE')) throw err;
    return continueJob(
      (await retrying(() => findById<ImportJobDoc>('importJobs', jobId))) as ImportJobDoc,
      buf,
      ctx,
      started,
      budgetMs,
    );
  }
  return continueJob(job, buf, ctx, started, budgetMs);
}

async function loadJob(actor: Actor, jobId: string): Promise<ImportJobDoc> {
  const job = await retrying(() => findById<ImportJobDoc>('importJobs', jobId));
  if (!job) throw new AppError('NOT_FOUND', '导入任务不存在');
  if (!holdsRight(actor, job.unionId, 'import')) throw new AppError('PERMISSION_DENIED', '只能查看本工会的导入任务');
  return job;
}

/** Processes pending chunks until the budget is spent; call again to go on. */
export async function runImport(
  actor: Actor,
  jobId: string,
  ctx: HandlerContext,
  budgetMs: number,
): Promise<ImportJobView> {
  const started = Date.now();
  return resume(await loadJob(actor, jobId), ctx, started, budgetMs);
}

async function resume(
  job: ImportJobDoc,
  ctx: HandlerContext,
  started: number,
  budgetMs: number,
  buf?: Buffer,
): Promise<ImportJobView> {
  if (job.status === 'done') return jobView(job, await retrying(() => tempUrl(job.reportFileId)));
  return continueJob(job, buf, ctx, started, budgetMs);
}

/** The job's file, read again and checked to be the same bytes (the same bytes give the same rows, so the same chunks). */
async function reread(job: ImportJobDoc): Promise<Buffer> {
  const bytes = await download(job.fileId);
  if (sha256(bytes) !== job.fileHash)
    throw new AppError('CONFLICT', '导入所用的文件已被替换，请重新上传文件后提交', 'fileId');
  return bytes;
}

/**
 * The last file checked in this container (its problems and counts, not its rows). The check is
 * pure, so the same bytes (by hash) and the same default unit give the same answer: 提交 after 校验
 * in a warm container does not read the sheet again just to count it.
 */
let lastChecked: { key: string; check: FileCheck } | undefined;

function remember(hash: string, defaultUnitName: string, check: FileCheck): void {
  lastChecked = { key: `${hash}:${defaultUnitName}`, check };
}

/**
 * 校验's count of a file, kept for 提交 in whichever container takes it (a cold one would otherwise
 * read all the rows once to count them before writing any). Counts and sheet notes only, nothing
 * personal; swept after a day (lifecycle/cleanup.ts). The key holds this function's own code, so a
 * count made by other code (a deploy between 校验 and 提交) is never used.
 */
export interface ImportCheckDoc {
  _id: string;
  unionId: string;
  validCount: number;
  /** Rows the file itself rejects. */
  rejected: number;
  sheetName: string;
  notices: string[];
  checkedAt: Date;
}

/** This function's code as deployed (its bundle, or this file under ts-node): read when first needed, not at start. */
let codeHash: string | undefined;
function ownCodeHash(): string {
  if (codeHash === undefined) {
    try {
      codeHash = sha256(readFileSync(__filename));
    } catch {
      codeHash = newId();
    }
  }
  return codeHash;
}

const checkIdOf = (union: UnionDoc, hash: string) => sha256(`${ownCodeHash()}:${union._id}:${hash}:${union.unitName}`);

async function keepCheck(union: UnionDoc, hash: string, check: FileCheck): Promise<void> {
  const doc: Omit<ImportCheckDoc, '_id'> = {
    unionId: union._id,
    validCount: check.validCount,
    rejected: rowCount(check.problems),
    sheetName: check.sheet.sheetName,
    notices: check.sheet.notices,
    checkedAt: new Date(),
  };
  await db().collection('importChecks').doc(checkIdOf(union, hash)).set(doc);
}

/** What 提交 needs to start a job. From a stored count, the rejected rows are listed (and reported) at the end. */
interface SubmitCheck {
  validCount: number;
  rejected: number;
  rejectedRows: RowProblem[];
  sheetName: string;
  notices: string[];
  reportFileId: string | null;
}

async function checkedFile(bytes: Buffer, hash: string, union: UnionDoc): Promise<SubmitCheck> {
  let check = lastChecked?.key === `${hash}:${union.unitName}` ? lastChecked.check : undefined;
  if (!check) {
    const kept = await retrying(() => findById<ImportCheckDoc>('importChecks', checkIdOf(union, hash)));
    if (kept && Date.now() - new Date(kept.checkedAt).getTime() < RETENTION.uploadHours * 3600_000)
      return { ...kept, rejectedRows: [], reportFileId: null };
    lastChecked = undefined;
    check = await checkFile(bytes, union.unitName);
    remember(hash, union.unitName, check);
  }
  const { problems, reportRows } = check;
  return {
    validCount: check.validCount,
    rejected: rowCount(problems),
    rejectedRows: problems.slice(0, KEPT_PROBLEMS),
    sheetName: check.sheet.sheetName,
    notices: check.sheet.notices,
    reportFileId: await retrying(() => writeReport(union._id, problems, reportRows)),
  };
}

/**
 * Where the last call on a job stopped reading, kept in the container: the bytes and the row stream
 * positioned at the next chunk, so a warm container's next `run` goes on from there instead of
 * reading the file again from the top. Any other job (or a cold container) starts a stream of its own.
 */
let suspended: { jobId: string; chunk: number; bytes: Buffer; reader: RowChunks } | undefined;

/** The job's valid rows from chunk `chunk` on, and the file they come from. */
async function rowsFrom(
  job: ImportJobDoc,
  chunk: number,
  submitted?: Buffer,
): Promise<{ bytes: Buffer; reader: RowChunks }> {
  const held = suspended;
  suspended = undefined;
  if (held?.jobId === job._id && held.chunk <= chunk) {
    for (let c = held.chunk; c < chunk; c++) await held.reader.next();
    return held;
  }
  held?.reader.close();
  // A re-submit passes the bytes it already hashed to find this job; otherwise they are fetched and checked.
  const bytes = submitted ?? (await reread(job));
  const reader = readValidRows(bytes, job.defaultUnitName, chunkRowsOf(job), false);
  // Chunks done by earlier calls are read past (checked, for the duplicates, but not written).
  for (let c = 0; c < chunk; c++) await reader.next();
  return { bytes, reader };
}

async function continueJob(
  start: ImportJobDoc,
  submitted: Buffer | undefined,
  ctx: HandlerContext,
  started: number,
  budgetMs: number,
): Promise<ImportJobView> {
  let job = start;
  // Chunks are committed in order, so the first one not done is at chunksDone or just after it
  // (another worker may be on it). Three chunks are in hand at once: one is planned (reads only),
  // the next one's rows are inserted, and the one before is committed, so the database and this
  // function are busy at the same time; two chunks never share a person.
  let chunk = job.chunksDone;
  const { bytes, reader } = await rowsFrom(job, chunk, submitted);
  let keepReader = false;
  try {
    // Every call does at least one chunk, however long reading the file took, so a job always moves.
    const first = chunk;
    const mayStart = (c: number) =>
      job.status !== 'done' && c < job.chunks && (c === first || Date.now() - started < budgetMs);
    // Rows are taken from the stream once; planning only reads, so a transient failure is simply planned again.
    const planNext = async (c: number) => {
      const rows = await reader.next();
      if (!rows) throw new AppError('CONFLICT', '导入所用的文件与任务不符，请重新上传文件后提交', 'fileId');
      return retrying(() => planChunk(job, c, rows));
    };
    let planned = mayStart(chunk) ? planNext(chunk) : undefined;
    let committing: Promise<ImportJobDoc> | undefined;
    try {
      while (planned) {
        const plan = await planned;
        chunk += 1;
        planned = mayStart(chunk) ? planNext(chunk) : undefined;
        // Awaited on the next turn; until then a failure must not count as unhandled.
        planned?.catch(() => undefined);
        // This chunk's rows go in while the chunk before is committed.
        const [before, rows] = await Promise.allSettled([committing, plan && insertChunk(job, plan)]);
        committing = undefined;
        if (before.status === 'rejected') throw before.reason;
        if (rows.status === 'rejected') throw rows.reason;
        job = before.value ?? job;
        // No plan: another worker finished that chunk, and the counters it moved are read back.
        committing =
          plan && rows.value
            ? commitChunk(job, plan, rows.value, ctx, bytes)
            : retrying(() => findById<ImportJobDoc>('importJobs', job._id)).then((j) => j ?? job);
        committing.catch(() => undefined);
        if (!planned || job.status === 'done') {
          job = await committing;
          committing = undefined;
          if (job.status === 'done') planned = undefined;
        }
      }
    } catch (err) {
      // The call answers only once nothing of it is still writing: nothing lands after the admin is told it failed.
      await committing?.catch(() => undefined);
      throw err;
    }
    keepReader = job.status !== 'done';
  } finally {
    if (keepReader) suspended = { jobId: job._id, chunk, bytes, reader };
    else reader.close();
  }
  return jobView(job, job.status === 'done' ? await retrying(() => tempUrl(job.reportFileId)) : '');
}

export async function listJobs(actor: Actor, unionId: string): Promise<ImportJobView[]> {
  if (!holdsRight(actor, unionId, 'import')) throw new AppError('PERMISSION_DENIED', '只能查看本工会的导入任务');
  const res = await retrying(() =>
    db().collection('importJobs').where({ unionId }).orderBy('createdAt', 'desc').limit(20).get(),
  );
  return (res.data as ImportJobDoc[]).map((j) => jobView(j));
}

export async function templateUrl(): Promise<{ url: string; fileId: string }> {
  const { buildTemplate } = await import('./template');
  const buf = buildTemplate();
  const hash = sha256(buf).slice(0, 12);
  const up = await cloudApp().uploadFile({
    cloudPath: `templates/member-import-template-${hash}.xlsx`,
    fileContent: buf,
  });
  return { url: await tempUrl(up.fileID), fileId: up.fileID };
}
