import { AppError } from '../app-error';
import { auditInTx } from '../audit';
import { cmd, db, findById, findMany, isDuplicate, newId, txGet } from '../db';
import { addMembers, foldMemberCount } from '../org/member-count';
import { rowPii, type MemberDoc, type UnionDoc, type UserDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { sealer } from '../security/seal';
import { KEPT_PROBLEMS, writeReport } from './report';
import { retriedTransaction, retrying } from '../retry';
import {
  checkFile,
  heldProblem,
  identityProblem,
  lookupHolders,
  type CheckedRow,
  type RowProblem,
} from './validate-rows';
import { rollupMembers } from '../org/rollup';
import { memberSearchTokens, withSearchTokens } from '../membership/search-tokens';

/**
 * The chunks of an import job. A chunk is a fixed slice of the file's valid rows (chunk k is valid
 * rows k·chunkRows onwards, in file order), so any call can re-derive it from the (immutable) file.
 * Member ids are derived from the job and the row, and a chunk is marked done in the same
 * transaction that moves the job's counters, so a crash or a second worker never duplicates or loses
 * a row.
 *
 * Rows per chunk for new jobs. Each chunk costs about 25 small requests besides its inserts (lookups,
 * the marker's transaction, roll-ups): with 4,000 rather than 2,000 a 100k-row import took 13.9 s
 * instead of 15.3–17.6 s (`npm run bench -- import`); with 10,000 the function peaked at 269 MB.
 */
export const CHUNK_ROWS = 4000;
/** Jobs from before the size was kept in the job were cut into 2,000-row chunks. */
const FORMER_CHUNK_ROWS = 2000;
export const chunkRowsOf = (job: Pick<ImportJobDoc, 'chunkRows'>) => job.chunkRows ?? FORMER_CHUNK_ROWS;
/** The same batch size as the floor in `bench/import-worker.ts`, so the comparison is like for like. */
const INSERT_BATCH = 250;
/**
 * Inserts in flight at once: while the database stores one batch, the next is serialised and sent,
 * so neither side waits for the other. Two are enough for that; more only queue at the database.
 */
const INSERTS_IN_FLIGHT = 2;

export interface ImportJobDoc {
  _id: string;
  unionId: string;
  fileId: string;
  fileHash: string;
  /** Valid rows per chunk, fixed at submit (absent: 2,000, from before it was kept). */
  chunkRows?: number;
  /** For rows with no unit: fixed at submit so every chunk gets the same value. */
  defaultUnitName: string;
  /** The sheet read and the notices about it; absent on jobs from before they were kept. */
  sheetName?: string;
  notices?: string[];
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
  /** Which call wrote it: a retry after a lost answer knows the chunk's roll-up is its own to add. */
  writer?: string;
}

const markerId = (jobId: string, chunk: number) => `${jobId}:${chunk}`;

function memberIdFor(jobId: string, row: number): string {
  return `mi${jobId.slice(0, 16)}r${row}`;
}

function memberOf(
  job: ImportJobDoc,
  r: CheckedRow,
  docIndex: string,
  now: Date,
  seal: ReturnType<typeof sealer>,
): MemberDoc {
  const sealedPhone = seal.phone(r.phone);
  const sealedDoc = seal.identity(r.doc, docIndex);
  const [doc, phone] = [rowPii(sealedDoc), rowPii(sealedPhone)];
  // The tokens are made before the row rather than added to a copy of it: a hundred thousand rows.
  return {
    _id: memberIdFor(job._id, r.row),
    userId: null,
    unionId: job.unionId,
    realName: false,
    status: 'active',
    name: r.name,
    docType: r.doc.type,
    doc,
    docIndex: sealedDoc.index,
    phone,
    phoneIndex: sealedPhone.index,
    source: 'import',
    unitName: r.unitName,
    joinedAt: now,
    updatedAt: now,
    version: 1,
    importJobId: job._id,
    searchTokens: memberSearchTokens({ name: r.name, docType: r.doc.type, doc, phone }),
  };
}

/**
 * The whole report at the end: the file's own problems and every row skipped on the way. The file is
 * read once more only when rows were skipped, or when the job was started from 校验's stored count
 * (so its rejected rows have not been listed yet). Returns the report and, when the file was read,
 * its first rejected rows for the job.
 */
async function finalReport(
  job: ImportJobDoc,
  bytes: Buffer,
  lastSkipped: RowProblem[],
): Promise<{ reportFileId: string | null; rejectedRows?: RowProblem[] }> {
  const markers = await findMany<ChunkMarker>(
    'importChunks',
    { jobId: job._id, chunk: cmd().lt(job.chunks - 1) },
    job.chunks,
    ['skipped'],
  );
  const skipped = [...markers.flatMap((m) => m.skipped), ...lastSkipped];
  const unlisted = job.rejected > 0 && job.rejectedRows.length === 0;
  if (skipped.length === 0 && !unlisted) return { reportFileId: job.reportFileId };
  const file = await checkFile(bytes, job.defaultUnitName, new Set(skipped.map((p) => p.row)));
  return {
    reportFileId: await writeReport(job.unionId, [...file.problems, ...skipped], file.reportRows),
    rejectedRows: file.problems.slice(0, KEPT_PROBLEMS),
  };
}

export interface ChunkPlan {
  chunk: number;
  rows: number;
  /**
   * Not-real-name rows to insert: sealed batch by batch as they are sent, so a planned chunk holds
   * rows, not 2000 sealed documents waiting their turn (fewer objects for each young-generation GC to copy).
   */
  toInsert: Array<{ row: CheckedRow; docIndex: string }>;
  /** When the chunk was planned: every member of the chunk joins at the same time. */
  now: Date;
  /** Rows of registered people, to join in a transaction each. */
  toJoin: Array<{ row: CheckedRow; member: MemberDoc; userId: string }>;
  skipped: RowProblem[];
  /** Rows an earlier, interrupted run of this chunk already wrote. */
  imported: number;
  autoJoined: number;
}

/** Reads who among the chunk's people is already a member or registered, and seals the rest. Writes nothing. */
export async function planChunk(job: ImportJobDoc, chunk: number, rows: CheckedRow[]): Promise<ChunkPlan | null> {
  // Both reads go out at once, ahead of the previous chunk's inserts.
  const [marker, { standings, unionNames }] = await Promise.all([
    findById('importChunks', markerId(job._id, chunk)),
    lookupHolders(rows, job.unionId),
  ]);
  if (marker) return null;
  const now = new Date();
  const plan: ChunkPlan = {
    chunk,
    rows: rows.length,
    toInsert: [],
    now,
    toJoin: [],
    skipped: [],
    imported: 0,
    autoJoined: 0,
  };
  const seal = sealer();
  rows.forEach((r, i) => {
    const { docIndex, holder, userId, userName } = standings[i];
    const mismatch = userId ? identityProblem(r, userName ?? '') : null;
    if (holder && holder._id === memberIdFor(job._id, r.row)) {
      if (holder.realName) plan.autoJoined += 1;
      else plan.imported += 1;
    } else if (holder) {
      plan.skipped.push(heldProblem(r.row, holder, job.unionId, unionNames));
    } else if (mismatch) {
      plan.skipped.push(mismatch);
    } else if (userId) {
      plan.toJoin.push({ row: r, member: memberOf(job, r, docIndex, now, seal), userId });
    } else {
      plan.toInsert.push({ row: r, docIndex });
    }
  });
  return plan;
}

/**
 * Inserts a batch; after a crash or beside another worker, adds only what is missing (again, if the
 * other worker added more meanwhile). Returns [imported, autoJoined].
 */
async function insertBatch(batch: MemberDoc[]): Promise<[number, number]> {
  let pending = batch;
  let joined = 0;
  for (let attempt = 1; pending.length > 0; attempt++) {
    try {
      await db().collection('members').add(pending);
      break;
    } catch (err) {
      if (!isDuplicate(err) || attempt >= 5) throw err;
      const present = await findMany<MemberDoc>(
        'members',
        { _id: cmd().in(pending.map((m) => m._id)) },
        pending.length,
        ['_id', 'realName'],
      );
      const ids = new Set(present.map((m) => m._id));
      joined += present.filter((m) => m.realName).length;
      pending = pending.filter((m) => !ids.has(m._id));
    }
  }
  return [batch.length - joined, joined];
}

/**
 * Already registered: joined at import time, on the real-name list (spec §三.3 step 3), and only
 * when the row names the person (checked again here, against the user as this transaction reads it).
 */
async function joinRegistered(
  row: CheckedRow,
  member: MemberDoc,
  userId: string,
  now: Date,
): Promise<RowProblem | null> {
  return retriedTransaction(async (tx) => {
    const u = await txGet<UserDoc>(tx, 'users', userId);
    if (!u) return { row: row.row, column: '证件号码', message: '该人员的注册信息已不存在，请核对后重新导入' };
    const mismatch = identityProblem(row, u.name);
    if (mismatch) return mismatch;
    if (u.activeMemberId && u.activeMemberId !== member._id)
      return { row: row.row, column: '证件号码', message: '本人已加入其他工会，如需转入本工会请由本人办理会籍转移' };
    if (await txGet(tx, 'members', member._id)) return null;
    await tx.collection('members').add(
      withSearchTokens({
        ...member,
        userId: u._id,
        realName: true,
        name: u.name,
        phone: rowPii(u.phone),
        phoneIndex: u.phoneIndex,
      }),
    );
    await tx.collection('users').doc(u._id).update({ activeMemberId: member._id, updatedAt: now });
    return null;
  });
}

/** What writing a chunk's rows came to, for its marker. */
export interface ChunkWritten {
  imported: number;
  autoJoined: number;
  skipped: RowProblem[];
}

/**
 * Writes one planned chunk's rows: the registered people joined one by one, the rest inserted in
 * batches. Marks nothing: `commitChunk` does, after the chunk before it is committed.
 */
export async function insertChunk(job: ImportJobDoc, plan: ChunkPlan): Promise<ChunkWritten> {
  let { imported, autoJoined } = plan;
  const skipped = [...plan.skipped];
  const now = new Date();
  for (const { row, member, userId } of plan.toJoin) {
    const refused = await joinRegistered(row, member, userId, now);
    if (refused) skipped.push(refused);
    else autoJoined += 1;
  }
  // Batches are taken in order by a few lanes; each batch's ids are its own, so the order they land in
  // does not matter. After a failure no lane takes another batch, and the call answers only once every
  // lane has stopped: nothing is written after the admin has been told the call failed.
  let next = 0;
  let failed = false;
  const seal = sealer();
  const lane = async () => {
    for (let i = next; i < plan.toInsert.length && !failed; i = next) {
      next += INSERT_BATCH;
      const batch = plan.toInsert
        .slice(i, i + INSERT_BATCH)
        .map((r) => memberOf(job, r.row, r.docIndex, plan.now, seal));
      try {
        const [inserted, joined] = await retrying(() => insertBatch(batch));
        imported += inserted;
        autoJoined += joined;
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = await Promise.allSettled(Array.from({ length: INSERTS_IN_FLIGHT }, lane));
  for (const l of lanes) if (l.status === 'rejected') throw l.reason;
  return { imported, autoJoined, skipped };
}

/**
 * Marks a written chunk done, with the job's counters, in one transaction; then rolls its members up.
 * Chunks are committed in order (the job's `chunksDone` is where a later call goes on), so the caller
 * commits a chunk only after the one before it. Returns the job as it stands afterwards.
 */
export async function commitChunk(
  job: ImportJobDoc,
  plan: ChunkPlan,
  written: ChunkWritten,
  ctx: HandlerContext,
  bytes: Buffer,
): Promise<ImportJobDoc> {
  const { imported, autoJoined } = written;
  const skipped = [...written.skipped].sort((a, b) => a.row - b.row);
  // The last chunk rewrites the report with every skipped row; all other chunks are done by now.
  const report =
    job.chunksDone + 1 === job.chunks
      ? await retrying(() => finalReport(job, bytes, skipped))
      : { reportFileId: job.reportFileId };
  // A retry after a lost answer finds this chunk's marker and reads the job back; so does a worker
  // whose marker insert lost the race to another's.
  const writer = newId();
  let committed = false;
  const after = await retriedTransaction(async (tx) => {
    const j = (await txGet<ImportJobDoc>(tx, 'importJobs', job._id)) as ImportJobDoc;
    const existing = await txGet<ChunkMarker>(tx, 'importChunks', markerId(job._id, plan.chunk));
    if (existing) {
      committed = existing.writer === writer;
      return j;
    }
    const union = await txGet<UnionDoc>(tx, 'unions', job.unionId);
    const done = j.chunksDone + 1 === j.chunks;
    const marker: ChunkMarker = {
      _id: markerId(job._id, plan.chunk),
      jobId: job._id,
      chunk: plan.chunk,
      imported,
      autoJoined,
      skipped,
      writer,
    };
    await tx.collection('importChunks').add(marker);
    const changes: Partial<ImportJobDoc> = {
      chunksDone: j.chunksDone + 1,
      rowsDone: j.rowsDone + plan.rows,
      imported: j.imported + imported,
      autoJoined: j.autoJoined + autoJoined,
      skipped: j.skipped + skipped.length,
      skippedRows: [...j.skippedRows, ...skipped].slice(0, KEPT_PROBLEMS),
      updatedAt: new Date(),
      ...(done ? { status: 'done', finishedAt: new Date(), ...report } : {}),
    };
    await tx.collection('importJobs').doc(j._id).update(changes);
    if (union) await addMembers(tx, union._id, imported + autoJoined);
    if (done) {
      await auditInTx(
        tx,
        {
          actorUserId: j.createdBy,
          action: 'import:done',
          targetType: 'importJob',
          targetId: j._id,
          unionId: j.unionId,
          detail: {
            imported: changes.imported,
            autoJoined: changes.autoJoined,
            rejected: j.rejected,
            skipped: changes.skipped,
          },
        },
        ctx,
      );
    }
    committed = true;
    return { ...j, ...changes };
  }).catch(async (err) => {
    if (!(err instanceof AppError && err.code === 'DUPLICATE')) throw err;
    return (await retrying(() => findById<ImportJobDoc>('importJobs', job._id))) as ImportJobDoc;
  });
  // Only the worker whose marker landed counts the chunk, so a retried chunk is rolled up once.
  if (committed) await rollupMembers(job.unionId, { notRealName: imported, realName: autoJoined }, plan.now);
  await foldMemberCount(job.unionId, 3, { hotToo: after.status === 'done' });
  return after;
}
