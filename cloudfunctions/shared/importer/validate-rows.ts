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
  valid: ImportRow[];
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

const LOOKUP_BATCH = 500;

/** Every problem of every row, without writing anything. */
export async function validateRows(rows: RawRow[], union: UnionDoc, defaultUnitName: string): Promise<Validation> {
  const problems: RowProblem[] = [];
  const candidates: ImportRow[] = [];
  const firstRowOfDoc = new Map<string, number>();
  for (const raw of rows) {
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
    if (own.length) problems.push(...own);
    else candidates.push({ row: raw.row, name, docType: docType as DocumentType, doc: doc as SealedPii, phone: phone as SealedPii, unitName });
  }

  const valid: ImportRow[] = [];
  let willAutoJoin = 0;
  for (let i = 0; i < candidates.length; i += LOOKUP_BATCH) {
    const batch = candidates.slice(i, i + LOOKUP_BATCH);
    const indexes = batch.map((r) => r.doc.index);
    const [members, users] = await Promise.all([
      findMany<MemberDoc>('members', { docIndex: cmd().in(indexes), status: 'active' }, LOOKUP_BATCH * 2, ['_id', 'docIndex', 'unionId', 'realName']),
      findMany<UserDoc>('users', { docIndex: cmd().in(indexes) }, LOOKUP_BATCH, ['_id', 'docIndex']),
    ]);
    const otherUnionIds = [...new Set(members.filter((m) => m.unionId !== union._id).map((m) => m.unionId))];
    const others = otherUnionIds.length ? await findMany<UnionDoc>('unions', { _id: cmd().in(otherUnionIds) }, otherUnionIds.length) : [];
    for (const r of batch) {
      const m = members.find((x) => x.docIndex === r.doc.index);
      if (m && m.unionId === union._id) {
        problems.push({ row: r.row, column: '证件号码', message: `已是本工会会员（${m.realName ? '已实名' : '未实名'}），无需重复导入` });
        continue;
      }
      if (m) {
        const other = others.find((u) => u._id === m.unionId);
        problems.push({ row: r.row, column: '证件号码', message: `已是“${other?.name ?? '其他工会'}”的会员，如需转入本工会请由本人办理会籍转移` });
        continue;
      }
      if (users.some((u) => u.docIndex === r.doc.index)) willAutoJoin += 1;
      valid.push(r);
    }
  }
  problems.sort((a, b) => a.row - b.row);
  // Only the rejected rows are kept as typed, for the report: the rest can be let go.
  const rejected = new Set(problems.map((p) => p.row));
  return { valid, problems, willAutoJoin, rawByRow: new Map(rows.filter((r) => rejected.has(r.row)).map((r) => [r.row, r])) };
}
