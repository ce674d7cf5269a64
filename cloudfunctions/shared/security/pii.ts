import type { DocumentType } from '../../../typings/models';
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { piiConfig, type PiiConfig } from '../config';

/**
 * Personal data at rest: ID numbers and phones are stored encrypted (AES-256-GCM) next to a blind
 * index (HMAC-SHA256 with its own key) that serves exact lookup and uniqueness without decrypting.
 * Keys come from the environment: PII_ENC_KEY and PII_INDEX_KEY, 32 bytes each, base64.
 */
const VERSION = 'v1';

/** The keys as KeyObjects, made once per configuration: importing raw key bytes on every use costs more than the HMAC. */
let keyObjects: { from: PiiConfig; enc: KeyObject; index: KeyObject } | undefined;

function keys(): { enc: KeyObject; index: KeyObject } {
  const config = piiConfig();
  if (keyObjects?.from !== config)
    keyObjects = { from: config, enc: createSecretKey(config.encKey), index: createSecretKey(config.indexKey) };
  return keyObjects;
}

/** Random IVs drawn from the CSPRNG a thousand at a time: one call per value costs more than the cipher. */
const IV_BYTES = 12;
let ivPool = Buffer.alloc(0);
let ivUsed = 0;

function freshIv(): Buffer {
  if (ivUsed + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_BYTES * 1024);
    ivUsed = 0;
  }
  ivUsed += IV_BYTES;
  return ivPool.subarray(ivUsed - IV_BYTES, ivUsed);
}

export function encrypt(plain: string): string {
  return encryptWith(keys().enc, plain);
}

function encryptWith(key: KeyObject, plain: string): string {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  // GCM is a stream mode: update gives every byte and final none, so the usual concat is skipped.
  const body = cipher.update(plain, 'utf8');
  const rest = cipher.final();
  const sealed = rest.length === 0 ? body : Buffer.concat([body, rest]);
  return `${VERSION}.${iv.toString('base64')}.${cipher.getAuthTag().toString('base64')}.${sealed.toString('base64')}`;
}

export function decrypt(sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('unknown ciphertext format');
  const decipher = createDecipheriv('aes-256-gcm', keys().enc, Buffer.from(iv, 'base64'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
}

/** Deterministic index of a normalised value; `kind` keeps ID and phone indexes apart. */
export function blindIndex(kind: 'doc' | 'phone', normalised: string): string {
  return blindIndexWith(keys().index, kind, normalised);
}

function blindIndexWith(key: KeyObject, kind: 'doc' | 'phone', normalised: string): string {
  return createHmac('sha256', key).update(`${kind}:${normalised}`).digest('base64url');
}

/**
 * encrypt and blindIndex for a batch of values (an import chunk): the configuration is read once
 * for the batch instead of from the environment for every value.
 */
export function piiBatch(): {
  encrypt(plain: string): string;
  blindIndex(kind: 'doc' | 'phone', normalised: string): string;
} {
  const { enc, index } = keys();
  return {
    encrypt: (plain) => encryptWith(enc, plain),
    blindIndex: (kind, normalised) => blindIndexWith(index, kind, normalised),
  };
}

/**
 * Visible head and tail per document type, so every view and export masks the same way. Long
 * national numbers keep the region prefix and the last four (how banks show them); short permits
 * and passports keep two and two: a 9-character HK/Macao permit shows 4 of 9, never 8.
 */
const MASK_SHAPE: Record<DocumentType, { head: number; tail: number }> = {
  resident: { head: 4, tail: 4 },
  hmtResidence: { head: 4, tail: 4 },
  foreignerPermanent: { head: 3, tail: 4 },
  hkMacaoPermit: { head: 2, tail: 2 },
  taiwanPermit: { head: 2, tail: 2 },
  passport: { head: 2, tail: 2 },
};

const SURROGATE = /[\ud800-\udfff]/;

/**
 * The one masking function for ID documents: `4401**********1234`, `H1*****78`. Never more than
 * half of the characters are visible, whatever the type or length (the shape shrinks to fit).
 */
export function maskDocument(doc: string, type: DocumentType): string {
  // By code point, not UTF-16 unit; a string without surrogates (every real number) is both.
  const chars = SURROGATE.test(doc) ? [...doc] : doc;
  const budget = Math.floor(chars.length / 2);
  let { head, tail } = MASK_SHAPE[type];
  while (head + tail > budget && (head > 0 || tail > 0)) {
    if (head >= tail && head > 0) head--;
    else tail--;
  }
  const part = (from: number, to?: number) =>
    typeof chars === 'string' ? chars.slice(from, to) : chars.slice(from, to).join('');
  return `${part(0, head)}${'*'.repeat(chars.length - head - tail)}${tail ? part(-tail) : ''}`;
}

/** `138****5678`. */
export function maskPhone(phone: string): string {
  return phone.length === 11
    ? `${phone.slice(0, 3)}****${phone.slice(7)}`
    : `${phone.slice(0, 2)}****${phone.slice(-2)}`;
}

export function generateKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * What every view shows of a stored document: the stored mask re-masked by today's rule, so rows
 * sealed under an older, looser rule (`H123*5678`) never show more than the rule allows.
 */
export function shownDocument(sealed: { masked: string }, type: DocumentType): string {
  return maskDocument(sealed.masked, type);
}
