import zlib from 'node:zlib';
import * as XLSX from 'xlsx';
import { AppError } from '../app-error';

/**
 * Checks an uploaded file before SheetJS sees it: size, kind, and the zip directory (entry count,
 * declared uncompressed size, compression ratio), so a zip bomb is refused without inflating it.
 * A zip's directory can lie about sizes, so every entry is then inflated as a stream, output
 * counted and dropped, and the file refused as soon as the total passes the cap.
 */
export const IMPORT_LIMITS = {
  /** 200,000 rows of a real register (unique names, IDs, phones) are about 16 MB as .xlsx. */
  maxFileBytes: 20 * 1024 * 1024,
  maxZipEntries: 200,
  maxUncompressedBytes: 160 * 1024 * 1024,
  /** Real sheets compress about 10:1; a bomb compresses thousands to one. */
  maxRatio: 200,
  maxRows: 200_000,
  /**
   * .xls and .ods are read whole by SheetJS (measured, `npm run bench -- import-formats`: an .xls
   * of 40,000 rows, 5.3 MB, peaks at 256 MB; an .ods of 40,000 rows, 27 MB of XML, at 311 MB), so
   * they get lower caps that keep the function under its 256 MB: about 30,000 rows as .xls, about
   * 23,000 as .ods. Larger files are asked for as .xlsx, which is read as a stream.
   */
  maxXlsBytes: 4 * 1024 * 1024,
  maxOdsInflatedBytes: 16 * 1024 * 1024,
};

function refuse(message: string): never {
  throw new AppError('INVALID_INPUT', message, 'file');
}

const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/** Also checked from the file's metadata before it is downloaded. */
export function refuseOversize(bytes: number): void {
  if (bytes > IMPORT_LIMITS.maxFileBytes)
    refuse(
      `文件大小 ${(bytes / 1048576).toFixed(1)} MB，超过 ${IMPORT_LIMITS.maxFileBytes / 1048576} MB 上限，请拆分成多个文件分批导入`,
    );
}

const BROKEN = '文件已损坏或不是有效的 .xlsx 文件，请用 Excel 打开确认后重新保存再导入';
const TOO_BIG = '文件解压后过大（可能是异常文件），请使用导入模板重新填写，或拆分后分批导入';

/**
 * xlsx: read as a stream by `xlsx-stream.ts`, inflating under the cap as it goes; zip: another
 * zip (.ods), inflated once under the cap before SheetJS reads it; cfb: .xls and WPS .et (BIFF8 in
 * an OLE container); text: CSV, read as a stream by `csv-stream.ts`.
 */
export type Guarded = { kind: 'xlsx'; entries: ZipEntry[] } | { kind: 'zip' | 'cfb' | 'text' };
export type FileKind = Guarded['kind'];

export async function guardImportFile(buf: Buffer): Promise<Guarded> {
  if (buf.length === 0) refuse('文件是空的，请重新选择导入模板填写后的 .xlsx 文件');
  refuseOversize(buf.length);
  if (buf.subarray(0, 8).equals(CFB_MAGIC)) {
    let entries: string[] = [];
    try {
      entries = XLSX.CFB.read(buf, { type: 'buffer' }).FullPaths;
    } catch {
      refuse('文件已损坏，无法读取，请用 Excel 打开确认后另存为 .xlsx 再导入');
    }
    if (entries.some((p) => /EncryptionInfo|EncryptedPackage/.test(p)))
      refuse('文件设置了打开密码，请在 Excel 中取消密码保护后再导入');
    if (!entries.some((p) => /\/Workbook$|\/Book$/i.test(p)))
      refuse('无法识别的文件格式，请下载导入模板，在模板中填写后上传 .xlsx 文件');
    if (buf.length > IMPORT_LIMITS.maxXlsBytes)
      refuse(
        `.xls 文件 ${mb(buf.length)} MB，超过 .xls 能读取的 ${mb(IMPORT_LIMITS.maxXlsBytes)} MB（约 3 万行）；请用 Excel 或 WPS 把它另存为 .xlsx（最多 ${mb(IMPORT_LIMITS.maxFileBytes)} MB、${IMPORT_LIMITS.maxRows} 行）后再导入`,
      );
    return { kind: 'cfb' };
  }
  if (buf.length < 4 || buf.readUInt32LE(0) !== 0x04034b50) {
    // Text has no NUL bytes in UTF-8 or GBK; any binary format has them early on. UTF-16 text
    // (Excel's "Unicode 文本") has them, and says so with its byte-order mark.
    const utf16 = buf[0] === 0xff && buf[1] === 0xfe;
    if (!utf16 && buf.subarray(0, 4096).includes(0))
      refuse('无法识别的文件格式，请上传 .xlsx、.xls、.ods 或 CSV 文件（可下载导入模板填写）');
    return { kind: 'text' };
  }
  const entries = inspectZip(buf);
  if (entries.some((e) => e.name === 'xl/workbook.xml')) return { kind: 'xlsx', entries };
  const budget = new InflateBudget();
  for (const e of entries) await streamEntry(buf, e, budget, () => true);
  const inflated = IMPORT_LIMITS.maxUncompressedBytes - budget.left;
  if (inflated > IMPORT_LIMITS.maxOdsInflatedBytes)
    refuse(
      `.ods 文件解压后 ${mb(inflated)} MB，超过 .ods 能读取的 ${mb(IMPORT_LIMITS.maxOdsInflatedBytes)} MB（约 2 万行）；请用 WPS 或 LibreOffice 把它另存为 .xlsx（最多 ${IMPORT_LIMITS.maxRows} 行）后再导入`,
    );
  return { kind: 'zip' };
}

