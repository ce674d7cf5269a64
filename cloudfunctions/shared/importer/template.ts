import * as XLSX from 'xlsx';
import { DOCUMENT_TYPE_NAMES } from '../../../typings/models';
import { IMPORT_LIMITS } from './file-guard';

/**
 * The member import template (会员导入模板): a header row, a document-type dropdown, ID and phone
 * columns formatted as text so Excel keeps every digit, clearly marked example rows, and a sheet of
 * instructions. SheetJS CE writes no data validation or column styles, so those are added to the
 * sheet XML afterwards.
 */
export const DATA_SHEET = '会员信息';
export const HELP_SHEET = '填写说明';
export const HEADERS = ['姓名', '证件类型', '证件号码', '手机号码', '单位名称', '备注'] as const;
export const EXAMPLE_MARK = '示例行（导入时自动忽略）';

const INSTRUCTIONS = [
  ['会员导入模板填写说明'],
  ['1. 在“会员信息”表中从第 2 行起每行填写一名会员；以“示例行（导入时自动忽略）”标注的行不会导入，可直接删除。'],
  ['2. 姓名、证件号码、手机号码为必填；证件类型从下拉列表选择，不填默认为居民身份证。'],
  ['3. 证件号码、手机号码两列已设为“文本”格式，请勿改成数字格式，否则 Excel 会把 18 位号码的末尾变成 0。'],
  ['4. 姓名请与证件一致，支持生僻字和“·”。'],
  [
    '5. 支持 .xlsx、.xls、.ods 和 CSV（UTF-8 或 GBK）文件；单个文件不超过 20 MB、不超过 20 万行；请先点击“校验”，按校验报告修改后再“提交”。',
  ],
  ['6. 已实名注册的人员导入后自动入会；其他人员进入“未实名注册”列表，本人实名注册后自动转入已实名列表。'],
];

export function buildTemplate(): Buffer {
  const text = (v: string) => ({ t: 's', v, z: '@' });
  const rows = [
    HEADERS.map((h) => ({ t: 's', v: h })),
    [
      { t: 's', v: '张三' },
      { t: 's', v: DOCUMENT_TYPE_NAMES.resident },
      text('11010519491231002X'),
      text('13800138000'),
      { t: 's', v: '广州示例科技有限公司' },
      { t: 's', v: EXAMPLE_MARK },
    ],
    [
      { t: 's', v: '陈大文' },
      { t: 's', v: DOCUMENT_TYPE_NAMES.hkMacaoPermit },
      text('H12345678'),
      text('13900139000'),
      { t: 's', v: '广州示例科技有限公司' },
      { t: 's', v: EXAMPLE_MARK },
    ],
  ];
  const sheet = XLSX.utils.aoa_to_sheet(rows as unknown as string[][]);
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, DATA_SHEET);
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(INSTRUCTIONS), HELP_SHEET);
  const zip = XLSX.CFB.read(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer, { type: 'buffer' });
  const entry = XLSX.CFB.find(zip, '/xl/worksheets/sheet1.xml');
  if (!entry) throw new Error('template sheet missing');
  const styles = Buffer.from(XLSX.CFB.find(zip, '/xl/styles.xml')?.content ?? []).toString('utf8');
  // The cellXfs index SheetJS gave the text ("@", numFmtId 49) style of the example cells.
  const xfs = styles.slice(styles.indexOf('<cellXfs'), styles.indexOf('</cellXfs>')).match(/<xf [^>]*>/g) ?? [];
  const textStyle = xfs.findIndex((xf) => xf.includes('numFmtId="49"'));
  const cols =
    '<cols><col min="1" max="1" width="14" customWidth="1"/><col min="2" max="2" width="26" customWidth="1"/>' +
    `<col min="3" max="4" width="24" customWidth="1" style="${textStyle}"/><col min="5" max="5" width="30" customWidth="1"/><col min="6" max="6" width="26" customWidth="1"/></cols>`;
  const list = Object.values(DOCUMENT_TYPE_NAMES).join(',');
  const validation =
    `<dataValidations count="1"><dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" errorTitle="证件类型" error="请从下拉列表中选择证件类型" sqref="B2:B${IMPORT_LIMITS.maxRows + 1}">` +
    `<formula1>"${list}"</formula1></dataValidation></dataValidations>`;
  let xml = Buffer.from(entry.content).toString('utf8');
  xml = xml.replace('<sheetData>', `${cols}<sheetData>`).replace('</sheetData>', `</sheetData>${validation}`);
  entry.content = Buffer.from(xml, 'utf8');
  entry.size = entry.content.length;
  return Buffer.from(XLSX.CFB.write(zip, { fileType: 'zip', type: 'buffer' }) as Buffer);
}
