import type { UnionSearchHit, UnionSearchResult } from '../../../typings/member';
import { requireActor } from '../actor';
import { cmd, db } from '../db';
import type { UnionDoc } from '../documents';
import type { HandlerContext } from '../handler';
import { queryTokens } from './search-tokens';
import { typeName } from './unions';

/** Finding unions by name: the member's union-and-unit search, and the keyword filters of the admin lists. */

export const NOT_FOUND_REASONS = [
  '本级工会与单位尚未进行工会组织登记：请联系单位工会先扫上级工会的登记二维码完成登记。',
  '您搜索的是基层以上工会：基层以上工会中只有集团公司、工联会、直属机关和“其他”类型可以直接登记会员；其中“其他”、集团公司、工联会请用其所属（上级）工会的名称检索。',
  '工会或单位登记时的名称与您输入的不一致：请换用单位全称、简称或名称中的关键字再试，或向单位工会确认登记名称。',
];

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A case-insensitive contains-match on a keyword taken literally. */
export function like(keyword: string) {
  return db().RegExp({ regexp: escapeRegExp(keyword), options: 'i' });
}

const HOLDING_SUBTYPES = ['group', 'federation', 'organ', 'other'];
const SEARCH_LIMIT = 30;

/**
 * Union and unit search for 会员登记 / 入会 / 会籍转移, offering only unions that may hold members.
 * Exact names come first (an equality on `name` / `unitName`), then unions whose bigram tokens hold
 * every bigram of the keyword (a multikey index lookup), checked against the name itself.
 */
export async function searchUnions({ keyword }: { keyword: string }, ctx: HandlerContext): Promise<UnionSearchResult> {
  await requireActor(ctx);
  const _ = cmd();
  const unions = db().collection('unions');
  const re = like(keyword);
  // Tokens narrow the candidates through the index; the regex then checks the name itself.
  const tokens = queryTokens(keyword);
  const contains = _.or([{ name: re }, { unitName: re }]);
  const holding = _.or([{ category: 'grassroots' }, { subtype: _.in(HOLDING_SUBTYPES) }]);
  const [exact, direct, parents] = await Promise.all([
    unions
      .where(_.and([_.or([{ name: keyword }, { unitName: keyword }]), { status: 'active' }, holding]))
      .limit(10)
      .get(),
    unions
      .where(_.and([{ searchTokens: _.all(tokens), status: 'active' }, holding, contains]))
      .limit(SEARCH_LIMIT)
      .get(),
    // 其他 / 集团公司 / 工联会 are also found by the name of the union they belong to (spec §三.4).
    unions
      .where(_.and([{ searchTokens: _.all(tokens), status: 'active', category: 'above' }, { name: re }]))
      .limit(20)
      .get(),
  ]);
  const hits = new Map<string, UnionSearchHit>();
  for (const u of [...(exact.data as UnionDoc[]), ...(direct.data as UnionDoc[])]) {
    if (!hits.has(u._id)) hits.set(u._id, { id: u._id, name: u.name, unitName: u.unitName, typeName: typeName(u) });
  }
  const parentIds = (parents.data as UnionDoc[]).map((p) => p._id);
  if (parentIds.length) {
    const children = await unions
      .where({ parentId: _.in(parentIds), status: 'active', subtype: _.in(['group', 'federation', 'other']) })
      .limit(SEARCH_LIMIT)
      .get();
    for (const c of children.data as UnionDoc[]) {
      if (!hits.has(c._id)) {
        const parent = (parents.data as UnionDoc[]).find((p) => p._id === c.parentId);
        hits.set(c._id, {
          id: c._id,
          name: c.name,
          unitName: c.unitName,
          typeName: typeName(c),
          viaParent: parent?.name ?? '',
        });
      }
    }
  }
  const list = [...hits.values()];
  return { hits: list, notFoundReasons: list.length ? [] : NOT_FOUND_REASONS };
}
