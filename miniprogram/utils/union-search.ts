import type { UnionSearchHit } from '../../typings/member';
import { call } from '../api/client';
import { run } from './ui';

/** The union-and-unit search both the application and the transfer pages use. */
type Host = { setData(d: Record<string, unknown>): void; data: Record<string, unknown> };

/** The search state both pages start from. */
export function searchData() {
  return { keyword: '', hits: [] as UnionSearchHit[], reasons: [] as string[], searched: false, picked: null as UnionSearchHit | null, unitName: '' };
}

export async function searchUnionsInto(page: Host): Promise<void> {
  const res = await run(page, () => call('member', 'searchUnions', { keyword: String(page.data.keyword ?? '') }));
  if (res) page.setData({ hits: res.hits, reasons: res.notFoundReasons, searched: true, picked: null });
}

export function pickHit(page: Host, e: WechatMiniprogram.TouchEvent): void {
  const hits = page.data.hits as UnionSearchHit[];
  const hit = hits.find((h) => h.id === e.currentTarget.dataset.id) ?? null;
  page.setData({ picked: hit, unitName: String(page.data.unitName || (hit ? hit.unitName : '')) });
}
