import { cmd, findMany } from '../db';
import type { MemberDoc, SealedPii, UnionDoc, UserDoc } from '../documents';
import { validateDocument } from '../identity/documents';
import { validateName, validatePhone } from '../identity/person';
import { AppError } from '../app-error';
import { ORG_NAME } from '../validate';
import { sealIdentity, sealPhone } from '../security/seal';
import type { DocumentType } from '../../../typings/models';
import { DOCUMENT_TYPE_BY_NAME, type RawRow } from './parse';

/** A row ready to become a member, personal data already sealed. */
export interface ImportRow {
  row: number;
  name: string;
  docType: DocumentType;
  doc: SealedPii;
  phone: SealedPii;
  unitName: string;
}

export interface RowProblem {
  row: number;
  column: string;
  message: string;
}

export interface Validation {
  validCount: number;
  problems: RowProblem[];
  /** Valid rows whose person is already registered: they join at once (spec §三.3 step 3). */
  willAutoJoin: number;
  /** The rejected rows as the admin typed them, for the report. */
  rawByRow: Map<number, RawRow>;
}

function message(err: unknown): string {
  if (err instanceof AppError) return err.message;
  throw err;
}

/** Lookup by key, keeping the first item of each key (as a linear search would find it). */
export function firstByKey<T>(items: T[], key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) if (!map.has(key(item))) map.set(key(item), item);
  return map;
}

/** Rows are checked and handed on a block at a time, so a 100k-row file never holds every sealed row at once. */
export const BLOCK_ROWS = 500;

/** The checks of one row that need no database: name, document, phone, unit, duplicates in the file. */
function checkRow(raw: RawRow, defaultUnitName: string, firstRowOfDoc: Map<string, number>, problems: RowProblem[]): ImportRow | null {
  const own: RowProblem[] = [];
  let name = '';
  try {
    name = validateName(raw.name);
  } catch (err) {
    own.push({ row: raw.row, column: '姓名', message: message(err) });
  }
  const docType = raw.docTypeText === '' ? 'resident' : DOCUMENT_TYPE_BY_NAME[raw.docTypeText];
  if (!docType) own.push({ row: raw.row, column: '证件类型', message: `证件类型“${raw.docTypeText}”不正确，请从下拉列表中选择` });
  let doc: SealedPii | undefined;
  if (raw.docIsNumber) {
    own.push({ row: raw.row, column: '证件号码', message: '证件号码被 Excel 存成了数字（末尾几位会变成 0），请把该列设为“文本”格式后重新输入' });
  } else if (docType) {
    try {
      doc = sealIdentity(validateDocument(docType, raw.docNumber));
    } catch (err) {
      own.push({ row: raw.row, column: '证件号码', message: message(err) });
    }
  }
  let phone: SealedPii | undefined;
  try {
    phone = sealPhone(validatePhone(raw.phone));
  } catch (err) {
    own.push({ row: raw.row, column: '手机号码', message: message(err) });
  }
  if (doc) {
    const first = firstRowOfDoc.get(doc.index);
    if (first !== undefined) own.push({ row: raw.row, column: '证件号码', message: `与第 ${first} 行的证件号码重复` });
    else firstRowOfDoc.set(doc.index, raw.row);
  }
  const unitName = raw.unitName.trim() || defaultUnitName;
  if ([...unitName].length > 60) own.push({ row: raw.row, column: '单位名称', message: '单位名称不能超过 60 个字' });
  else if (!ORG_NAME.test(unitName)) own.push({ row: raw.row, column: '单位名称', message: '单位名称只能包含汉字、字母、数字、空格和括号等常用符号' });
  if (own.length) {
    problems.push(...own);
    return null;
  }
  return { row: raw.row, name, docType: docType as DocumentType, doc: doc as SealedPii, phone: phone as SealedPii, unitName };
}

/**
 * Every problem of every row. Nothing is written here; `sink`, when given, receives the valid rows
 * in blocks of at most BLOCK_ROWS (the import stores them as it goes).
 */
export async function validateRows(rows: RawRow[], union: UnionDoc, defaultUnitName: string, sink?: (valid: ImportRow[]) => Promise<void>): Promise<Validation> {
  const problems: RowProblem[] = [];
  const firstRowOfDoc = new Map<string, number>();
  let validCount = 0;
  let willAutoJoin = 0;
  const otherUnionNames = new Map<string, string>();
  for (let i = 0; i < rows.length; i += BLOCK_ROWS) {
    const candidates = rows.slice(i, i + BLOCK_ROWS).flatMap((raw) => checkRow(raw, defaultUnitName, firstRowOfDoc, problems) ?? []);
    if (candidates.length === 0) continue;
    const indexes = candidates.map((r) => r.doc.index);
    const [members, users] = await Promise.all([
      findMany<MemberDoc>('members', { docIndex: cmd().in(indexes), status: 'active' }, BLOCK_ROWS * 2, ['_id', 'docIndex', 'unionId', 'realName']),
      findMany<UserDoc>('users', { docIndex: cmd().in(indexes) }, BLOCK_ROWS, ['_id', 'docIndex']),
    ]);
    const unknown = [...new Set(members.map((m) => m.unionId))].filter((id) => id !== union._id && !otherUnionNames.has(id));
    if (unknown.length) for (const u of await findMany<UnionDoc>('unions', { _id: cmd().in(unknown) }, unknown.length, ['_id', 'name'])) otherUnionNames.set(u._id, u.name);
    const holders = firstByKey(members, (m) => m.docIndex);
    const registered = new Set(users.map((u) => u.docIndex));
    const valid: ImportRow[] = [];
    for (const r of candidates) {
      const m = holders.get(r.doc.index);
      if (m && m.unionId === union._id) {
        problems.push({ row: r.row, column: '证件号码', message: `已是本工会会员（${m.realName ? '已实名' : '未实名'}），无需重复导入` });
      } else if (m) {
        problems.push({ row: r.row, column: '证件号码', message: `已是“${otherUnionNames.get(m.unionId) ?? '其他工会'}”的会员，如需转入本工会请由本人办理会籍转移` });
      } else {
        if (registered.has(r.doc.index)) willAutoJoin += 1;
        valid.push(r);
      }
    }
    validCount += valid.length;
    if (sink && valid.length) await sink(valid);
  }
  problems.sort((a, b) => a.row - b.row);
  // Only the rejected rows are kept as typed, for the report: the rest can be let go.
  const rejected = new Set(problems.map((p) => p.row));
  return { validCount, problems, willAutoJoin, rawByRow: new Map(rows.filter((r) => rejected.has(r.row)).map((r) => [r.row, r])) };
}
