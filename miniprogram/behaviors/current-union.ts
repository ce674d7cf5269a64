import type { MyUnion } from '../../typings/org';
import { call } from '../api/client';
import { run } from '../utils/ui';

/**
 * The union an admin is working on, shared by the admin pages: loaded once from org.myUnions,
 * remembered across pages (an admin of several unions switches it on any page), shown by name.
 */
const KEY = 'admin.currentUnionId';
type Host = {
  selectComponent(selector: string): unknown;
  setData(data: Record<string, unknown>): void;
  data: Record<string, unknown>;
};

export const currentUnion = Behavior({
  data: {
    unions: [] as MyUnion[],
    unionId: '',
    unionName: '',
    unionOptions: [] as Array<{ label: string; value: string }>,
    unionPickerVisible: false,
  },
  methods: {
    openUnionPicker() {
      this.setData({ unionPickerVisible: true });
    },
    closeUnionPicker() {
      this.setData({ unionPickerVisible: false });
    },
  },
});

/** Loads the admin's unions and picks the current one (the query's, the remembered one, or the first that fits). */
export async function loadCurrentUnion(
  host: Host,
  opts: { preferred?: string; fits?: (u: MyUnion) => boolean } = {},
): Promise<MyUnion | undefined> {
  const mine = await run(host, () => call('org', 'myUnions', {}));
  if (!mine) return undefined;
  const unions = mine.unions;
  const remembered = String(wx.getStorageSync(KEY) || '');
  const pick =
    unions.find((u) => u.union.id === opts.preferred) ??
    unions.find((u) => u.union.id === remembered && (!opts.fits || opts.fits(u))) ??
    unions.find((u) => !opts.fits || opts.fits(u)) ??
    unions[0];
  host.setData({ unions, unionOptions: unions.map((u) => ({ label: u.union.name, value: u.union.id })), loaded: true });
  if (pick) setCurrentUnion(host, pick);
  return pick;
}

export function setCurrentUnion(host: Host, u: MyUnion): void {
  wx.setStorageSync(KEY, u.union.id);
  host.setData({ unionId: u.union.id, unionName: u.union.name, unionPickerVisible: false });
}

/** The picker's confirm: answers the union chosen, when it changed. */
export function unionFromPicker(
  host: Host,
  e: WechatMiniprogram.CustomEvent<{ value: string[] }>,
): MyUnion | undefined {
  const id = e.detail.value[0];
  const u = (host.data.unions as MyUnion[]).find((x) => x.union.id === id);
  if (!u || u.union.id === host.data.unionId) {
    host.setData({ unionPickerVisible: false });
    return undefined;
  }
  setCurrentUnion(host, u);
  return u;
}
