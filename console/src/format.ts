/** Times as a Chinese office reads them: 2026-03-01 14:05. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

const SOURCES: Record<string, string> = { import: '导入', register: '注册入会', join: '申请入会', transfer: '转入' };

/** How a member came to the union, as the member lists show it. */
export function sourceName(source: string): string {
  return SOURCES[source] ?? source;
}
