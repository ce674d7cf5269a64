import { createHash } from 'node:crypto';
import * as XLSX from 'xlsx';
import type { ImportJobView, ValidationReport } from '../../../typings/importer';
import { holdsRight, requireUnion, type Actor } from '../actor';
import { AppError } from '../app-error';
import { auditInTx } from '../audit';
import { cloudApp } from '../cloud';
import { cmd, db, findById, findMany, isDuplicate, transaction, txGet } from '../db';
import type { MemberDoc, UnionDoc, UserDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { neutraliseCell } from '../membership/service';
import { mayHoldMembers } from '../org/unions';
import { sealIdentity, sealPhone } from '../security/seal';
import { checkFile, heldProblem, lookupHolders, reportRow, type CheckedRow, type FileCheck, type RowProblem } from './validate-rows';

/**
 * Member import as a resumable job. The uploaded file is immutable (its hash is part of the job id),
 * so each call re-reads it and slices the same chunks out of it: nothing but small markers is stored
 * besides the members themselves. Member ids are derived from the job and the row, and a chunk is
 * marked done in the same transaction that moves the counters, so a crash or a second worker never
 * duplicates or loses a row.
 */
export const CHUNK_ROWS = 2000;
/** The same batch size as the floor in `bench/import-worker.ts`, so the comparison is like for like. */
const INSERT_BATCH = 250;
const KEPT_PROBLEMS = 500;

export interface ImportJobDoc {
  _id: string;
  unionId: string;
  fileId: string;
  fileHash: string;
  /** For rows with no unit: fixed at submit so every chunk gets the same value. */
  defaultUnitName: string;
  status: 'running' | 'done';
  /** Rows that passed the file checks: the rows the job works through. */
  total: number;
  rejected: number;
  rejectedRows: RowProblem[];
  reportFileId: string | null;
  chunks: number;
  chunksDone: number;
  rowsDone: number;
  imported: number;
  autoJoined: number;
  skipped: number;
  skippedRows: RowProblem[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** Written with the counters when a chunk is done; keeps that chunk's skipped rows for the final report. */
interface ChunkMarker {
  _id: string;
  jobId: string;
  chunk: number;
  imported: number;
  autoJoined: number;
  skipped: RowProblem[];
}

const markerId = (jobId: string, chunk: number) => `${jobId}:${chunk}`;

function requireImportRight(actor: Actor, union: UnionDoc): void {
  if (!holdsRight(actor, union._id, 'import')) throw new AppError('PERMISSION_DENIED', '只有本级工会管理员或有“会员导入”权限的操作员可以导入会员');
  if (!mayHoldMembers(union)) throw new AppError('INVALID_INPUT', '该工会为基层以上工会，不能直接挂接会员，请由基层工会导入', 'unionId');
}

async function download(fileId: string): Promise<Buffer> {
  try {
    const res = await cloudApp().downloadFile({ fileID: fileId });
    return res.fileContent as Buffer;
  } catch {
    throw new AppError('NOT_FOUND', '找不到上传的文件，请重新选择文件上传', 'fileId');
  }
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** An xlsx of the rejected rows with an error column, for the admin to fix and re-import. */
async function writeReport(unionId: string, problems: RowProblem[], file: FileCheck): Promise<string | null> {
  if (problems.length === 0) return null;
  const byRow = new Map<number, string[]>();
  for (const p of [...problems].sort((a, b) => a.row - b.row)) byRow.set(p.row, [...(byRow.get(p.row) ?? []), `${p.column}：${p.message}`]);
  const table = [['行号', '姓名', '证件类型', '证件号码', '手机号码', '单位名称', '错误原因']];
  for (const [row, messages] of byRow) {
    const r = reportRow(file, row);
    table.push([String(row), r?.name ?? '', r?.docTypeText ?? '', r?.docNumber ?? '', r?.phone ?? '', r?.unitName ?? '', messages.join('；')].map(neutraliseCell));
  }
  const sheet = XLSX.utils.aoa_to_sheet(table.map((r) => r.map((value) => ({ t: 's', v: value }))) as unknown as string[][]);
  sheet['!cols'] = [{ wch: 6 }, { wch: 12 }, { wch: 20 }, { wch: 22 }, { wch: 14 }, { wch: 24 }, { wch: 60 }];
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, '校验报告');
  const up = await cloudApp().uploadFile({
    cloudPath: `imports/${unionId}/report-${Date.now()}.xlsx`,
    fileContent: XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer,
  });
  return up.fileID;
}

async function tempUrl(fileId: string | null): Promise<string> {
  if (!fileId) return '';
  const res = await cloudApp().getTempFileURL({ fileList: [fileId] });
  return res.fileList[0]?.tempFileURL ?? '';
}

const rowCount = (problems: RowProblem[]) => new Set(problems.map((p) => p.row)).size;

/** 校验: a dry run that reports every problem, the database ones included, and writes nothing to the database. */
export async function validateImport(actor: Actor, unionId: string, fileId: string): Promise<ValidationReport> {
  const union = await requireUnion(unionId);
  requireImportRight(actor, union);
  const check = checkFile(await download(fileId), union.unitName);
  const problems = [...check.problems];
  let willAutoJoin = 0;
  for (let i = 0; i < check.valid.length; i += CHUNK_ROWS) {
    const block = check.valid.slice(i, i + CHUNK_ROWS);
    const { standings, unionNames } = await lookupHolders(block, union._id);
    block.forEach((r, k) => {
      const { holder, userId } = standings[k];
      if (holder) problems.push(heldProblem(r.row, holder, union._id, unionNames));
      else if (userId) willAutoJoin += 1;
    });
  }
  problems.sort((a, b) => a.row - b.row);
  const reportFileId = await writeReport(unionId, problems, check);
  return {
    total: check.rowCount,
    valid: check.rowCount - rowCount(problems),
    willAutoJoin,
    problemCount: problems.length,
    problems: problems.slice(0, KEPT_PROBLEMS),
    reportUrl: await tempUrl(reportFileId),
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
export async function submitImport(actor: Actor, unionId: string, fileId: string, ctx: HandlerContext, budgetMs: number): Promise<ImportJobView> {
  const started = Date.now();
  const union = await requireUnion(unionId);
  requireImportRight(actor, union);
  const buf = await download(fileId);
  const fileHash = sha256(buf);
  const jobId = sha256(`${union._id}:${fileHash}`).slice(0, 32);
  const existing = await findById<ImportJobDoc>('importJobs', jobId);
  if (existing) {
    // The same content uploaded again: later calls read the new upload, in case the first was deleted.
    if (existing.status !== 'done' && existing.fileId !== fileId) await db().collection('importJobs').doc(jobId).update({ fileId });
    return resume({ ...existing, fileId }, ctx, started, budgetMs, buf);
  }

  const file = checkFile(buf, union.unitName);
  if (file.valid.length === 0) throw new AppError('INVALID_INPUT', '没有可以导入的行，请按校验报告修改后再提交', 'file');
  const now = new Date();
  const job: ImportJobDoc = {
    _id: jobId,
    unionId: union._id,
    fileId,
    fileHash,
    defaultUnitName: union.unitName,
    status: 'running',
    total: file.valid.length,
    rejected: rowCount(file.problems),
    rejectedRows: file.problems.slice(0, KEPT_PROBLEMS),
    reportFileId: await writeReport(union._id, file.problems, file),
    chunks: Math.ceil(file.valid.length / CHUNK_ROWS),
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
    await transaction(async (tx) => {
      await tx.collection('importJobs').add(job);
      await auditInTx(tx, { actorUserId: actor.user._id, action: 'import:submit', targetType: 'importJob', targetId: jobId, unionId: union._id, detail: { rows: job.total, rejected: job.rejected } }, ctx);
    });
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'DUPLICATE')) throw err; // unless a concurrent submit of the same file got there first
    return continueJob((await findById<ImportJobDoc>('importJobs', jobId)) as ImportJobDoc, file, ctx, started, budgetMs);
  }
  return continueJob(job, file, ctx, started, budgetMs);
}

export async function loadJob(actor: Actor, jobId: string): Promise<ImportJobDoc> {
  const job = await findById<ImportJobDoc>('importJobs', jobId);
  if (!job) throw new AppError('NOT_FOUND', '导入任务不存在');
  if (!holdsRight(actor, job.unionId, 'import')) throw new AppError('PERMISSION_DENIED', '只能查看本工会的导入任务');
  return job;
}

/** Processes pending chunks until the budget is spent; call again to go on. */
export async function runImport(actor: Actor, jobId: string, ctx: HandlerContext, budgetMs: number): Promise<ImportJobView> {
  const started = Date.now();
  return resume(await loadJob(actor, jobId), ctx, started, budgetMs);
}

async function resume(job: ImportJobDoc, ctx: HandlerContext, started: number, budgetMs: number, buf?: Buffer): Promise<ImportJobView> {
  if (job.status === 'done') return jobView(job, await tempUrl(job.reportFileId));
  return continueJob(job, await reread(job, buf), ctx, started, budgetMs);
}

/** The job's file, read again: the same bytes give the same rows, so the same chunks. */
async function reread(job: ImportJobDoc, buf?: Buffer): Promise<FileCheck> {
  const bytes = buf ?? (await download(job.fileId));
  if (sha256(bytes) !== job.fileHash) throw new AppError('CONFLICT', '导入所用的文件已被替换，请重新上传文件后提交', 'fileId');
  return checkFile(bytes, job.defaultUnitName);
}

async function continueJob(start: ImportJobDoc, file: FileCheck, ctx: HandlerContext, started: number, budgetMs: number): Promise<ImportJobView> {
  let job = start;
  // Chunks are done in order, so the first one not done is at chunksDone or just after it (another
  // worker may be on it). The next chunk is planned while this one is written, so the database and
  // this function are busy at the same time; planning only reads, and two chunks never share a person.
  let chunk = job.chunksDone;
  // Every call does at least one chunk, however long reading the file took, so a job always moves.
  const first = chunk;
  const mayStart = (c: number) => job.status !== 'done' && c < job.chunks && (c === first || Date.now() - started < budgetMs);
  let planned = mayStart(chunk) ? planChunk(job, chunk, file) : undefined;
  while (planned) {
    const plan = await planned;
    chunk += 1;
    planned = mayStart(chunk) ? planChunk(job, chunk, file) : undefined;
    // Awaited on the next turn; until then a failure must not count as unhandled.
    planned?.catch(() => undefined);
    if (plan) job = await writeChunk(job, plan, ctx, file);
    if (job.status === 'done') planned = undefined;
  }
  return jobView(job, job.status === 'done' ? await tempUrl(job.reportFileId) : '');
}

function memberIdFor(jobId: string, row: number): string {
  return `mi${jobId.slice(0, 16)}r${row}`;
}

function memberOf(job: ImportJobDoc, r: CheckedRow, now: Date): MemberDoc {
  const phone = sealPhone(r.phone);
  const doc = sealIdentity(r.doc);
  return {
    _id: memberIdFor(job._id, r.row),
    userId: null,
    unionId: job.unionId,
    realName: false,
    status: 'active',
    name: r.name,
    docType: r.doc.type,
    doc,
    docIndex: doc.index,
    phone,
    phoneIndex: phone.index,
    source: 'import',
    unitName: r.unitName,
    joinedAt: now,
    updatedAt: now,
    version: 1,
    importJobId: job._id,
  };
}

/** The whole report at the end: the file's own problems and every row skipped on the way. */
async function finalReport(job: ImportJobDoc, file: FileCheck, lastSkipped: RowProblem[]): Promise<string | null> {
  const markers = await findMany<ChunkMarker>('importChunks', { jobId: job._id, chunk: cmd().lt(job.chunks - 1) }, job.chunks, ['skipped']);
  const skipped = [...markers.flatMap((m) => m.skipped), ...lastSkipped];
  if (skipped.length === 0) return job.reportFileId;
  return writeReport(job.unionId, [...file.problems, ...skipped], file);
}

interface ChunkPlan {
  chunk: number;
  rows: number;
  /** Not-real-name rows, sealed and ready to insert. */
  toInsert: MemberDoc[];
  /** Rows of registered people, to join in a transaction each. */
  toJoin: Array<{ row: number; member: MemberDoc; userId: string }>;
  skipped: RowProblem[];
  /** Rows an earlier, interrupted run of this chunk already wrote. */
  imported: number;
  autoJoined: number;
}

/** Reads who among the chunk's people is already a member or registered, and seals the rest. Writes nothing. */
async function planChunk(job: ImportJobDoc, chunk: number, file: FileCheck): Promise<ChunkPlan | null> {
  const rows = file.valid.slice(chunk * CHUNK_ROWS, (chunk + 1) * CHUNK_ROWS);
  // Both reads go out at once, ahead of the previous chunk's inserts.
  const [marker, { standings, unionNames }] = await Promise.all([findById('importChunks', markerId(job._id, chunk)), lookupHolders(rows, job.unionId)]);
  if (marker) return null;
  const plan: ChunkPlan = { chunk, rows: rows.length, toInsert: [], toJoin: [], skipped: [], imported: 0, autoJoined: 0 };
  const now = new Date();
  rows.forEach((r, i) => {
    const { holder, userId } = standings[i];
    if (holder && holder._id === memberIdFor(job._id, r.row)) {
      if (holder.realName) plan.autoJoined += 1;
      else plan.imported += 1;
    } else if (holder) {
      plan.skipped.push(heldProblem(r.row, holder, job.unionId, unionNames));
    } else if (userId) {
      plan.toJoin.push({ row: r.row, member: memberOf(job, r, now), userId });
    } else {
      plan.toInsert.push(memberOf(job, r, now));
    }
  });
  return plan;
}

/** Inserts a batch; after a crash or beside another worker, adds only what is missing. Returns [imported, autoJoined]. */
async function insertBatch(batch: MemberDoc[]): Promise<[number, number]> {
  try {
    await db().collection('members').add(batch);
    return [batch.length, 0];
  } catch (err) {
    if (!isDuplicate(err)) throw err;
    const present = await findMany<MemberDoc>('members', { _id: cmd().in(batch.map((m) => m._id)) }, batch.length, ['_id', 'realName']);
    const ids = new Set(present.map((m) => m._id));
    const missing = batch.filter((m) => !ids.has(m._id));
    if (missing.length) await db().collection('members').add(missing);
    const joined = present.filter((m) => m.realName).length;
    return [missing.length + present.length - joined, joined];
  }
}

/** Already registered: joined at import time, on the real-name list (spec §三.3 step 3). */
async function joinRegistered(member: MemberDoc, userId: string, now: Date): Promise<boolean> {
  return transaction(async (tx) => {
    const u = await txGet<UserDoc>(tx, 'users', userId);
    if (!u || (u.activeMemberId && u.activeMemberId !== member._id)) return false;
    if (await txGet(tx, 'members', member._id)) return true;
    await tx.collection('members').add({ ...member, userId: u._id, realName: true, name: u.name, phone: u.phone, phoneIndex: u.phoneIndex });
    await tx.collection('users').doc(u._id).update({ activeMemberId: member._id, updatedAt: now });
    return true;
  });
}

/** Writes one planned chunk and marks it done; returns the job as it stands afterwards. */
async function writeChunk(job: ImportJobDoc, plan: ChunkPlan, ctx: HandlerContext, file: FileCheck): Promise<ImportJobDoc> {
  let { imported, autoJoined } = plan;
  const skipped = [...plan.skipped];
  const now = new Date();
  for (const { row, member, userId } of plan.toJoin) {
    if (await joinRegistered(member, userId, now)) autoJoined += 1;
    else skipped.push({ row, column: '证件号码', message: '本人已加入其他工会，如需转入本工会请由本人办理会籍转移' });
  }
  for (let i = 0; i < plan.toInsert.length; i += INSERT_BATCH) {
    const [inserted, joined] = await insertBatch(plan.toInsert.slice(i, i + INSERT_BATCH));
    imported += inserted;
    autoJoined += joined;
  }
  skipped.sort((a, b) => a.row - b.row);
  // The last chunk rewrites the report with every skipped row; all other chunks are done by now.
  const reportFileId = job.chunksDone + 1 === job.chunks ? await finalReport(job, file, skipped) : job.reportFileId;
  return transaction(async (tx) => {
    const j = (await txGet<ImportJobDoc>(tx, 'importJobs', job._id)) as ImportJobDoc;
    if (await txGet(tx, 'importChunks', markerId(job._id, plan.chunk))) return j;
    const union = await txGet<UnionDoc>(tx, 'unions', job.unionId);
    const done = j.chunksDone + 1 === j.chunks;
    const marker: ChunkMarker = { _id: markerId(job._id, plan.chunk), jobId: job._id, chunk: plan.chunk, imported, autoJoined, skipped };
    await tx.collection('importChunks').add(marker);
    const changes: Partial<ImportJobDoc> = {
      chunksDone: j.chunksDone + 1,
      rowsDone: j.rowsDone + plan.rows,
      imported: j.imported + imported,
      autoJoined: j.autoJoined + autoJoined,
      skipped: j.skipped + skipped.length,
      skippedRows: [...j.skippedRows, ...skipped].slice(0, KEPT_PROBLEMS),
      updatedAt: new Date(),
      ...(done ? { status: 'done', finishedAt: new Date(), reportFileId } : {}),
    };
    await tx.collection('importJobs').doc(j._id).update(changes);
    if (union) await tx.collection('unions').doc(union._id).update({ memberCount: union.memberCount + imported + autoJoined });
    if (done) {
      await auditInTx(
        tx,
        { actorUserId: j.createdBy, action: 'import:done', targetType: 'importJob', targetId: j._id, unionId: j.unionId, detail: { imported: changes.imported, autoJoined: changes.autoJoined, rejected: j.rejected, skipped: changes.skipped } },
        ctx,
      );
    }
    return { ...j, ...changes };
  });
}

export async function listJobs(actor: Actor, unionId: string): Promise<ImportJobView[]> {
  if (!holdsRight(actor, unionId, 'import')) throw new AppError('PERMISSION_DENIED', '只能查看本工会的导入任务');
  const res = await db().collection('importJobs').where({ unionId }).orderBy('createdAt', 'desc').limit(20).get();
  return (res.data as ImportJobDoc[]).map((j) => jobView(j));
}

export async function templateUrl(): Promise<{ url: string; fileId: string }> {
  const { buildTemplate } = await import('./template');
  const buf = buildTemplate();
  const hash = createHash('sha256').update(buf).digest('hex').slice(0, 12);
  const up = await cloudApp().uploadFile({ cloudPath: `templates/member-import-template-${hash}.xlsx`, fileContent: buf });
  return { url: await tempUrl(up.fileID), fileId: up.fileID };
}

