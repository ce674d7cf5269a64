import { getHeapStatistics } from 'node:v8';
import { cmd, findMany } from '../db';
import type { MemberDoc, UnionDoc, UserDoc } from '../documents';
import { collectGarbage } from '../memory';
import { piiBatch } from '../security/pii';
import { validateDocument, type ValidDocument } from '../identity/documents';
import { validateName, validatePhone } from '../identity/person';
import { AppError } from '../app-error';
import { ORG_NAME } from '../validate';
import { DOCUMENT_TYPE_NAMES } from '../../../typings/models';
import { asRead, maskedName, nameKey } from './normalise';
import { FirstRows } from './first-rows';
import { DOCUMENT_TYPE_BY_NAME, parseImportFile, type RawRow, type SheetRead } from './parse';
import type { Pause } from './xlsx-stream';

/** A row that passed every check the file alone can answer; sealed only when it is written. */
export interface CheckedRow {
  row: number;
  name: string;
  doc: ValidDocument;
  phone: string;
  unitName: string;
}

export interface RowProblem {
  row: number;
  column: string;
  message: string;
}

export interface FileCheck {
  /** Rows with content, examples excluded. */
  rowCount: number;
  /** Rows that passed every check the file alone can answer: the rows an import job works through. */
  validCount: number;
  /** The sheet that was read and the notices about it (columns left out, other sheets). */
  sheet: SheetRead;
  problems: RowProblem[];
  /** Rows the report shows, by row number: the rejected ones as the admin typed them (valid rows are let go). */
  reportRows: Map<number, RawRow>;
}

/** The validator's message, and what the cell held when cleaning changed it, so the admin sees what was read. */
function message(err: unknown, typed?: string): string {
  if (!(err instanceof AppError)) throw err;
  return typed === undefined || typed.trim() === '' ? err.message : `${err.message}${asRead(typed)}`;
}

/** Lookup by key, keeping the first item of each key (as a linear search would find it). */
export function firstByKey<T>(items: T[], key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) if (!map.has(key(item))) map.set(key(item), item);
  return map;
}

/** The checks of one row that need no database: name, document, phone, unit, duplicates in the file. */
function checkRow(
  raw: RawRow,
  defaultUnitName: string,
  firstRowOfDoc: FirstRows,
  problems: RowProblem[],
): CheckedRow | null {
  const own: RowProblem[] = [];
  let name = '';
  try {
    name = validateName(raw.name);
  } catch (err) {
    own.push({ row: raw.row, column: '姓名', message: message(err, raw.typed?.name ?? raw.name) });
  }
  const docType = raw.docTypeText === '' ? 'resident' : DOCUMENT_TYPE_BY_NAME[raw.docTypeText];
  if (!docType)
    own.push({ row: raw.row, column: '证件类型', message: `证件类型“${raw.docTypeText}”不正确，请从下拉列表中选择` });
  let doc: ValidDocument | undefined;
  if (raw.docIsNumber) {
    own.push({
      row: raw.row,
      column: '证件号码',
      message: '证件号码被 Excel 存成了数字（末尾几位会变成 0），请把该列设为“文本”格式后重新输入',
    });
  } else if (docType) {
    try {
      doc = validateDocument(docType, raw.docNumber);
    } catch (err) {
      own.push({ row: raw.row, column: '证件号码', message: message(err, raw.typed?.docNumber ?? raw.docNumber) });
    }
  }
  let phone = '';
  try {
    phone = validatePhone(raw.phone);
  } catch (err) {
    own.push({ row: raw.row, column: '手机号码', message: message(err, raw.typed?.phone ?? raw.phone) });
  }
  if (doc) {
    // Keyed by what the blind index is computed over, so "the same document" means the same here and in the database.
    const first = firstRowOfDoc.claim(doc.indexKey, raw.row);
    if (first !== undefined) own.push({ row: raw.row, column: '证件号码', message: `与第 ${first} 行的证件号码重复` });
  }
  const unitName = raw.unitName.trim() || defaultUnitName;
  if ([...unitName].length > 60) own.push({ row: raw.row, column: '单位名称', message: '单位名称不能超过 60 个字' });
  else if (!ORG_NAME.test(unitName))
    own.push({ row: raw.row, column: '单位名称', message: '单位名称只能包含汉字、字母、数字、空格和括号等常用符号' });
  if (own.length) {
    problems.push(...own);
    return null;
  }
  return { row: raw.row, name, doc: doc as ValidDocument, phone, unitName };
}

