import type { DocumentType } from '../../../typings/models';
import { AppError } from '../app-error';
import { cmd, db } from '../db';
import { documentIndexKeys } from '../identity/documents';
import { cleanDocNumber, cleanPhone } from '../importer/normalise';
import { escapeRegExp } from '../org/search';
import { blindIndex, maskDocument } from '../security/pii';

/**
 * Member search as index lookups within a union (`searchTokens` on the index {unionId, status,
 * realName, searchTokens, joinedAt, _id}), never a regex over the union's rows:
 *   - a name: its first character and every adjacent pair of the normalised name, so a surname (王),
 *     a compound surname or part of a given name (欧阳, 小明) and a full name each find their rows;
 *   - the tail a clerk reads off a masked number (`138****5678` → `#5678`, `4401**********123X` →
 *     `#123X`). Only what the mask already shows in clear is stored, never more of the number;
 *   - a full phone or ID number goes through the existing blind indexes (phoneIndex, docIndex).
 */

/** What the tokens are made of: the name and the masked numbers a list shows. */
export interface SearchableMember {
  name: string;
  docType: DocumentType;
  doc: { masked: string };
  phone: { masked: string } | null;
}

/** Spaces and the separators a name may be written with (`·` and its look-alikes, `.`, `'`, `-`). */
const NAME_SEPARATORS = /[\s\u00b7\u2022\u2027\u30fb\u318d\u0387.'-]/gu;
const TAIL = '#';
const IDEOGRAPHS = /^[\u4e00-\u9fff]*$/;

/** A name as its tokens see it: NFKC (full-width letters as ASCII), lower case, no separators. */
export function searchableName(text: string): string[] {
  // A name of CJK ideographs alone (most of them) is already all three: NFKC leaves U+4E00–U+9FFF as they are.
  if (IDEOGRAPHS.test(text)) return text.split('');
  return [...text.normalize('NFKC').toLowerCase().replace(NAME_SEPARATORS, '')];
}

/**
 * The first character (a one-character keyword is a surname: 王 finds 王小明, not 小王) and every
 * adjacent pair. Each token is a key in the index every import writes, so single characters past
 * the first are left out: they would add half again to the keys and find names no clerk means.
 */
function nameTokens(name: string): string[] {
  const cps = searchableName(name);
  const out = new Set(cps.slice(0, 1));
  for (let i = 0; i + 1 < cps.length; i++) out.add(cps[i] + cps[i + 1]);
  return [...out];
}

/** The characters a mask leaves visible at the end (`139****0411` → `0411`). */
function visibleTail(masked: string): string {
  const star = masked.lastIndexOf('*');
  return star < 0 ? '' : masked.slice(star + 1).toUpperCase();
}

export function memberSearchTokens(m: SearchableMember): string[] {
  const tokens = nameTokens(m.name);
  const tails = [visibleTail(maskDocument(m.doc.masked, m.docType)), m.phone ? visibleTail(m.phone.masked) : ''];
  for (const t of tails) if (t && !tokens.includes(TAIL + t)) tokens.push(TAIL + t);
  return tokens;
}

/** The row with its tokens: every writer of a member's name or numbers goes through this. */
export function withSearchTokens<T extends SearchableMember>(m: T): T & { searchTokens: string[] } {
  return { ...m, searchTokens: memberSearchTokens(m) };
}

/**
 * A name keyword of three or more characters bounds on its pairs; the stored name must then hold
 * the keyword in one piece (pairs alone would also match 小明王小 for 王小明). Separators may sit
 * between the characters, and an ASCII letter also matches its full-width form.
 */
function inOnePiece(chars: string[]) {
  const piece = chars
    .map((c) => (/^[0-9a-z]$/.test(c) ? `[${c}${String.fromCharCode(c.charCodeAt(0) + 0xfee0)}]` : escapeRegExp(c)))
    .join("[\\s\u00b7\u2022\u2027\u30fb\u318d\u0387.'-]?");
  return db().RegExp({ regexp: piece, options: 'i' });
}

/** The filter (within the union's rows) a clerk's keyword stands for. */
export function memberKeywordFilter(keyword: string): Record<string, unknown> {
  const _ = cmd();
  const compact = keyword.normalize('NFKC').replace(/\s+/g, '');
  if (!/\d/.test(compact)) {
    const chars = searchableName(compact);
    if (chars.length === 0) throw new AppError('INVALID_INPUT', '请输入会员姓名、手机号或证件号码再搜索', 'keyword');
    if (chars.length <= 2) return { searchTokens: chars.join('') };
    const pairs = [...new Set(chars.slice(1).map((c, i) => chars[i] + c))];
    return _.and([{ searchTokens: _.all(pairs) }, { name: inOnePiece(chars) }]) as unknown as Record<string, unknown>;
  }
  const number = cleanDocNumber(keyword);
  // A tail, typed or copied with its mask from a list (`138****5678`).
  const shown = number.includes('*') ? number.slice(number.lastIndexOf('*') + 1) : number;
  if (/^[0-9A-Z]{1,4}$/.test(shown)) return { searchTokens: TAIL + shown };
  const clauses: Array<Record<string, unknown>> = [];
  const phone = cleanPhone(keyword);
  if (/^1[3-9]\d{9}$/.test(phone)) clauses.push({ phoneIndex: blindIndex('phone', phone) });
  const docKeys = documentIndexKeys(number).map((k) => blindIndex('doc', k));
  if (docKeys.length) clauses.push({ docIndex: _.in(docKeys) });
  if (clauses.length === 0)
    throw new AppError(
      'INVALID_INPUT',
      '按号码搜索请输入完整的手机号或证件号码，或列表中显示的号码末尾几位（如手机号后 4 位）',
      'keyword',
    );
  return clauses.length === 1 ? clauses[0] : (_.or(clauses) as unknown as Record<string, unknown>);
}

/** The row's tokens are missing or no longer those of its name and masks (rows written before tokens existed). */
export function searchTokensStale(m: SearchableMember & { searchTokens?: string[] }): boolean {
  const want = memberSearchTokens(m);
  const have = new Set(m.searchTokens ?? []);
  return have.size !== want.length || want.some((t) => !have.has(t));
}
