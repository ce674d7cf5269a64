import { AppError } from '../app-error';

/** GB 32100-2015 unified social credit code: 18 characters, the last a MOD 31 check character. */
const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARS.indexOf(first17[i]) * WEIGHTS[i];
  return CHARS[(31 - (sum % 31)) % 31];
}

export function validateCreditCode(raw: unknown, field = 'creditCode'): string {
  if (typeof raw !== 'string' || raw.trim() === '')
    throw new AppError('INVALID_INPUT', '请填写统一社会信用代码', field);
  const code = raw.trim().toUpperCase();
  if (code.length !== 18)
    throw new AppError('INVALID_INPUT', `统一社会信用代码应为 18 位，当前为 ${code.length} 位`, field);
  if (![...code].every((c) => CHARS.includes(c))) {
    throw new AppError('INVALID_INPUT', '统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）', field);
  }
  if (creditCodeCheckChar(code.slice(0, 17)) !== code[17])
    throw new AppError('INVALID_INPUT', '统一社会信用代码校验位不正确，请核对最后一位', field);
  return code;
}
