import * as XLSX from 'xlsx';

/**
 * A one-sheet workbook whose every cell is a text cell (type string, number format "@"). A text
 * cell is never evaluated, so `=HYPERLINK(…)` or a unit called `-1-1` is shown and read back as it
 * is stored: no formula, and no `'` added to the data. The "@" format keeps a cell text when the
 * admin edits it, so a re-import gets the same value.
 */
export function textWorkbook(sheetName: string, rows: string[][], widths: number[]): Buffer {
  const sheet = XLSX.utils.aoa_to_sheet(
    rows.map((r) => r.map((v) => ({ t: 's', v, z: '@' }))) as unknown as string[][],
  );
  sheet['!cols'] = widths.map((wch) => ({ wch }));
  const book = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(book, sheet, sheetName);
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
}
