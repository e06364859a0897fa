// People read Asia/Shanghai times and yuan, whatever the browser's zone.
const TIME = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
const YUAN = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' });

export const shanghaiTime = (iso: string | null | undefined) => (iso ? `${TIME.format(new Date(iso))} (UTC+8)` : '—');
export const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? '—' : YUAN.format(fen / 100));

/** "3d 4h" until an instant; "—" when it has passed or there is none. */
export function timeLeft(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const ms = Date.parse(iso) - now;
  if (ms <= 0) return '—';
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.floor((ms % 86_400_000) / 3_600_000);
  return days > 0 ? `${days}d ${hours}h` : `${hours}h ${Math.floor((ms % 3_600_000) / 60_000)}m`;
}
