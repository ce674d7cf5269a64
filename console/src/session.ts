import { computed, reactive } from 'vue';
import type { AccountRole, MeResult } from '@typings/account';
import type { Permission } from '@typings/models';
import { call } from './api';

const UNION_KEY = 'console.unionId';

/** Who is logged in and which of their unions the console is working in (kept across a refresh). */
export const session = reactive({
  loaded: false,
  me: null as MeResult | null,
  unionId: sessionStorage.getItem(UNION_KEY) ?? '',
});

export const currentRole = computed<AccountRole | undefined>(() => {
  const roles = session.me?.roles ?? [];
  return roles.find((r) => r.unionId === session.unionId) ?? roles.find((r) => r.role !== 'provinceOffice') ?? roles[0];
});

export const isProvinceOffice = computed(() => (session.me?.roles ?? []).some((r) => r.role === 'provinceOffice'));

/** The same rule as the functions' holdsRight: an admin holds every right, an operator the chosen ones. */
export function can(permission: Permission): boolean {
  const role = currentRole.value;
  if (!role || role.role === 'provinceOffice') return false;
  return role.role === 'admin' || role.permissions.includes(permission);
}

/**
 * Whether the current role may open a menu (or a route with the same meta). The province office
 * works only on the platform's own reviews; union roles by the right each menu needs.
 */
export function mayOpen(item: { path?: string; permission?: Permission; provinceOffice?: boolean }): boolean {
  if (currentRole.value?.role === 'provinceOffice') return item.provinceOffice === true || item.path === '/dashboard';
  return item.permission ? can(item.permission) : true;
}

export function chooseUnion(unionId: string): void {
  session.unionId = unionId;
  sessionStorage.setItem(UNION_KEY, unionId);
}

export async function loadSession(): Promise<MeResult> {
  const me = await call('account', 'me', {});
  session.me = me.registered ? me : null;
  session.loaded = true;
  if (session.me && !session.me.roles.some((r) => r.unionId === session.unionId)) {
    const first = session.me.roles.find((r) => r.role !== 'provinceOffice') ?? session.me.roles[0];
    chooseUnion(first?.unionId ?? '');
  }
  return me;
}

export function clearSession(): void {
  session.me = null;
  session.loaded = true;
}