export interface ZipEntry {
  name: string;
  method: number;
  compressed: number;
  localOffset: number;
}

function inspectZip(buf: Buffer): ZipEntry[] {
  const broken = () => refuse(BROKEN);
  // End of central directory: 22 bytes plus a comment of at most 65535.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) broken();
  const count = buf.readUInt16LE(eocd + 10);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff)
    refuse('文件结构异常（ZIP64），请用 Excel 重新保存为 .xlsx 后再导入');
  if (count > IMPORT_LIMITS.maxZipEntries) refuse(`文件内部包含 ${count} 个部件，超出上限，请使用导入模板重新填写`);
  let total = 0;
  const list: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) broken();
    const flags = buf.readUInt16LE(p + 8);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    if (flags & 1) refuse('文件设置了密码，请取消密码保护后再导入');
    total += size;
    if (total > IMPORT_LIMITS.maxUncompressedBytes) refuse(TOO_BIG);
    if (size > 10 * 1024 * 1024 && size / Math.max(compressed, 1) > IMPORT_LIMITS.maxRatio)
      refuse('文件压缩比异常（可能是恶意文件），已拒绝导入');
    const name = buf.toString('utf8', p + 46, p + 46 + buf.readUInt16LE(p + 28)).replace(/^\//, '');
    list.push({ name, method: buf.readUInt16LE(p + 10), compressed, localOffset: buf.readUInt32LE(p + 42) });
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return list;
}

/** What the whole file may inflate to, shared by every entry read: the directory's sizes are not trusted. */
export class InflateBudget {
  left = IMPORT_LIMITS.maxUncompressedBytes;
}

/**
 * Inflates one entry as a stream, handing each piece to `take` (which returns false to stop
 * early, or a promise of that: inflating waits for it, so a slow reader holds back the inflater)
 * and refusing the file as soon as the inflated bytes pass the budget. Memory stays at zlib's
 * window plus one piece, whatever the entry claims or holds.
 */
export function streamEntry(
  buf: Buffer,
  e: ZipEntry,
  budget: InflateBudget,
  take: (piece: Buffer) => boolean | Promise<boolean>,
): Promise<void> {
  const at = e.localOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== 0x04034b50) refuse(BROKEN);
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const data = buf.subarray(start, start + e.compressed);
  if (e.method === 0) {
    budget.left -= data.length;
    if (budget.left < 0) refuse(TOO_BIG);
    return Promise.resolve(take(data)).then(() => undefined);
  }
  if (e.method !== 8) refuse('文件使用了不支持的压缩方式，请用 Excel 或 WPS 重新保存为 .xlsx 后再导入');
  return new Promise<void>((resolve, reject) => {
    const z = zlib.createInflateRaw({ chunkSize: 64 * 1024 });
    let settled = false;
    const settle = (err?: unknown) => {
      if (settled) return;
      settled = true;
      z.destroy();
      if (err) reject(err);
      else resolve();
    };
    const went = (more: boolean) => {
      if (!more) settle();
    };
    z.on('data', (piece: Buffer) => {
      if (settled) return;
      budget.left -= piece.length;
      try {
        if (budget.left < 0) refuse(TOO_BIG);
        const more = take(piece);
        if (typeof more === 'boolean') return went(more);
        z.pause();
        more.then((m) => {
          went(m);
          if (!settled) z.resume();
        }, settle);
      } catch (err) {
        settle(err);
      }
    });
    z.on('end', () => settle());
    z.on('error', () => settle(new AppError('INVALID_INPUT', BROKEN, 'file')));
    z.end(data);
  });
}
