/**
 * Union and unit names as bigram tokens, so a search is an index lookup (`searchTokens: {$all}` on a
 * multikey index) instead of an unanchored regex over every union in the province. Names are
 * NFKC-normalised and lower-cased first, so full-width letters and case do not matter.
 */
export function normaliseName(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** Adjacent pairs of code points (a rare character beyond the BMP is one code point). */
export function bigrams(text: string): string[] {
  const cps = [...normaliseName(text)];
  const out = new Set<string>();
  for (let i = 0; i + 1 < cps.length; i++) out.add(cps[i] + cps[i + 1]);
  return [...out];
}

/** What a union document stores in `searchTokens`: the bigrams of its name and its unit's name. */
export function unionSearchTokens(u: { name: string; unitName: string }): string[] {
  return [...new Set([...bigrams(u.name), ...bigrams(u.unitName)])];
}

/**
 * Bigrams of generic words in union and unit names (工会, 委员会, 有限公司, 街道...): nearly every union
 * has them, so bounding an index scan on one reads much of the province. They stay in the index
 * (a keyword made only of them still finds something) but a query bounds on distinctive ones.
 */
const COMMON_BIGRAMS = new Set([
  '工会',
  '委员',
  '员会',
  '有限',
  '限公',
  '公司',
  '集团',
  '股份',
  '份有',
  '分公',
  '联合',
  '合会',
  '街道',
  '道办',
  '办事',
  '事处',
  '总工',
  '广东',
  '东省',
  '广州',
  '州市',
  '深圳',
  '圳市',
  '市总',
  '区总',
  '县总',
  '镇总',
]);
/** Each extra token is one more candidate plan to race; three distinctive ones narrow enough. */
const MAX_QUERY_TOKENS = 3;

/** The tokens a search bounds on: distinctive bigrams spread over the keyword (all of them if none is). */
export function queryTokens(keyword: string): string[] {
  const all = bigrams(keyword);
  const distinctive = all.filter((t) => !COMMON_BIGRAMS.has(t));
  const pool = distinctive.length ? distinctive : all;
  if (pool.length <= MAX_QUERY_TOKENS) return pool;
  const step = (pool.length - 1) / (MAX_QUERY_TOKENS - 1);
  return [...new Set(Array.from({ length: MAX_QUERY_TOKENS }, (_, i) => pool[Math.round(i * step)]))];
}