/**
 * One pass over the file, every row checked in file order and handed to `onRow` (with its checked
 * form when it passed, which `onRow` may keep or let go; false stops the pass). Only what the whole
 * file needs is held: the first row of each document (for duplicates, keyed by the document's
 * index key, packed into a table outside the heap), the problems, and the rejected rows when the report needs them.
 * Pure: the same file always gives the same rows in the same order, which is what lets an import
 * job re-derive its chunks from the uploaded file instead of storing them.
 */
async function scanRows(
  buf: Buffer,
  defaultUnitName: string,
  onRow: (raw: RawRow, checked: CheckedRow | null) => boolean | void,
  options: { keepRejected: boolean; pause?: Pause },
): Promise<FileCheck> {
  const problems: RowProblem[] = [];
  const firstRowOfDoc = new FirstRows();
  const reportRows = new Map<number, RawRow>();
  let validCount = 0;
  let seen = 0;
  // A warm container may still hold an earlier call's rows as garbage: free them before the parse peak.
  collectGarbage();
  const sheet = await parseImportFile(
    buf,
    (raw) => {
      // Every pass, 校验's, an import's and the report's, holds its heap down the same way.
      if (++seen % GUARD_ROWS === 0) keepHeapDown();
      const checked = checkRow(raw, defaultUnitName, firstRowOfDoc, problems);
      if (checked) validCount += 1;
      else if (options.keepRejected) reportRows.set(raw.row, raw);
      return onRow(raw, checked);
    },
    options.pause,
  );
  return { rowCount: sheet.rowCount, validCount, sheet, problems, reportRows };
}

/**
 * Every problem the file itself shows, with the rejected rows for the report; `alsoReport` names
 * valid rows the report needs as well (rows the database refused), kept as checked.
 */
export function checkFile(buf: Buffer, defaultUnitName: string, alsoReport?: Set<number>): Promise<FileCheck> {
  const wanted: CheckedRow[] = [];
  return scanRows(
    buf,
    defaultUnitName,
    (_raw, checked) => void (checked && alsoReport?.has(checked.row) && wanted.push(checked)),
    { keepRejected: true },
  ).then((check) => {
    for (const r of wanted) check.reportRows.set(r.row, reportedRow(r));
    return check;
  });
}

/**
 * Heap in use above which a pass collects garbage (looked at every GUARD_ROWS rows). Rows wait in
 * the queue while their chunk's database requests are out, so they outlive a young-generation
 * collection and die in the old one, which V8 lets grow to about twice what is live, and further on
 * a busy machine: at 200,000 rows that alone passed the function's 256 MB. A full collection here
 * (tens of ms, only when the heap is this full) keeps the heap near what is live: about 33 MB at
 * 200,000 rows, the shared strings (13 MB) and the bundled code among it.
 */
const HEAP_GUARD_BYTES = 64 * 1024 * 1024;
/** About a chunk of rows: often enough that the heap cannot run far past the guard between looks. */
const GUARD_ROWS = 2000;

/**
 * Raised after each collection to twice what stayed live, so a process whose live heap is large
 * anyway (many imports at once, or the emulator and its functions in one test process) is not
 * collected at every chunk.
 */
let collectAbove = HEAP_GUARD_BYTES;

function keepHeapDown(): void {
  if (getHeapStatistics().used_heap_size <= collectAbove) return;
  collectGarbage();
  collectAbove = Math.max(HEAP_GUARD_BYTES, 2 * getHeapStatistics().used_heap_size);
}

/** The valid rows of a file in chunks of `size`, read as they are asked for. */
export interface RowChunks {
  /** The next chunk of valid rows, in file order; null after the last. One call at a time. */
  next(): Promise<CheckedRow[] | null>;
  /** The whole file's check, once the last chunk has been read. */
  summary(): Promise<FileCheck>;
  /** Stops reading; the chunks not yet read are let go. */
  close(): void;
}

/**
 * Streams the file's valid rows in chunks: rows flow from the inflater through the SAX parser and
 * the checks into a queue, and the parser waits while a chunk is ready and not yet taken. So the
 * parse of the next chunk overlaps the caller's work on this one (its database requests), and
 * memory holds about one chunk of rows, not the file's.
 */
