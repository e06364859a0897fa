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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A UUID as 8 of its characters: the first 8, or for a time-ordered UUID (version 7, whose first
 * characters are the same for ids made in the same minutes) "…" and its last 8. Other ids (merchants',
 * violations') are people's words and read whole.
 */
export function shortId(id: string): string {
  if (!UUID.test(id)) return id;
  return id[14] === '7' ? `…${id.slice(-8)}` : id.slice(0, 8);
}

export type Urgency = 'NORMAL' | 'UNDER_A_DAY' | 'OVERDUE';

/**
 * A live clock's reading of a deadline: "2d 03:04:05", "03:04:05" under a day; OVERDUE once it has
 * passed; null without a deadline.
 */
export function countdown(iso: string | null | undefined, now: number): { text: string; urgency: Urgency } | null {
  if (!iso) return null;
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return null;
  if (ms <= 0) return { text: '', urgency: 'OVERDUE' };
  const seconds = Math.floor(ms / 1_000);
  const days = Math.floor(seconds / 86_400);
  const clock = [Math.floor((seconds % 86_400) / 3_600), Math.floor((seconds % 3_600) / 60), seconds % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return { text: days > 0 ? `${days}d ${clock}` : clock, urgency: days > 0 ? 'NORMAL' : 'UNDER_A_DAY' };
}
