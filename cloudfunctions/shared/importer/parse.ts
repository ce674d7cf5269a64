import * as XLSX from 'xlsx';
import { DOCUMENT_TYPE_NAMES, type DocumentType } from '../../../typings/models';
import { AppError } from '../app-error';
import { csvSheet } from './csv-stream';
import { guardImportFile, IMPORT_LIMITS } from './file-guard';
import { xlsxSheets, type Pause, type SheetRow, type SheetSource } from './xlsx-stream';
import { cleanDocNumber, cleanHeader, cleanPhone, cleanText } from './normalise';
import { EXAMPLE_MARK, HELP_SHEET } from './template';

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
  /** The cells as they were in the file, where cleaning changed them: quoted when a value is still wrong. */
  typed?: Partial<Record<'name' | 'docNumber' | 'phone', string>>;
}

/** Which sheet was read and what was left out of it, for the admin to see beside the counts. */
export interface SheetRead {
  sheetName: string;
  notices: string[];
  rowCount: number;
}

type Column = 'name' | 'docType' | 'docNumber' | 'phone' | 'unitName' | 'note';
/** The template's headers and the names admins' own sheets give the same columns. */
const HEADER_COLUMNS: Record<string, Column> = {
  姓名: 'name',
  会员姓名: 'name',
  证件类型: 'docType',
  证件种类: 'docType',
  证件号码: 'docNumber',
  证件号: 'docNumber',
  证件编号: 'docNumber',
  身份证: 'docNumber',
  身份证号: 'docNumber',
  身份证号码: 'docNumber',
  手机号码: 'phone',
  手机号: 'phone',
  手机: 'phone',
  联系电话: 'phone',
  电话: 'phone',
  电话号码: 'phone',
  联系方式: 'phone',
  单位名称: 'unitName',
  单位: 'unitName',
  工作单位: 'unitName',
  所在单位: 'unitName',
  备注: 'note',
};
const REQUIRED: Column[] = ['name', 'docNumber', 'phone'];
const COLUMN_NAMES: Record<Column, string> = {
  name: '姓名',
  docType: '证件类型',
  docNumber: '证件号码',
  phone: '手机号码',
  unitName: '单位名称',
  note: '备注',
};
const TEMPLATE_HEADER = '姓名、证件类型、证件号码、手机号码、单位名称';
/** A title or a note may sit above the header; further down than this, it is not a header. */
const HEADER_SEARCH_ROWS = 10;
/** Compared cleaned, as the note cell is: NFKC turns the mark's full-width brackets into ASCII ones. */
const EXAMPLE = cleanText(EXAMPLE_MARK);

export const DOCUMENT_TYPE_BY_NAME: Record<string, DocumentType> = {
  ...Object.fromEntries(Object.entries(DOCUMENT_TYPE_NAMES).map(([k, v]) => [v, k as DocumentType])),
  身份证: 'resident',
  港澳通行证: 'hkMacaoPermit',
  台胞证: 'taiwanPermit',
  居住证: 'hmtResidence',
};

function refuse(message: string): never {
  throw new AppError('INVALID_INPUT', message, 'file');
}

function cellText(cell: XLSX.CellObject | undefined): string {
  if (!cell || cell.v === undefined || cell.v === null) return '';
  if (cell.t === 'n' && typeof cell.v === 'number')
    return Number.isInteger(cell.v) ? cell.v.toFixed(0) : String(cell.v);
  return String(cell.w ?? cell.v);
}

/** .xls, .et and .ods: read whole by SheetJS (no streaming reader for BIFF8 or ODS), under the row limit. */
function readBook(buf: Buffer): XLSX.WorkBook {
  try {
    return XLSX.read(buf, {
      type: 'buffer',
      dense: true,
      sheetRows: IMPORT_LIMITS.maxRows + HEADER_SEARCH_ROWS + 1,
      cellFormula: false,
      cellHTML: false,
      cellStyles: false,
      cellText: false,
    });
  } catch {
    refuse('文件已损坏或无法读取，请用 Excel 或 WPS 打开确认后另存为 .xlsx 再导入');
  }
}