export function readValidRows(buf: Buffer, defaultUnitName: string, size: number, keepRejected: boolean): RowChunks {
  let queue: CheckedRow[] = [];
  let closed = false;
  let finished = false;
  let failure: unknown;
  // The consumer waiting for a chunk, and the parser waiting for room.
  let wake: (() => void) | undefined;
  let resume: (() => void) | undefined;
  const signal = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const scan = scanRows(
    buf,
    defaultUnitName,
    (_raw, checked) => {
      if (closed) return false;
      if (checked && queue.push(checked) >= size) signal();
      return true;
    },
    {
      keepRejected,
      pause: () => (queue.length >= size && !closed ? new Promise<void>((r) => (resume = r)) : undefined),
    },
  );
  scan.then(
    () => {
      finished = true;
      signal();
    },
    (err: unknown) => {
      failure = err;
      finished = true;
      signal();
    },
  );
  const letParserOn = () => {
    const r = resume;
    resume = undefined;
    r?.();
  };
  return {
    async next() {
      while (queue.length < size && !finished) await new Promise<void>((r) => (wake = r));
      if (failure) throw failure;
      if (queue.length === 0) return null;
      const rows = queue.length === size ? queue : queue.slice(0, size);
      queue = queue.length === size ? [] : queue.slice(size);
      letParserOn();
      return rows;
    },
    summary: () => scan,
    close() {
      closed = true;
      queue = [];
      letParserOn();
    },
  };
}

/** A valid row as the report shows it: as checked. */
export function reportedRow(r: CheckedRow): RawRow {
  return {
    row: r.row,
    name: r.name,
    docTypeText: DOCUMENT_TYPE_NAMES[r.doc.type],
    docNumber: r.doc.number,
    docIsNumber: false,
    phone: r.phone,
    unitName: r.unitName,
  };
}

export type Holder = Pick<MemberDoc, '_id' | 'docIndex' | 'unionId' | 'realName'>;

export interface Standing {
  /** The row's document blind index, as the lookup computed it (sealing the row reuses it). */
  docIndex: string;
  /** The person's active membership, if any. */
  holder?: Holder;
  /** The person's user id, if registered. */
  userId?: string;
  /** The verified name the person registered under. */
  userName?: string;
}

export interface Holders {
  /** One per row, in the order asked. */
  standings: Standing[];
  /** Names of the other unions that hold some of these people, for the messages. */
  unionNames: Map<string, string>;
}

/** CloudBase returns at most 1000 documents to one server-side query. */
const QUERY_LIMIT = 1000;

/** Who among these people is already a member somewhere or registered: two queries per thousand people. */
export async function lookupHolders(rows: CheckedRow[], unionId: string): Promise<Holders> {
  const pii = piiBatch();
  const indexes = rows.map((r) => pii.blindIndex('doc', r.doc.indexKey));
  const slices: string[][] = [];
  for (let i = 0; i < indexes.length; i += QUERY_LIMIT) slices.push(indexes.slice(i, i + QUERY_LIMIT));
  // A person has at most one active membership, so each query returns at most one row per index.
  const [members, users] = await Promise.all([
    Promise.all(
      slices.map((s) =>
        findMany<Holder>('members', { docIndex: cmd().in(s), status: 'active' }, s.length, [
          '_id',
          'docIndex',
          'unionId',
          'realName',
        ]),
      ),
    ),
    Promise.all(
      slices.map((s) =>
        findMany<Pick<UserDoc, '_id' | 'docIndex' | 'name'>>('users', { docIndex: cmd().in(s) }, s.length, [
          '_id',
          'docIndex',
          'name',
        ]),
      ),
    ),
  ]).then(([m, u]) => [firstByKey(m.flat(), (x) => x.docIndex), firstByKey(u.flat(), (x) => x.docIndex)] as const);
  const others = [...new Set([...members.values()].map((m) => m.unionId))].filter((id) => id !== unionId);
  const unions = others.length
    ? await findMany<UnionDoc>('unions', { _id: cmd().in(others) }, others.length, ['_id', 'name'])
    : [];
  return {
    standings: indexes.map((index) => ({
      docIndex: index,
      holder: members.get(index),
      userId: users.get(index)?._id,
      userName: users.get(index)?.name,
    })),
    unionNames: new Map(unions.map((u) => [u._id, u.name])),
  };
}

/** Why a person who already holds a membership cannot be imported into this union. */
export function heldProblem(row: number, holder: Holder, unionId: string, unionNames: Map<string, string>): RowProblem {
  const message =
    holder.unionId === unionId
      ? `已是本工会会员（${holder.realName ? '已实名' : '未实名'}），无需重复导入`
      : `已是“${unionNames.get(holder.unionId) ?? '其他工会'}”的会员，如需转入本工会请由本人办理会籍转移`;
  return { row, column: '证件号码', message };
}

/**
 * A registered person joins only when the row names them: an ID number alone would let any admin
 * enrol any verified person whose number they know. Null when the names agree.
 */
export function identityProblem(row: CheckedRow, registeredName: string): RowProblem | null {
  if (nameKey(row.name) === nameKey(registeredName)) return null;
  return {
    row: row.row,
    column: '姓名',
    message: `该证件号码已由“${maskedName(registeredName)}”实名注册，与本行姓名“${row.name}”不一致，未导入；请核对姓名和证件号码`,
  };
}
