import { cloudApp } from '../cloud';
import { textWorkbook } from './text-book';
import type { RawRow } from './parse';
import type { RowProblem } from './validate-rows';
import { trackPiiFile } from '../lifecycle/retention';

/** How many problem rows a job or a dry run lists; the xlsx report has all of them. */
export const KEPT_PROBLEMS = 500;

/**
 * An xlsx of the rejected rows with an error column, for the admin to fix and re-import; `rows` holds
 * each problem row as the report shows it (as typed when the file rejected it, as checked when the
 * database did).
 */
export async function writeReport(
  unionId: string,
  problems: RowProblem[],
  rows: Map<number, RawRow>,
): Promise<string | null> {
  if (problems.length === 0) return null;
  const byRow = new Map<number, string[]>();
  for (const p of [...problems].sort((a, b) => a.row - b.row))
    byRow.set(p.row, [...(byRow.get(p.row) ?? []), `${p.column}：${p.message}`]);
  const table = [['行号', '姓名', '证件类型', '证件号码', '手机号码', '单位名称', '错误原因']];
  for (const [row, messages] of byRow) {
    const r = rows.get(row);
    table.push([
      String(row),
      r?.name ?? '',
      r?.docTypeText ?? '',
      r?.docNumber ?? '',
      r?.phone ?? '',
      r?.unitName ?? '',
      messages.join('；'),
    ]);
  }
  const up = await cloudApp().uploadFile({
    cloudPath: `imports/${unionId}/report-${Date.now()}.xlsx`,
    fileContent: textWorkbook('校验报告', table, [6, 12, 20, 22, 14, 24, 60]),
  });
  await trackPiiFile(up.fileID, 'importReport', unionId);
  return up.fileID;
}

export async function tempUrl(fileId: string | null): Promise<string> {
  if (!fileId) return '';
  const res = await cloudApp().getTempFileURL({ fileList: [fileId] });
  return res.fileList[0]?.tempFileURL ?? '';
}
