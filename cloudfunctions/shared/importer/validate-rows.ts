import { cmd, findMany } from '../db';
import type { MemberDoc, UnionDoc, UserDoc } from '../documents';
import { collectGarbage } from '../memory';
import { blindIndex } from '../security/pii';
import { validateDocument, type ValidDocument } from '../identity/documents';
import { validateName, validatePhone } from '../identity/person';
import { AppError } from '../app-error';
import { ORG_NAME } from '../validate';
import { DOCUMENT_TYPE_NAMES } from '../../../typings/models';
import { asRead, maskedName, nameKey } from './normalise';
import { DOCUMENT_TYPE_BY_NAME, parseImportFile, type RawRow, type SheetRead } from './parse';

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
  /** The sheet that was read and the notices about it (columns left out, other sheets). */
  sheet: SheetRead;
  /** In file order: chunks of an import job are slices of this list. */
  valid: CheckedRow[];
  problems: RowProblem[];
  /** The rejected rows as the admin typed them, for the report; the valid ones are let go. */
  rejected: Map<number, RawRow>;
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
function checkRow(raw: RawRow, defaultUnitName: string, firstRowOfDoc: Map<string, number>, problems: RowProblem[]): CheckedRow | null {
  const own: RowProblem[] = [];
  let name = '';
  try {
    name = validateName(raw.name);
  } catch (err) {
    own.push({ row: raw.row, column: '姓名', message: message(err, raw.typed?.name ?? raw.name) });
  }
  const docType = raw.docTypeText === '' ? 'resident' : DOCUMENT_TYPE_BY_NAME[raw.docTypeText];
  if (!docType) own.push({ row: raw.row, column: '证件类型', message: `证件类型“${raw.docTypeText}”不正确，请从下拉列表中选择` });
  let doc: ValidDocument | undefined;
  if (raw.docIsNumber) {
    own.push({ row: raw.row, column: '证件号码', message: '证件号码被 Excel 存成了数字（末尾几位会变成 0），请把该列设为“文本”格式后重新输入' });
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
    const first = firstRowOfDoc.get(doc.indexKey);
    if (first !== undefined) own.push({ row: raw.row, column: '证件号码', message: `与第 ${first} 行的证件号码重复` });
    else firstRowOfDoc.set(doc.indexKey, raw.row);
  }
  const unitName = raw.unitName.trim() || defaultUnitName;
  if ([...unitName].length > 60) own.push({ row: raw.row, column: '单位名称', message: '单位名称不能超过 60 个字' });
  else if (!ORG_NAME.test(unitName)) own.push({ row: raw.row, column: '单位名称', message: '单位名称只能包含汉字、字母、数字、空格和括号等常用符号' });
  if (own.length) {
    problems.push(...own);
    return null;
  }
  return { row: raw.row, name, doc: doc as ValidDocument, phone, unitName };
}

/**
 * Every problem the file itself shows. Pure: the same file always gives the same answer, which is
 * what lets an import job re-derive its chunks from the uploaded file instead of storing them.
 */
export async function checkFile(buf: Buffer, defaultUnitName: string): Promise<FileCheck> {
  const problems: RowProblem[] = [];
  const firstRowOfDoc = new Map<string, number>();
  const valid: CheckedRow[] = [];
  const rejected = new Map<number, RawRow>();
  // A warm container may still hold an earlier call's rows as garbage: free them before the parse peak.
  collectGarbage();
  const sheet = await parseImportFile(buf, (raw) => {
    const checked = checkRow(raw, defaultUnitName, firstRowOfDoc, problems);
    if (checked) valid.push(checked);
    else rejected.set(raw.row, raw);
  });
  // The parsed workbook is garbage from here on; the rows kept are a small part of it.
  collectGarbage();
  return { rowCount: sheet.rowCount, sheet, valid, problems, rejected };
}

/** A row as the report shows it: as typed when the file rejected it, as checked when the database did. */
export function reportRow(check: FileCheck, row: number): RawRow | undefined {
  const rejected = check.rejected.get(row);
  if (rejected) return rejected;
  // Valid rows are in row order: a binary search keeps a report of many skipped rows linear.
  let lo = 0;
  let hi = check.valid.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (check.valid[mid].row < row) lo = mid + 1;
    else hi = mid;
  }
  const r = check.valid[lo];
  if (r?.row !== row) return undefined;
  return { row, name: r.name, docTypeText: DOCUMENT_TYPE_NAMES[r.doc.type], docNumber: r.doc.number, docIsNumber: false, phone: r.phone, unitName: r.unitName };
}

export type Holder = Pick<MemberDoc, '_id' | 'docIndex' | 'unionId' | 'realName'>;

export interface Standing {
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
  const indexes = rows.map((r) => blindIndex('doc', r.doc.indexKey));
  const slices: string[][] = [];
  for (let i = 0; i < indexes.length; i += QUERY_LIMIT) slices.push(indexes.slice(i, i + QUERY_LIMIT));
  // A person has at most one active membership, so each query returns at most one row per index.
  const [members, users] = await Promise.all([
    Promise.all(slices.map((s) => findMany<Holder>('members', { docIndex: cmd().in(s), status: 'active' }, s.length, ['_id', 'docIndex', 'unionId', 'realName']))),
    Promise.all(slices.map((s) => findMany<Pick<UserDoc, '_id' | 'docIndex' | 'name'>>('users', { docIndex: cmd().in(s) }, s.length, ['_id', 'docIndex', 'name']))),
  ]).then(([m, u]) => [firstByKey(m.flat(), (x) => x.docIndex), firstByKey(u.flat(), (x) => x.docIndex)] as const);
  const others = [...new Set([...members.values()].map((m) => m.unionId))].filter((id) => id !== unionId);
  const unions = others.length ? await findMany<UnionDoc>('unions', { _id: cmd().in(others) }, others.length, ['_id', 'name']) : [];
  return {
    standings: indexes.map((index) => ({ holder: members.get(index), userId: users.get(index)?._id, userName: users.get(index)?.name })),
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
