import { AppError } from '../app-error';

/**
 * Names and phones. A name may hold any CJK character, including the extensions beyond the BMP
 * (𠇔, 䶮 …) that the system being replaced could not store, and the `·` of minority and foreign names.
 */
const NAME_SEPARATORS = /[\u00b7\u2022\u2027\u30fb\uff0e\u318d\u0387]/g;
const NAME_CHARS = /^[\p{Script=Han}\p{L}\p{M}·' .-]+$/u;

export function normaliseName(raw: string): string {
  return raw.normalize('NFC').trim().replace(NAME_SEPARATORS, '·').replace(/\s+/g, ' ');
}

export function validateName(raw: unknown, field = 'name'): string {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === ''))
    throw new AppError('INVALID_INPUT', '请填写姓名', field);
  if (typeof raw !== 'string') throw new AppError('INVALID_INPUT', '姓名应为文字', field);
  if (!raw.isWellFormed()) throw new AppError('INVALID_INPUT', '姓名含有无法识别的字符，请重新输入', field);
  const name = normaliseName(raw);
  const length = [...name].length;
  if (length > 50) throw new AppError('INVALID_INPUT', `姓名不能超过 50 个字，当前为 ${length} 个字`, field);
  if (!NAME_CHARS.test(name) || !/\p{L}/u.test(name)) {
    throw new AppError('INVALID_INPUT', '姓名只能包含汉字（含生僻字）、字母和分隔符“·”，请按证件填写', field);
  }
  if (/^[·' .-]|[·' .-]$|··/.test(name))
    throw new AppError('INVALID_INPUT', '分隔符“·”不能在姓名开头、结尾或连续出现', field);
  return name;
}

export function validatePhone(raw: unknown, field = 'phone'): string {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === ''))
    throw new AppError('INVALID_INPUT', '请填写手机号码', field);
  if (typeof raw !== 'string') throw new AppError('INVALID_INPUT', '手机号码应为文字', field);
  const phone = raw
    .trim()
    .replace(/[\s-]/g, '')
    .replace(/^\+?86/, '');
  if (!/^1[3-9]\d{9}$/.test(phone))
    throw new AppError('INVALID_INPUT', '手机号码应为 11 位数字并以 1 开头，请核对', field);
  return phone;
}

export function validatePassword(raw: unknown, field = 'password'): string {
  if (raw === undefined || raw === null || raw === '') throw new AppError('INVALID_INPUT', '请设置密码', field);
  if (typeof raw !== 'string') throw new AppError('INVALID_INPUT', '密码格式不正确', field);
  if (raw.length < 8 || raw.length > 32) throw new AppError('INVALID_INPUT', '密码应为 8 至 32 位', field);
  if (!/[A-Za-z]/.test(raw) || !/\d/.test(raw)) throw new AppError('INVALID_INPUT', '密码需同时包含字母和数字', field);
  if (/[^\x21-\x7e]/.test(raw)) throw new AppError('INVALID_INPUT', '密码只能包含字母、数字和英文符号', field);
  return raw;
}
