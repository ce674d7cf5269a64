import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import QRCode from 'qrcode';
import type { QrInfo, QrPurpose } from '../../../typings/org';
import { AppError } from '../app-error';
import { cloudApp } from '../cloud';
import { qrConfig } from '../config';
import { findById, transaction, txGet } from '../db';
import type { UnionDoc } from '../documents';

/**
 * Registration QR codes (工会组织登记二维码 and 会员登记二维码): a signed, revocable token inside an
 * https URL, so both wx.scanCode and WeChat's own scanner (through the "scan a link to open the
 * mini-program" rule, arriving as `options.q`) carry it.
 */
export interface QrTokenDoc {
  _id: string;
  unionId: string;
  purpose: QrPurpose;
  status: 'active' | 'revoked';
  fileId: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export function qrBaseUrl(): string {
  return qrConfig().baseUrl;
}

function signature(purpose: QrPurpose, tokenId: string): string {
  return createHmac('sha256', qrConfig().signingKey).update(`${purpose}:${tokenId}`).digest('base64url').slice(0, 22);
}

export function qrUrl(purpose: QrPurpose, tokenId: string): string {
  return `${qrBaseUrl()}?p=${purpose}&t=${tokenId}&s=${signature(purpose, tokenId)}`;
}

const FORGED = '二维码无效，请扫描工会提供的正式二维码';

/** Accepts the raw scan result, the URL, or the `q` parameter WeChat passes (URL-encoded). */
export function parseQr(code: string): { purpose: QrPurpose; tokenId: string } {
  let text = code.trim();
  if (/^https?%3A/i.test(text)) text = decodeURIComponent(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new AppError('INVALID_INPUT', '这不是工会二维码，请扫描工会提供的登记二维码', 'code');
  }
  const purpose = url.searchParams.get('p');
  const tokenId = url.searchParams.get('t') ?? '';
  const sig = url.searchParams.get('s') ?? '';
  if ((purpose !== 'org' && purpose !== 'member') || !/^[a-f0-9]{32}$/.test(tokenId))
    throw new AppError('INVALID_INPUT', FORGED, 'code');
  const expected = Buffer.from(signature(purpose, tokenId));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new AppError('INVALID_INPUT', FORGED, 'code');
  return { purpose, tokenId };
}

/** Resolves a scanned code to its union, refusing revoked codes and deregistered unions. */
export async function resolveQr(code: string, expected?: QrPurpose): Promise<{ purpose: QrPurpose; union: UnionDoc }> {
  const { purpose, tokenId } = parseQr(code);
  if (expected && purpose !== expected) {
    throw new AppError(
      'INVALID_INPUT',
      expected === 'org'
        ? '这是会员登记二维码，登记工会组织请扫描上级工会的组织登记二维码'
        : '这是工会组织登记二维码，会员登记请扫描本单位工会的会员登记二维码',
      'code',
    );
  }
  const token = await findById<QrTokenDoc>('qrTokens', tokenId);
  if (!token) throw new AppError('INVALID_INPUT', FORGED, 'code');
  if (token.status !== 'active')
    throw new AppError('CONFLICT', '该二维码已失效（工会已更换新的二维码），请向工会索取最新二维码');
  const union = await findById<UnionDoc>('unions', token.unionId);
  if (!union || union.status !== 'active')
    throw new AppError('CONFLICT', '该工会已注销，不能通过此二维码办理业务，请联系上级工会');
  return { purpose, union };
}

async function renderAndStore(unionId: string, purpose: QrPurpose, tokenId: string): Promise<string> {
  const png = await QRCode.toBuffer(qrUrl(purpose, tokenId), {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin: 2,
    width: 600,
  });
  const res = await cloudApp().uploadFile({ cloudPath: `qr/${unionId}/${purpose}-${tokenId}.png`, fileContent: png });
  return res.fileID;
}

async function info(token: Pick<QrTokenDoc, '_id' | 'purpose' | 'fileId'>): Promise<QrInfo> {
  const res = await cloudApp().getTempFileURL({ fileList: [token.fileId] });
  return {
    purpose: token.purpose,
    url: qrUrl(token.purpose, token._id),
    imageUrl: res.fileList[0]?.tempFileURL ?? '',
    fileId: token.fileId,
  };
}

/**
 * The union's current code, created on first use. `regenerate` revokes the old one in the same
 * transaction that installs the new one, so exactly one code per purpose is ever active.
 */
export async function currentQr(
  union: UnionDoc,
  purpose: QrPurpose,
  regenerate: boolean,
): Promise<{ info: QrInfo; regenerated: boolean; revoked: string | null }> {
  if (!regenerate && union.qrTokens?.[purpose]) {
    const token = await findById<QrTokenDoc>('qrTokens', union.qrTokens[purpose] as string);
    if (token && token.status === 'active') return { info: await info(token), regenerated: false, revoked: null };
  }
  const tokenId = randomBytes(16).toString('hex');
  const fileId = await renderAndStore(union._id, purpose, tokenId);
  const outcome = await transaction(async (tx) => {
    const current = await txGet<UnionDoc>(tx, 'unions', union._id);
    if (!current || current.status !== 'active') throw new AppError('CONFLICT', '该工会已注销，不能生成二维码');
    const old = current.qrTokens?.[purpose];
    if (old && !regenerate) {
      const existing = await txGet<QrTokenDoc>(tx, 'qrTokens', old);
      if (existing && existing.status === 'active') return { token: existing, revoked: null };
    }
    if (old) await tx.collection('qrTokens').doc(old).update({ status: 'revoked', revokedAt: new Date() });
    const token: QrTokenDoc = {
      _id: tokenId,
      unionId: union._id,
      purpose,
      status: 'active',
      fileId,
      createdAt: new Date(),
      revokedAt: null,
    };
    await tx.collection('qrTokens').add(token);
    await tx
      .collection('unions')
      .doc(union._id)
      .update({ qrTokens: { ...(current.qrTokens ?? {}), [purpose]: tokenId }, updatedAt: new Date() });
    return { token, revoked: old ?? null };
  });
  if (outcome.token._id !== tokenId) await cloudApp().deleteFile({ fileList: [fileId] });
  return { info: await info(outcome.token), regenerated: outcome.token._id === tokenId, revoked: outcome.revoked };
}
