import { randomBytes } from 'node:crypto';
import type { UploadTicket } from '../../../typings/importer';
import type { Actor } from '../actor';
import { requireRight } from '../actor';
import { AppError } from '../app-error';
import { cloudApp } from '../cloud';

/** Spreadsheet kinds the importer reads. */
const IMPORT_EXTENSIONS = ['xlsx', 'xls', 'ods', 'csv'];

/**
 * Where a browser PUTs an import file: the same storage and the same request the SDK's uploadFile
 * makes (getUploadMetadata, then a PUT with COS's headers), signed for one path chosen here.
 */
export async function importUploadTicket(actor: Actor, unionId: string, fileName: string): Promise<UploadTicket> {
  requireRight(actor, unionId, 'import');
  const ext = (/\.([A-Za-z0-9]+)$/.exec(fileName)?.[1] ?? '').toLowerCase();
  if (!IMPORT_EXTENSIONS.includes(ext))
    throw new AppError(
      'INVALID_INPUT',
      '请上传 Excel 文件（.xlsx、.xls、.ods 或 .csv），可先下载导入模板填写',
      'fileName',
    );
  const cloudPath = `imports/${unionId}/${Date.now()}-${randomBytes(6).toString('hex')}.${ext}`;
  const meta = (await cloudApp().getUploadMetadata({ cloudPath })) as unknown as {
    data: { url: string; token: string; authorization: string; fileId: string; cosFileId: string };
  };
  const d = meta.data;
  return {
    url: d.url,
    fileId: d.fileId,
    headers: {
      Signature: d.authorization,
      authorization: d.authorization,
      'x-cos-security-token': d.token,
      'x-cos-meta-fileid': d.cosFileId,
    },
  };
}