type DenseRows = Array<Array<XLSX.CellObject | undefined> | undefined>;
const PAUSE_ROWS = 500;

/** The sheets of a workbook SheetJS read whole (.xls, .ods), as the same row streams as an .xlsx. */
function bookSheets(book: XLSX.WorkBook): SheetSource[] {
  const hidden = new Set((book.Workbook?.Sheets ?? []).filter((s) => s.Hidden).map((s) => s.name));
  return book.SheetNames.filter((name) => !hidden.has(name)).map((name) => ({
    name,
    rows: async (visit, extent, pause) => {
      const data = (book.Sheets[name] as unknown as { '!data'?: DenseRows })['!data'] ?? [];
      extent?.(data.length);
      for (let i = 0; i < data.length; i++) {
        const r = data[i];
        if (
          r &&
          !visit(
            i,
            r.map((c) => (c && cellText(c) !== '' ? { text: cellText(c), num: c.t === 'n' } : undefined)),
          )
        )
          return;
        // As often as an .xlsx stream asks: about once per inflated piece.
        if (i % PAUSE_ROWS === 0) await pause?.();
      }
    },
  }));
}

interface Header {
  /** 0-based index of the header row. */
  at: number;
  columns: Map<Column, number>;
  ignored: string[];
  duplicate?: string;
}

/** A row is the header when it names the 姓名 column and at least one other column we know. */
function findHeader(first: SheetRow[]): Header | undefined {
  for (let at = 0; at < first.length; at++) {
    const cells = Array.from(first[at] ?? [], (c) => cleanHeader(c?.text ?? ''));
    const known = cells.filter((h) => HEADER_COLUMNS[h]);
    if (!known.some((h) => HEADER_COLUMNS[h] === 'name') || known.length < 2) continue;
    const header: Header = { at, columns: new Map(), ignored: [] };
    cells.forEach((h, i) => {
      if (h === '') return;
      const col = HEADER_COLUMNS[h];
      if (!col) header.ignored.push(h);
      else if (header.columns.has(col)) header.duplicate ??= h;
      else header.columns.set(col, i);
    });
    return header;
  }
  return undefined;
}

const hasContent = (row: SheetRow) => row.some((c) => c && c.text.trim() !== '');

/** The first rows of a sheet, where a header may be, and its declared extent; reading stops after them. */
async function firstRows(sheet: SheetSource): Promise<{ first: SheetRow[]; lastRow: number }> {
  const first: SheetRow[] = [];
  let lastRow = 0;
  await sheet.rows(
    (i, row) => {
      if (i >= HEADER_SEARCH_ROWS) return false;
      first[i] = row;
      return true;
    },
    (last) => (lastRow = last),
  );
  return { first, lastRow };
}

const TOO_MANY_ROWS = `单次最多导入 ${IMPORT_LIMITS.maxRows} 行，请把文件拆分后分批导入`;

/**
 * When the sheet declares more rows than allowed, counts the rows with content (no validation), so
 * an oversized file is refused before any row is checked; formatting alone does not count.
 */
async function refuseTooManyRows(sheet: SheetSource, headerAt: number, lastRow: number): Promise<void> {
  if (lastRow - headerAt - 1 <= IMPORT_LIMITS.maxRows) return;
  let rows = 0;
  await sheet.rows((i, row) => {
    if (i > headerAt && hasContent(row)) rows += 1;
    return rows <= IMPORT_LIMITS.maxRows;
  });
  if (rows > IMPORT_LIMITS.maxRows) refuse(TOO_MANY_ROWS);
}

/**
 * Hands each data row to `visit` as it is read, so the caller keeps only what it needs of a row
 * rather than the whole sheet twice over (`visit` returns false to stop); `pause` lets a slower caller hold reading back. The sheet
 * is the first one with a header row, wherever it is in the workbook (a summary sheet in front is
 * common). .xlsx and CSV are read as streams; .xls and .ods are read whole by SheetJS first.
 */
