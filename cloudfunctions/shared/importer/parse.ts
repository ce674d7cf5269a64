import * as XLSX from 'xlsx';
import { DOCUMENT_TYPE_NAMES, type DocumentType } from '../../../typings/models';
import { AppError } from '../app-error';
import { guardImportFile, IMPORT_LIMITS } from './file-guard';
import { EXAMPLE_MARK, HEADERS, HELP_SHEET } from './template';

/** One data row as the admin typed it, before validation. */
export interface RawRow {
  /** The row number Excel shows. */
  row: number;
  name: string;
  docTypeText: string;
  docNumber: string;
  /** The ID cell was stored as a number: Excel keeps 15 digits, so the number is already damaged. */
  docIsNumber: boolean;
  phone: string;
  unitName: string;
}

type Column = 'name' | 'docType' | 'docNumber' | 'phone' | 'unitName' | 'note';
const HEADER_COLUMNS: Record<string, Column> = {
  姓名: 'name',
  证件类型: 'docType',
  证件号码: 'docNumber',
  身份证号: 'docNumber',
  身份证号码: 'docNumber',
  手机号码: 'phone',
  手机号: 'phone',
  手机: 'phone',
  单位名称: 'unitName',
  单位: 'unitName',
  备注: 'note',
};
const REQUIRED: Column[] = ['name', 'docNumber', 'phone'];

export const DOCUMENT_TYPE_BY_NAME: Record<string, DocumentType> = {
  ...Object.fromEntries(Object.entries(DOCUMENT_TYPE_NAMES).map(([k, v]) => [v, k as DocumentType])),
  身份证: 'resident',
  港澳通行证: 'hkMacaoPermit',
  台胞证: 'taiwanPermit',
  居住证: 'hmtResidence',
};

function cellText(cell: XLSX.CellObject | undefined): string {
  if (!cell || cell.v === undefined || cell.v === null) return '';
  if (cell.t === 'n' && typeof cell.v === 'number') return Number.isInteger(cell.v) ? cell.v.toFixed(0) : String(cell.v);
  return String(cell.w ?? cell.v).trim();
}

/**
 * Hands each data row to `visit` as it is read, so the caller keeps only what it needs of a row
 * rather than the whole sheet twice over. Returns how many rows had content (examples excluded).
 */
export function parseImportFile(buf: Buffer, visit: (row: RawRow) => void): number {
  guardImportFile(buf);
  let book: XLSX.WorkBook;
  try {
    book = XLSX.read(buf, { type: 'buffer', dense: true, sheetRows: IMPORT_LIMITS.maxRows + 2, cellFormula: false, cellHTML: false, cellStyles: false, cellText: false });
  } catch {
    throw new AppError('INVALID_INPUT', '文件已损坏或不是有效的 .xlsx 文件，请用 Excel 打开确认后重新保存再导入', 'file');
  }
  const sheetName = book.SheetNames.find((n) => n !== HELP_SHEET);
  const sheet = sheetName ? book.Sheets[sheetName] : undefined;
  const data = (sheet as unknown as { '!data'?: Array<Array<XLSX.CellObject | undefined> | undefined> } | undefined)?.['!data'] ?? [];
  if (data.length > IMPORT_LIMITS.maxRows + 1) {
    throw new AppError('INVALID_INPUT', `单次最多导入 ${IMPORT_LIMITS.maxRows} 行，请把文件拆分后分批导入`, 'file');
  }
  const header = (data[0] ?? []).map((c) => cellText(c).replace(/[*＊\s]/g, ''));
  if (header.every((h) => h === '')) throw new AppError('INVALID_INPUT', '表格是空的：第 1 行应为表头（姓名、证件类型、证件号码、手机号码、单位名称），请使用导入模板', 'file');
  const columns = new Map<Column, number>();
  header.forEach((h, i) => {
    if (h === '') return;
    const col = HEADER_COLUMNS[h];
    if (!col) throw new AppError('INVALID_INPUT', `第 1 行有无法识别的列“${h}”，请使用导入模板的表头（${HEADERS.join('、')}）`, 'file');
    if (columns.has(col)) throw new AppError('INVALID_INPUT', `第 1 行的列“${h}”重复出现，请删除多余的列`, 'file');
    columns.set(col, i);
  });
  const missing = REQUIRED.filter((c) => !columns.has(c));
  if (missing.length) {
    const names = { name: '姓名', docNumber: '证件号码', phone: '手机号码' } as Record<Column, string>;
    throw new AppError('INVALID_INPUT', `缺少必填列：${missing.map((m) => `“${names[m]}”`).join('、')}，请使用导入模板`, 'file');
  }
  const at = (r: Array<XLSX.CellObject | undefined>, c: Column) => (columns.has(c) ? r[columns.get(c) as number] : undefined);
  let count = 0;
  for (let i = 1; i < data.length; i++) {
    const r = data[i];
    if (!r) continue;
    if (cellText(at(r, 'note')) === EXAMPLE_MARK) continue;
    const docCell = at(r, 'docNumber');
    const row: RawRow = {
      row: i + 1,
      name: cellText(at(r, 'name')),
      docTypeText: cellText(at(r, 'docType')),
      docNumber: cellText(docCell),
      docIsNumber: docCell?.t === 'n',
      phone: cellText(at(r, 'phone')),
      unitName: cellText(at(r, 'unitName')),
    };
    if (!row.name && !row.docNumber && !row.phone && !row.unitName && !row.docTypeText) continue;
    count += 1;
    visit(row);
  }
  if (count === 0) throw new AppError('INVALID_INPUT', '表格中没有会员数据，请从第 2 行开始填写（示例行不会导入）', 'file');
  return count;
}
