import { createHash } from 'node:crypto';
import * as XLSX from 'xlsx';
import type { ImportJobView, ValidationReport } from '../../../typings/importer';
import { holdsRight, requireUnion, type Actor } from '../actor';
import { AppError } from '../app-error';
import { audit, auditInTx } from '../audit';
import { cloudApp } from '../cloud';
import { cmd, db, findById, findMany, isDuplicate, transaction, txGet } from '../db';
import type { MemberDoc, UnionDoc, UserDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { neutraliseCell } from '../membership/service';
import { mayHoldMembers } from '../org/unions';
import { parseImportFile } from './parse';
import { firstByKey, validateRows, type ImportRow, type RowProblem, type Validation } from './validate-rows';

/**
 * Member import as a resumable job. Submit validates and stores the rows in chunks; each `run`
 * processes chunks within a time budget well inside a function timeout. Member ids are derived
 * from the job and the row, and a chunk is marked done in the same transaction that moves the
 * counters, so a crash or a second worker never duplicates or loses a row.
 */
export const CHUNK_ROWS = 500;
const INSERT_BATCH = 250;
const KEPT_PROBLEMS = 500;

export interface ImportJobDoc {
  _id: string;
  unionId: string;
  fileId: string;
  fileHash: string;
  status: 'running' | 'done';
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

/** Rows of one chunk; written once and never rewritten (a big document). */
interface ChunkDoc {
  _id: string;
  jobId: string;
  chunk: number;
  rows: ImportRow[];
}

/** A chunk is done when its small marker exists: `<chunk id>:done`, written with the counters. */
const doneMarker = (chunkId: string) => `${chunkId}:done`;

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

async function check(union: UnionDoc, buf: Buffer, sink?: (valid: ImportRow[]) => Promise<void>): Promise<Validation> {
  return validateRows(parseImportFile(buf).rows, union, union.unitName, sink);
}

/** An xlsx of the rejected rows with an error column, for the admin to fix and re-import. */
async function writeReport(unionId: string, v: Validation): Promise<string | null> {
  if (v.problems.length === 0) return null;
  const byRow = new Map<number, string[]>();
  for (const p of v.problems) byRow.set(p.row, [...(byRow.get(p.row) ?? []), `${p.column}：${p.message}`]);
  const rows = [['行号', '姓名', '证件类型', '证件号码', '手机号码', '单位名称', '错误原因']];
  for (const [row, messages] of byRow) {
    const raw = v.rawByRow.get(row);
    rows.push([String(row), raw?.name ?? '', raw?.docTypeText ?? '', raw?.docNumber ?? '', raw?.phone ?? '', raw?.unitName ?? '', messages.join('；')].map(neutraliseCell));
  }
  const sheet = XLSX.utils.aoa_to_sheet(rows.map((r) => r.map((value) => ({ t: 's', v: value }))) as unknown as string[][]);
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

/** 校验: a dry run that reports every problem and writes nothing to the database. */
export async function validateImport(actor: Actor, unionId: string, fileId: string): Promise<ValidationReport> {
  const union = await requireUnion(unionId);
  requireImportRight(actor, union);
  const validation = await check(union, await download(fileId));
  const reportFileId = await writeReport(unionId, validation);
  return {
    total: validation.validCount + new Set(validation.problems.map((p) => p.row)).size,
    valid: validation.validCount,
    willAutoJoin: validation.willAutoJoin,
    problemCount: validation.problems.length,
    problems: validation.problems.slice(0, KEPT_PROBLEMS),
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

/** 提交: the same file for the same union is the same job, so a re-submit changes nothing. */
export async function submitImport(actor: Actor, unionId: string, fileId: string, ctx: HandlerContext, budgetMs: number): Promise<ImportJobView> {
  const union = await requireUnion(unionId);
  requireImportRight(actor, union);
  const buf = await download(fileId);
  const fileHash = createHash('sha256').update(buf).digest('hex');
  const jobId = createHash('sha256').update(`${union._id}:${fileHash}`).digest('hex').slice(0, 32);
  const existing = await findById<ImportJobDoc>('importJobs', jobId);
  if (existing) return runImport(actor, jobId, ctx, budgetMs);

  // Valid rows are stored in chunks as validation goes, chunks first and the job last: a crash in
  // between leaves no job, and the re-submit rewrites the same chunk ids.
  let chunks = 0;
  let pending: ImportRow[] = [];
  const flush = async (rows: ImportRow[]) => {
    const chunk: Omit<ChunkDoc, '_id'> = { jobId, chunk: chunks, rows };
    await db().collection('importRows').doc(`${jobId}:${chunks}`).set(chunk);
    chunks += 1;
  };
  const validation = await check(union, buf, async (valid) => {
    pending = pending.concat(valid);
    while (pending.length >= CHUNK_ROWS) {
      await flush(pending.slice(0, CHUNK_ROWS));
      pending = pending.slice(CHUNK_ROWS);
    }
  });
  if (pending.length) await flush(pending);
  if (validation.validCount === 0) throw new AppError('INVALID_INPUT', '没有可以导入的行，请按校验报告修改后再提交', 'file');
  const now = new Date();
  const job: ImportJobDoc = {
    _id: jobId,
    unionId: union._id,
    fileId,
    fileHash,
    status: 'running',
    total: validation.validCount,
    rejected: new Set(validation.problems.map((p) => p.row)).size,
    rejectedRows: validation.problems.slice(0, KEPT_PROBLEMS),
    reportFileId: await writeReport(union._id, validation),
    chunks,
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
    await db().collection('importJobs').add(job);
    await audit({ actorUserId: actor.user._id, action: 'import:submit', targetType: 'importJob', targetId: jobId, unionId: union._id, detail: { rows: job.total, rejected: job.rejected } }, ctx);
  } catch (err) {
    if (!isDuplicate(err)) throw err; // a concurrent submit of the same file got there first
  }
  return runImport(actor, jobId, ctx, budgetMs);
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
  let job = await loadJob(actor, jobId);
  // Chunks are done in order, so the first one not done is at chunksDone or just after it
  // (another worker may be on it); reading by id keeps each step to one small lookup.
  let next = job.chunksDone;
  while (job.status !== 'done' && next < job.chunks && Date.now() - started < budgetMs) {
    const id = `${jobId}:${next}`;
    next += 1;
    if (await findById('importRows', doneMarker(id))) continue;
    const chunk = await findById<ChunkDoc>('importRows', id);
    if (!chunk) continue;
    await processChunk(job, chunk, ctx);
    job = (await findById<ImportJobDoc>('importJobs', jobId)) as ImportJobDoc;
  }
  return jobView(job, job.status === 'done' ? await tempUrl(job.reportFileId) : '');
}

function memberIdFor(jobId: string, row: number): string {
  return `mi${jobId.slice(0, 16)}r${row}`;
}

export async function processChunk(job: ImportJobDoc, chunk: ChunkDoc, ctx: HandlerContext): Promise<void> {
  const rows = chunk.rows;
  const ids = rows.map((r) => memberIdFor(job._id, r.row));
  const indexes = rows.map((r) => r.doc.index);
  const [members, users] = await Promise.all([
    findMany<MemberDoc>('members', { docIndex: cmd().in(indexes), status: 'active' }, rows.length * 2, ['_id', 'docIndex', 'unionId']),
    findMany<UserDoc>('users', { docIndex: cmd().in(indexes) }, rows.length, ['_id', 'docIndex']),
  ]);
  const holders = firstByKey(members, (m) => m.docIndex);
  const registered = firstByKey(users, (u) => u.docIndex);
  const skipped: RowProblem[] = [];
  const toInsert: MemberDoc[] = [];
  const now = new Date();
  for (const [i, r] of rows.entries()) {
    const id = ids[i];
    const holder = holders.get(r.doc.index);
    if (holder && holder._id !== id) {
      skipped.push({ row: r.row, column: '证件号码', message: holder.unionId === job.unionId ? '已是本工会会员' : '导入期间已加入其他工会' });
      continue;
    }
    if (holder) continue; // written by an earlier, interrupted run
    const user = registered.get(r.doc.index);
    const base: MemberDoc = {
      _id: id,
      userId: null,
      unionId: job.unionId,
      realName: false,
      status: 'active',
      name: r.name,
      docType: r.docType,
      doc: r.doc,
      docIndex: r.doc.index,
      phone: r.phone,
      phoneIndex: r.phone.index,
      source: 'import',
      unitName: r.unitName,
      joinedAt: now,
      updatedAt: now,
      version: 1,
      importJobId: job._id,
    };
    if (!user) {
      toInsert.push(base);
      continue;
    }
    // Already registered: joined at import time, on the real-name list (spec §三.3 step 3).
    const joined = await transaction(async (tx) => {
      const u = await txGet<UserDoc>(tx, 'users', user._id);
      if (!u || (u.activeMemberId && u.activeMemberId !== id)) return false;
      if (await txGet(tx, 'members', id)) return true;
      await tx.collection('members').add({ ...base, userId: u._id, realName: true, name: u.name, phone: u.phone, phoneIndex: u.phoneIndex });
      await tx.collection('users').doc(u._id).update({ activeMemberId: id, updatedAt: now });
      return true;
    });
    if (!joined) skipped.push({ row: r.row, column: '证件号码', message: '本人已加入其他工会' });
  }
  for (let i = 0; i < toInsert.length; i += INSERT_BATCH) {
    const batch = toInsert.slice(i, i + INSERT_BATCH);
    try {
      await db().collection('members').add(batch);
    } catch (err) {
      if (!isDuplicate(err)) throw err;
      // Another worker (or a run before a crash) wrote some of these: add only what is missing.
      const present = new Set((await findMany<MemberDoc>('members', { _id: cmd().in(batch.map((m) => m._id)) }, batch.length, ['_id'])).map((m) => m._id));
      const missing = batch.filter((m) => !present.has(m._id));
      if (missing.length) await db().collection('members').add(missing);
    }
  }
  // Count what is there now, not what this run wrote, so a resumed chunk still counts every row.
  const written = await findMany<MemberDoc>('members', { _id: cmd().in(ids) }, ids.length, ['_id', 'realName']);
  const imported = written.filter((m) => !m.realName).length;
  const autoJoined = written.filter((m) => m.realName).length;
  await transaction(async (tx) => {
    if (await txGet(tx, 'importRows', doneMarker(chunk._id))) return;
    const j = (await txGet<ImportJobDoc>(tx, 'importJobs', job._id)) as ImportJobDoc;
    const union = await txGet<UnionDoc>(tx, 'unions', job.unionId);
    const done = j.chunksDone + 1 === j.chunks;
    await tx.collection('importRows').add({ _id: doneMarker(chunk._id), jobId: job._id, chunk: chunk.chunk, done: true, imported, autoJoined });
    await tx.collection('importJobs').doc(job._id).update({
      chunksDone: j.chunksDone + 1,
      rowsDone: j.rowsDone + rows.length,
      imported: j.imported + imported,
      autoJoined: j.autoJoined + autoJoined,
      skipped: j.skipped + skipped.length,
      skippedRows: [...j.skippedRows, ...skipped].slice(0, KEPT_PROBLEMS),
      updatedAt: new Date(),
      ...(done ? { status: 'done', finishedAt: new Date() } : {}),
    });
    if (union) await tx.collection('unions').doc(union._id).update({ memberCount: union.memberCount + imported + autoJoined });
    if (done) {
      await auditInTx(
        tx,
        { actorUserId: j.createdBy, action: 'import:done', targetType: 'importJob', targetId: j._id, unionId: j.unionId, detail: { imported: j.imported + imported, autoJoined: j.autoJoined + autoJoined, rejected: j.rejected, skipped: j.skipped + skipped.length } },
        ctx,
      );
    }
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