export async function parseImportFile(
  buf: Buffer,
  visit: (row: RawRow) => boolean | void,
  pause?: Pause,
): Promise<SheetRead> {
  const guarded = await guardImportFile(buf);
  const sheets = (
    guarded.kind === 'xlsx'
      ? await xlsxSheets(buf, guarded.entries)
      : guarded.kind === 'text'
        ? [csvSheet(buf)]
        : bookSheets(readBook(buf))
  ).filter((s) => s.name !== HELP_SHEET);
  const found: Array<{ sheet: SheetSource; header: Header; lastRow: number }> = [];
  let anyContent = false;
  for (const sheet of sheets) {
    const { first, lastRow } = await firstRows(sheet);
    anyContent ||= first.some((r) => r && hasContent(r));
    const header = findHeader(first);
    if (header) found.push({ sheet, header, lastRow });
  }
  if (found.length === 0) {
    if (!anyContent) refuse(`表格是空的：第 1 行应为表头（${TEMPLATE_HEADER}），请使用导入模板`);
    refuse(
      `在工作表${sheets.map((s) => `“${s.name}”`).join('、')}中都没有找到表头行（${TEMPLATE_HEADER}），请把表头放在第 1 行，或使用导入模板`,
    );
  }
  const { sheet, header, lastRow } = found[0];
  const sheetName = sheet.name;
  const where = `工作表“${sheetName}”第 ${header.at + 1} 行`;
  if (header.duplicate) refuse(`${where}的列“${header.duplicate}”重复出现，请删除多余的列`);
  const missing = REQUIRED.filter((c) => !header.columns.has(c));
  if (missing.length)
    refuse(
      `${where}缺少必填列：${missing.map((m) => `“${COLUMN_NAMES[m]}”`).join('、')}，请使用导入模板的表头（${TEMPLATE_HEADER}）`,
    );
  const notices = [`读取的是工作表“${sheetName}”，表头在第 ${header.at + 1} 行`];
  if (header.ignored.length)
    notices.push(`已忽略无法识别的列：${header.ignored.map((h) => `“${h}”`).join('、')}；只导入${TEMPLATE_HEADER}`);
  if (found.length > 1)
    notices.push(
      `工作表${found
        .slice(1)
        .map((s) => `“${s.sheet.name}”`)
        .join('、')}也有表头，但本次只导入“${sheetName}”，请分别导入`,
    );
  await refuseTooManyRows(sheet, header.at, lastRow);

  const { columns } = header;
  const text = (r: SheetRow, c: Column) => (columns.has(c) ? (r[columns.get(c) as number]?.text ?? '') : '');
  const docColumn = columns.get('docNumber') as number;
  let rowCount = 0;
  await sheet.rows(
    (i, r) => {
      if (i <= header.at) return true;
      if (cleanText(text(r, 'note')) === EXAMPLE) return true;
      const typedName = text(r, 'name');
      const typedDoc = text(r, 'docNumber');
      const typedPhone = text(r, 'phone');
      const row: RawRow = {
        row: i + 1,
        name: cleanText(typedName),
        docTypeText: cleanText(text(r, 'docType')).replace(/\s/g, ''),
        docNumber: cleanDocNumber(typedDoc),
        docIsNumber: r[docColumn]?.num === true,
        phone: cleanPhone(typedPhone),
        unitName: cleanText(text(r, 'unitName')),
      };
      if (!row.name && !row.docNumber && !row.phone && !row.unitName && !row.docTypeText) return true;
      const typed: RawRow['typed'] = {};
      if (typedName.trim() !== row.name) typed.name = typedName;
      if (typedDoc.trim() !== row.docNumber) typed.docNumber = typedDoc;
      if (typedPhone.trim() !== row.phone) typed.phone = typedPhone;
      if (Object.keys(typed).length) row.typed = typed;
      rowCount += 1;
      // A sheet without a (true) extent is still held to the limit, as it is read.
      if (rowCount > IMPORT_LIMITS.maxRows) refuse(TOO_MANY_ROWS);
      return visit(row) !== false;
    },
    undefined,
    pause,
  );
  if (rowCount === 0) refuse(`工作表“${sheetName}”中没有会员数据，请从表头下一行开始填写（示例行不会导入）`);
  return { sheetName, notices, rowCount };
}
