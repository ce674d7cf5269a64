/**
 * What people type into a spreadsheet, made comparable: a Chinese input method gives full-width
 * digits and letters (１３８…, Ｘ), ideographic and non-breaking spaces, `＋８６`, and phones written
 * as 138-0013-8000. Text cells get NFKC for digits and letters only: names and unit names keep
 * their full-width brackets and their rare characters exactly; numbers get full NFKC.
 */

/** Zero-width characters that copy-paste from web pages and WeChat leaves inside cells. */
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff]/g;
const DASHES = /[-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g;

const FULL_WIDTH_ALNUM = /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g;
/**
 * Visible ASCII and CJK ideographs, without any space: what almost every name, number and unit
 * name is, and what cleanText leaves as it is (both are NFC already), so an import skips its passes.
 */
const ALREADY_CLEAN = /^[\x21-\x7e\u4e00-\u9fff]*$/;

/** A cell as text: full-width digits and letters as ASCII, any space (U+3000, U+00A0 …) as one space, invisible characters gone, trimmed. */
export function cleanText(raw: string): string {
  if (ALREADY_CLEAN.test(raw)) return raw;
  return raw
    .normalize('NFC')
    .replace(FULL_WIDTH_ALNUM, (c) => c.normalize('NFKC'))
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A document number: NFKC, no spaces at all, upper case (a typed `x` check character is `X`). */
export function cleanDocNumber(raw: string): string {
  return cleanText(raw.normalize('NFKC')).replace(/\s+/g, '').toUpperCase();
}

/** A mobile number: NFKC, no spaces, dashes or brackets, and no +86 / 0086 country code. */
export function cleanPhone(raw: string): string {
  const compact = cleanText(raw.normalize('NFKC'))
    .replace(/[\s()]/g, '')
    .replace(DASHES, '');
  const national = /^(?:\+86|0086|86)(1\d{10})$/.exec(compact);
  return national ? national[1] : compact;
}

/** Header cells: `*姓名`, `姓名（必填）` and `手机 号码` all name the same column. */
export function cleanHeader(raw: string): string {
  return cleanText(raw.normalize('NFKC'))
    .replace(/[(（][^)）]*[)）]/g, '')
    .replace(/[*＊:：\s]/g, '');
}

/** Two spellings of one name compare equal: NFKC, and no spaces or separator variants. */
export function nameKey(name: string): string {
  return cleanText(name).replace(/[\s\u00b7\u2022\u2027\u30fb\u318d\u0387.]/g, '');
}

/** `张*`, `欧阳**`: enough for the admin who typed the row to see it is someone else's name. */
export function maskedName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 3))}`;
}

/** A value quoted in a message, so the admin sees what was read when it is still wrong. */
export function asRead(raw: string): string {
  const chars = [...raw];
  return `（读到的是“${chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : raw}”）`;
}
