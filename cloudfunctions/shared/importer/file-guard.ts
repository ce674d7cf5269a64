import * as XLSX from 'xlsx';
import { AppError } from '../app-error';

/**
 * Checks an uploaded file before SheetJS sees it: size, kind, and the zip directory (entry count,
 * declared uncompressed size, compression ratio), so a zip bomb is refused without inflating it.
 */
export const IMPORT_LIMITS = {
  maxFileBytes: 10 * 1024 * 1024,
  maxZipEntries: 200,
  maxUncompressedBytes: 160 * 1024 * 1024,
  /** Real sheets compress about 10:1; a bomb compresses thousands to one. */
  maxRatio: 200,
  maxRows: 200_000,
};

function refuse(message: string): never {
  throw new AppError('INVALID_INPUT', message, 'file');
}

const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

export function guardImportFile(buf: Buffer): void {
  if (buf.length === 0) refuse('文件是空的，请重新选择导入模板填写后的 .xlsx 文件');
  if (buf.length > IMPORT_LIMITS.maxFileBytes) refuse(`文件大小 ${(buf.length / 1048576).toFixed(1)} MB，超过 10 MB 上限，请拆分成多个文件分批导入`);
  if (buf.subarray(0, 8).equals(CFB_MAGIC)) {
    let entries: string[] = [];
    try {
      entries = XLSX.CFB.read(buf, { type: 'buffer' }).FullPaths;
    } catch {
      refuse('文件已损坏，无法读取，请用 Excel 打开确认后另存为 .xlsx 再导入');
    }
    if (entries.some((p) => /EncryptionInfo|EncryptedPackage/.test(p))) refuse('文件设置了打开密码，请在 Excel 中取消密码保护后再导入');
    refuse('不支持 .xls（Excel 97-2003）格式，请在 Excel 中“另存为” .xlsx 格式后再导入');
  }
  if (buf.readUInt32LE(0) !== 0x04034b50) {
    const head = buf.subarray(0, 4096);
    if (!head.includes(0)) refuse('不支持 CSV 或文本文件（也无法识别其中的 GBK 等编码），请下载导入模板，在模板中填写后上传 .xlsx 文件');
    refuse('无法识别的文件格式，请下载导入模板，在模板中填写后上传 .xlsx 文件');
  }
  inspectZip(buf);
}

function inspectZip(buf: Buffer): void {
  const broken = () => refuse('文件已损坏或不是有效的 .xlsx 文件，请用 Excel 打开确认后重新保存再导入');
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
  if (count === 0xffff || cdOffset === 0xffffffff) refuse('文件结构异常（ZIP64），请用 Excel 重新保存为 .xlsx 后再导入');
  if (count > IMPORT_LIMITS.maxZipEntries) refuse(`文件内部包含 ${count} 个部件，超出上限，请使用导入模板重新填写`);
  let total = 0;
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) broken();
    const flags = buf.readUInt16LE(p + 8);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    if (flags & 1) refuse('文件设置了密码，请取消密码保护后再导入');
    total += size;
    if (total > IMPORT_LIMITS.maxUncompressedBytes) refuse('文件解压后过大（可能是异常文件），请使用导入模板重新填写，或拆分后分批导入');
    if (size > 10 * 1024 * 1024 && size / Math.max(compressed, 1) > IMPORT_LIMITS.maxRatio) refuse('文件压缩比异常（可能是恶意文件），已拒绝导入');
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
}
