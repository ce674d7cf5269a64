/**
 * Times as people in Guangdong read them: the server sends ISO instants in UTC; Beijing time is
 * UTC+8 all year (no daylight saving), so a fixed offset is exact and needs no Intl data on the phone.
 */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-26T11:51:51.492Z` → `2026-11-26 19:51`; anything unparsable is shown as given. */
export function beijingTime(iso: string | undefined, withSeconds = false): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t + BEIJING_OFFSET_MS);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${withSeconds ? `:${pad(d.getUTCSeconds())}` : ''}`;
  return `${date} ${time}`;
}

/** t-tag themes for application statuses: waiting is a warning, decided is success or danger. */
export const STATUS_TAG_THEMES: Record<string, 'warning' | 'success' | 'danger' | 'default'> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
  withdrawn: 'default',
};
