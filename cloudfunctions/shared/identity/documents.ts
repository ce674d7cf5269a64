import { DOCUMENT_TYPE_NAMES, type DocumentType } from '../../../typings/models';
import { AppError } from '../app-error';
import { residentIdCheckChar } from './resident-id';

/**
 * Exact validation of every identity document a person can register with. Each failure has its
 * own message, because "证件号码不正确" alone leaves a worker guessing which digit is wrong.
 */
export interface ValidDocument {
  type: DocumentType;
  /** Trimmed and upper-cased: what is stored and shown. */
  number: string;
  /** What the blind index is computed over (HK/Macao permits drop the 2-digit issue count). */
  indexKey: string;
}

// GB/T 2260 province-level codes that appear on resident IDs.
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
]);
const RESIDENCE_PERMIT_PREFIXES = ['810000', '820000', '830000'];

export function normaliseDocument(raw: string): string {
  return raw.trim().replace(/\s+/g, '').toUpperCase();
}

function invalid(message: string): never {
  throw new AppError('INVALID_INPUT', message, 'docNumber');
}

/** A real calendar date, not in the future and not before 1900. */
export function isRealDate(year: number, month: number, day: number, today = new Date()): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return false;
  return year >= 1900 && d.getTime() <= today.getTime();
}

/** The 18-character GB 11643 layout shared by resident IDs, residence permits and the new foreigner ID. */
function checkGb11643(value: string, label: string): void {
  if (value.length !== 18) invalid(`${label}应为 18 位，当前为 ${value.length} 位`);
  if (!/^\d{17}[\dX]$/.test(value)) invalid(`${label}格式不正确：前 17 位应为数字，最后一位为数字或 X`);
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  if (!isRealDate(y, m, d))
    invalid(
      `${label}中的出生日期 ${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)} 不存在或不合理，请核对`,
    );
  if (residentIdCheckChar(value.slice(0, 17)) !== value[17]) invalid(`${label}校验位不正确，请核对最后一位`);
}

function residentId(value: string): void {
  const label = '居民身份证号码';
  if (RESIDENCE_PERMIT_PREFIXES.includes(value.slice(0, 6))) {
    invalid('这是港澳台居民居住证号码，请将证件类型选择为“港澳台居民居住证”');
  }
  if (value.length === 15) invalid('15 位的旧身份证号码已停用，请填写 18 位居民身份证号码');
  checkGb11643(value, label);
  if (!PROVINCES.has(value.slice(0, 2))) invalid(`${label}的地区码 ${value.slice(0, 2)} 不存在，请核对前两位`);
}

function residencePermit(value: string): void {
  const label = '港澳台居民居住证号码';
  if (value.length === 18 && !RESIDENCE_PERMIT_PREFIXES.includes(value.slice(0, 6))) {
    invalid(`${label}应以 810000（香港）、820000（澳门）或 830000（台湾）开头`);
  }
  checkGb11643(value, label);
}

function hkMacaoPermit(value: string): void {
  if (value.length !== 9 && value.length !== 11)
    invalid(`港澳居民来往内地通行证号码应为 9 位或 11 位，当前为 ${value.length} 位`);
  if (!/^[HM]/.test(value)) invalid('港澳居民来往内地通行证号码应以 H（香港）或 M（澳门）开头');
  if (!/^[HM]\d{8}(\d{2})?$/.test(value))
    invalid('港澳居民来往内地通行证号码格式不正确：字母 H 或 M 后应为 8 位或 10 位数字');
}

function taiwanPermit(value: string): void {
  if (value.length !== 8) invalid(`台湾居民来往大陆通行证号码应为 8 位数字，当前为 ${value.length} 位`);
  if (!/^\d{8}$/.test(value)) invalid('台湾居民来往大陆通行证号码应为 8 位数字');
}

/**
 * 外国人永久居留身份证: the 2004 card has 15 characters (3-letter nationality, 2-digit place,
 * yymmdd birth date, sequence and check digit); the 2017 card has 18 in the GB 11643 layout, led by 9.
 */
function foreignerPermanent(value: string): void {
  const label = '外国人永久居留身份证号码';
  if (value.length === 15) {
    if (!/^[A-Z]{3}\d{12}$/.test(value)) invalid(`${label}（旧版 15 位）格式不正确：应为 3 位国籍字母加 12 位数字`);
    const yy = Number(value.slice(5, 7));
    const m = Number(value.slice(7, 9));
    const d = Number(value.slice(9, 11));
    const thisYear = new Date().getUTCFullYear() % 100;
    const year = yy > thisYear ? 1900 + yy : 2000 + yy;
    if (!isRealDate(year, m, d)) invalid(`${label}中的出生日期不存在，请核对第 6 至 11 位`);
    return;
  }
  if (value.length === 18) {
    if (value[0] !== '9') invalid(`${label}（新版 18 位）应以 9 开头`);
    checkGb11643(value, label);
    return;
  }
  invalid(`${label}应为 15 位（旧版）或 18 位（新版），当前为 ${value.length} 位`);
}

function passport(value: string): void {
  if (value.length < 5 || value.length > 17) invalid(`护照号码应为 5 至 17 位，当前为 ${value.length} 位`);
  if (!/^[A-Z0-9]+$/.test(value)) invalid('护照号码只能包含英文字母和数字');
  if (!/\d/.test(value)) invalid('护照号码应包含数字，请核对');
}

const VALIDATORS: Record<DocumentType, (value: string) => void> = {
  resident: residentId,
  hkMacaoPermit,
  taiwanPermit,
  hmtResidence: residencePermit,
  foreignerPermanent,
  passport,
};

export function validateDocument(type: DocumentType, raw: string): ValidDocument {
  const number = normaliseDocument(raw);
  if (number === '') invalid(`请填写${DOCUMENT_TYPE_NAMES[type]}号码`);
  VALIDATORS[type](number);
  // An HK/Macao permit keeps its 8-digit core across renewals; the last two digits count issues.
  const indexKey = type === 'hkMacaoPermit' ? number.slice(0, 9) : type === 'passport' ? `P:${number}` : number;
  return { type, number, indexKey };
}

export const DOCUMENT_TYPES = Object.keys(DOCUMENT_TYPE_NAMES) as DocumentType[];

/** The index keys a typed number would have as each document type it is valid as (for search). */
export function documentIndexKeys(raw: string): string[] {
  const keys = new Set<string>();
  for (const type of DOCUMENT_TYPES) {
    try {
      keys.add(validateDocument(type, raw).indexKey);
    } catch {
      // not a valid number of this type
    }
  }
  return [...keys];
}
