import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { EmulatorError } from './errors';

/** Largest object the emulator accepts in one PUT; the functions enforce their own, smaller limits. */
export const MAX_OBJECT_BYTES = 50 * 1024 * 1024;

const BUCKET = 'local-bucket';

/**
 * Cloud storage on disk. The SDK asks for upload metadata, PUTs the bytes to the URL it is given,
 * and reads back through signed temporary URLs, exactly as it does against COS.
 */
export class LocalStorage {
  private readonly signingKey = randomBytes(32);
  private baseUrl = '';

  constructor(
    readonly root: string,
    readonly envId: string,
  ) {
    fs.mkdirSync(root, { recursive: true });
  }

  setBaseUrl(url: string): void {
    this.baseUrl = url;
  }

  fileIdFor(cloudPath: string): string {
    return `cloud://${this.envId}.${BUCKET}/${cleanPath(cloudPath)}`;
  }

  /** `storage.getUploadMetadata`: where and how to PUT the bytes. */
  uploadMetadata(cloudPath: string): Record<string, unknown> {
    const clean = cleanPath(cloudPath);
    const expires = Date.now() + 10 * 60_000;
    return {
      url: `${this.baseUrl}/storage/upload/${encodePath(clean)}?expires=${expires}&sign=${this.sign(`put:${clean}:${expires}`)}`,
      token: 'emulator',
      authorization: 'emulator',
      fileId: this.fileIdFor(clean),
      cosFileId: createHmac('sha256', 'cos-file-id').update(clean).digest('hex'),
    };
  }

  /** `storage.batchGetDownloadUrl`. */
  downloadUrls(list: Array<{ fileid?: unknown; max_age?: unknown }>): Array<Record<string, unknown>> {
    return list.map((item) => {
      const fileID = String(item.fileid ?? '');
      const rel = this.pathOf(fileID);
      if (!rel || !fs.existsSync(this.abs(rel))) {
        return { fileID, tempFileURL: '', code: 'STORAGE_FILE_NONEXIST', message: '文件不存在' };
      }
      const maxAge = Math.min(Math.max(Number(item.max_age) || 600, 1), 86_400);
      const expires = Date.now() + maxAge * 1000;
      // Raw path, as COS hands it out: the SDK's downloadFile runs encodeURI over the URL itself.
      const tempFileURL = `${this.baseUrl}/storage/download/${rel}?expires=${expires}&sign=${this.sign(`get:${rel}:${expires}`)}`;
      return { fileID, tempFileURL, download_url: tempFileURL, code: 'SUCCESS' };
    });
  }

  /** `storage.batchDeleteFile`. */
  deleteFiles(ids: unknown[]): Array<Record<string, unknown>> {
    return ids.map((raw) => {
      const fileID = String(raw);
      const rel = this.pathOf(fileID);
      if (!rel || !fs.existsSync(this.abs(rel))) return { fileID, code: 'STORAGE_FILE_NONEXIST' };
      fs.rmSync(this.abs(rel));
      return { fileID, code: 'SUCCESS' };
    });
  }

  /** Handles the PUT that uploadFile sends to the URL from uploadMetadata. */
  acceptUpload(relEncoded: string, query: URLSearchParams, body: Buffer): void {
    const rel = cleanPath(decodePath(relEncoded));
    this.verify(`put:${rel}`, query);
    const file = this.abs(rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
  }

  /** Serves a signed temporary URL. */
  readDownload(relEncoded: string, query: URLSearchParams): Buffer {
    const rel = cleanPath(decodePath(relEncoded));
    this.verify(`get:${rel}`, query);
    const file = this.abs(rel);
    if (!fs.existsSync(file)) throw new EmulatorError('STORAGE_FILE_NONEXIST', '文件不存在', 404);
    return fs.readFileSync(file);
  }

  /** Every stored file, for the inspector. */
  list(): Array<{ fileID: string; size: number }> {
    const out: Array<{ fileID: string; size: number }> = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else
          out.push({
            fileID: this.fileIdFor(path.relative(this.root, full).split(path.sep).join('/')),
            size: fs.statSync(full).size,
          });
      }
    };
    walk(this.root);
    return out;
  }

  private pathOf(fileID: string): string | undefined {
    const prefix = `cloud://${this.envId}.${BUCKET}/`;
    if (!fileID.startsWith(prefix)) return undefined;
    try {
      return cleanPath(fileID.slice(prefix.length));
    } catch {
      return undefined;
    }
  }

  private abs(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.signingKey).update(payload).digest('hex');
  }

  private verify(prefix: string, query: URLSearchParams): void {
    const expires = Number(query.get('expires'));
    const given = Buffer.from(query.get('sign') ?? '', 'utf8');
    const expected = Buffer.from(this.sign(`${prefix}:${expires}`), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new EmulatorError('SignatureDoesNotMatch', '签名无效', 403);
    }
    if (!(expires > Date.now())) throw new EmulatorError('AccessDenied', '链接已过期', 403);
  }
}

/** Cloud paths are relative, slash-separated and may not climb out of the bucket. */
function cleanPath(p: string): string {
  const parts = p
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what a cloud path must not contain
  if (parts.length === 0 || parts.some((s) => s === '..' || /[\u0000-\u001f%?#]/.test(s))) {
    throw new EmulatorError('INVALID_PARAM', `非法的云端路径: ${p}`);
  }
  return parts.join('/');
}

function encodePath(rel: string): string {
  return rel.split('/').map(encodeURIComponent).join('/');
}

function decodePath(rel: string): string {
  return rel.split('/').map(decodeURIComponent).join('/');
}
