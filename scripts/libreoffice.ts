import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Converts a file with LibreOffice (headless), e.g. a flat ODS or CSV into xlsx, xls or ods, or a
 * workbook into CSV (`csv` writes UTF-8, comma-separated; `csvExport` gives LibreOffice's own CSV
 * export options instead: separator, quote and character set, e.g. `44,34,61` for GBK (MS-936) or
 * `9,34,65535` for tab-separated UTF-16).
 */
export function convertWithLibreOffice(
  input: Buffer,
  inputName: string,
  target: 'xlsx' | 'xls' | 'ods' | 'csv',
  filterOptions?: string,
  csvExport = '44,34,76',
): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lo-'));
  const src = path.join(dir, inputName);
  fs.writeFileSync(src, input);
  const args = ['--headless', '--norestore', `-env:UserInstallation=file://${path.join(dir, 'profile')}`];
  if (filterOptions) args.push(`--infilter=${filterOptions}`);
  const convertTo = target === 'csv' ? `csv:Text - txt - csv (StarCalc):${csvExport}` : target;
  execFileSync('/usr/bin/soffice', [...args, '--convert-to', convertTo, '--outdir', dir, src], {
    stdio: 'pipe',
    timeout: 120_000,
  });
  const out = path.join(dir, `${path.parse(inputName).name}.${target}`);
  const buf = fs.readFileSync(out);
  fs.rmSync(dir, { recursive: true, force: true });
  return buf;
}
