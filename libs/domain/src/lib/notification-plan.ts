import type { NotificationChannel } from './vocabulary';

export interface MerchantContact {
  email?: string | null;
  phone?: string | null;
  webhookUrl?: string | null;
}

/** Rulebook section 8: the in-app inbox always, and every channel the merchant's contact allows. */
export function channelsFor(contact?: MerchantContact | null): NotificationChannel[] {
  const channels: NotificationChannel[] = ['INBOX'];
  if (contact?.email) channels.push('EMAIL');
  if (contact?.phone) channels.push('SMS');
  if (contact?.webhookUrl) channels.push('WEBHOOK');
  return channels;
}

export interface WebhookRetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  factor: number;
  maxDelayMs: number;
}

/** Project default: 5 attempts, 1 s, 2 s, 4 s, 8 s apart (capped at a minute). */
export const WEBHOOK_RETRY_POLICY: WebhookRetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, factor: 2, maxDelayMs: 60_000 };

/** Delay before the attempt that follows attempt number `attemptNumber` (1-based). */
export function webhookRetryDelayMs(attemptNumber: number, policy: WebhookRetryPolicy = WEBHOOK_RETRY_POLICY): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** Math.max(0, attemptNumber - 1));
}

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export interface NotificationTemplate {
  key: string;
  title: Record<Locale, string>;
  body: Record<Locale, string>;
}

/** One template per decision event type; `{name}` placeholders are filled from the event data. */
export const NOTIFICATION_TEMPLATES: Record<string, NotificationTemplate> = {
  'penalty.assessed.v1': {
    key: 'penalty-assessed',
    title: { 'zh-CN': '违规扣分通知', en: 'Penalty points assessed' },
    body: {
      'zh-CN': '违规 {violationId} 已判定：{track} 扣 {points} 分。{naturalYear} 年累计：一般 {general} 分，严重 {serious} 分。',
      en: 'Violation {violationId} was assessed: {points} {track} point(s). Totals for {naturalYear}: general {general}, serious {serious}.',
    },
  },
  'penalty.adjusted.v1': {
    key: 'penalty-adjusted',
    title: { 'zh-CN': '扣分调整通知', en: 'Penalty points adjusted' },
    body: {
      'zh-CN': '违规 {violationId} 现计 {points} 分（{waiver}）。{naturalYear} 年累计：一般 {general} 分，严重 {serious} 分。',
      en: 'Violation {violationId} now counts for {points} point(s) ({waiver}). Totals for {naturalYear}: general {general}, serious {serious}.',
    },
  },
  'sanction.imposed.v1': {
    key: 'sanction-imposed',
    title: { 'zh-CN': '处罚通知', en: 'Sanction imposed' },
    body: {
      'zh-CN': '处罚 {sanctionId} 已执行：{measures}。罚款 {fine}。申诉截止 {appealDeadline}。',
      en: 'Sanction {sanctionId} was imposed: {measures}. Fine: {fine}. Appeal by {appealDeadline}.',
    },
  },
  'deadline.reminder': {
    key: 'deadline-reminder',
    title: { 'zh-CN': '截止提醒', en: 'Deadline reminder' },
    body: {
      'zh-CN': '提醒：{reference} 的{what}将于 {deadline} 截止。',
      en: 'Reminder: the {what} for {reference} closes at {deadline}.',
    },
  },
  'sanction.lifted.v1': {
    key: 'sanction-lifted',
    title: { 'zh-CN': '处罚解除通知', en: 'Sanction lifted' },
    body: {
      'zh-CN': '处罚 {sanctionId} 的措施已解除：{measures}（{reason}），时间 {liftedAt}。',
      en: 'Measures of sanction {sanctionId} were lifted: {measures} ({reason}) at {liftedAt}.',
    },
  },
};

/** Fills a template's title and body; a placeholder with no value stays visible rather than vanishing. */
export function renderTemplate(eventType: string, locale: Locale, params: Record<string, string | number | null | undefined>): { key: string; title: string; body: string } {
  const template = NOTIFICATION_TEMPLATES[eventType];
  if (!template) throw new Error(`no notification template for ${eventType}`);
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined || params[name] === null ? whole : String(params[name])));
  return { key: template.key, title: fill(template.title[locale]), body: fill(template.body[locale]) };
}

/** Integer fen as a person reads it, e.g. 2000000 -> "¥20,000.00". */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}

/** How a deadline is named to the merchant, by kind (section 8 lists these four). */
export const DEADLINE_LABELS: Record<string, Record<Locale, string>> = {
  APPEAL_WINDOW: { 'zh-CN': '申诉期', en: 'appeal window' },
  EXAM_CHOICE: { 'zh-CN': '以考代罚选择期', en: 'exam-instead-of-penalty choice' },
  DEPOSIT_TOP_UP: { 'zh-CN': '保证金补缴期', en: 'deposit top-up period' },
  FORGERY_REMEDIATION: { 'zh-CN': '资质造假整改期', en: 'forgery remediation window' },
};
