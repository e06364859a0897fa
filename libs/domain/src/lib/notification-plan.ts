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

/**
 * The merchant's remedies (sections 4 to 7), one template per event type and state, keyed
 * `<event type>:<variant>` (the variant is the status, or OFFER when an exam choice opens).
 */
const T = (key: string, zhTitle: string, enTitle: string, zh: string, en: string): NotificationTemplate => ({ key, title: { 'zh-CN': zhTitle, en: enTitle }, body: { 'zh-CN': zh, en } });
export const REMEDY_TEMPLATES: Record<string, NotificationTemplate> = {
  'appeal.updated.v1:PENDING': T('appeal-filed', '申诉已受理', 'Appeal received', '您对{subject}的第 {round} 次申诉已受理，等待审核。', 'Your appeal (round {round}) against {subject} was received and awaits review.'),
  'appeal.updated.v1:ACCEPTED': T('appeal-accepted', '申诉通过', 'Appeal accepted', '您对{subject}的申诉已通过，原处理撤销。', 'Your appeal against {subject} was accepted: the decision is revoked.'),
  'appeal.updated.v1:REJECTED': T(
    'appeal-rejected', '申诉未通过', 'Appeal rejected',
    '您对{subject}的第 {round} 次申诉未通过，原因：{rejectionReason}。{secondAppeal}',
    'Your appeal (round {round}) against {subject} was rejected: {rejectionReason}. {secondAppeal}',
  ),
  'exam-chance.updated.v1:GRANTED': T('exam-chance-granted', '以考代罚机会', 'Exam-instead-of-penalty chance', '您获得 {naturalYear} 年以考代罚机会一次，有效期至 {expiresAt}。', 'You hold an exam-instead-of-penalty chance for {naturalYear}, valid until {expiresAt}.'),
  'exam-chance.updated.v1:OFFER': T('exam-chance-offer', '可使用以考代罚', 'Exam instead of penalty available', '违规 {violationId} 可使用以考代罚机会免除扣分，请于 {choiceClosesAt} 前选择。', 'Violation {violationId} may use your exam chance to waive its points: choose by {choiceClosesAt}.'),
  'exam-chance.updated.v1:CHOSEN': T('exam-chance-chosen', '已选择以考代罚', 'Exam chance used', '已为违规 {violationId} 使用以考代罚机会，请参加规则考试。', 'Your exam chance is used for violation {violationId}: please take the rules exam.'),
  'exam-chance.updated.v1:PASSED': T('exam-passed', '考试通过', 'Exam passed', '考试通过，违规 {violationId} 的扣分已免除；商品处理不撤销。', 'Exam passed: the points of violation {violationId} are waived; item handling stays.'),
  'exam-chance.updated.v1:FAILED': T('exam-failed', '考试未通过', 'Exam failed', '考试未通过，违规 {violationId} 的扣分不变。', 'Exam failed: the points of violation {violationId} stand.'),
  'exam-chance.updated.v1:REFUSED': T('exam-chance-refused', '以考代罚机会被拒绝', 'Exam chance refused', '平台拒绝了您的以考代罚机会：{reason}', 'The platform refused your exam chance: {reason}'),
  'exam-chance.updated.v1:VOIDED': T('exam-chance-voided', '以考代罚机会被取消', 'Exam chance voided', '平台取消了您的以考代罚机会：{reason}。已免除的扣分将恢复。', 'The platform voided your exam chance: {reason}. Points it waived are restored.'),
  'exam-chance.updated.v1:EXPIRED': T('exam-chance-expired', '以考代罚机会已过期', 'Exam chance expired', '您的以考代罚机会已于 {expiresAt} 过期。', 'Your exam chance expired at {expiresAt}.'),
  'deposit.updated.v1:SHORT': T(
    'deposit-shortfall', '保证金不足', 'Deposit shortfall',
    '{change}保证金余额 {balance}，应缴 {required}，差额 {shortfall}。请于 {topUpDueAt} 前补缴，逾期店铺将被监管。',
    '{change}Deposit balance {balance} of {required} required: {shortfall} short. Top up by {topUpDueAt}, or the store is put under supervision.',
  ),
  'deposit.updated.v1:OVERDUE': T(
    'deposit-overdue', '保证金补缴逾期', 'Deposit top-up overdue',
    '保证金未在 {topUpDueAt} 前补足（差额 {shortfall}），店铺已被监管，补足后解除。',
    'The deposit was not topped up by {topUpDueAt} ({shortfall} short): the store is under supervision until it is.',
  ),
  'deposit.updated.v1:OK': T('deposit-updated', '保证金变动', 'Deposit update', '{change}保证金余额 {balance}，应缴 {required}。', '{change}Deposit balance {balance} of {required} required.'),
  'forgery-case.updated.v1:OPEN': T(
    'forgery-case-opened', '资质造假案件', 'Qualification forgery case',
    '因违规 {violationId} 立案（第 {caseNumber} 起资质造假）。请于 {remediationClosesAt} 前提交有效、链路完整、真实的资质材料。',
    'Case opened for violation {violationId} (qualification forgery no. {caseNumber}). Submit valid, complete and truthful documents by {remediationClosesAt}.',
  ),
  'forgery-case.updated.v1:REMEDIATION_SUBMITTED': T('forgery-remediation-submitted', '整改材料已提交', 'Remediation submitted', '案件 {caseId} 的整改材料已提交，等待审核。', 'Remediation documents for case {caseId} were submitted and await review.'),
  'forgery-case.updated.v1:REMEDIED': T('forgery-remedied', '整改通过', 'Remediation accepted', '案件 {caseId} 的整改已通过，按规则处以罚款。', 'The remediation of case {caseId} was accepted; the rule fine applies.'),
  'forgery-case.updated.v1:UNREMEDIED': T('forgery-unremedied', '整改期届满', 'Remediation window closed', '案件 {caseId} 整改期内未提交合格材料：取消相应链路品牌授权、下架相关商品并处罚款。', 'No accepted documents for case {caseId} in time: the brand authorisation is revoked, related items delisted and a fine charged.'),
  'forgery-case.updated.v1:CLEARED_OUT': T('forgery-cleared-out', '清退通知', 'Merchant cleared out', '案件 {caseId}（第 {caseNumber} 起资质造假）：清退店铺并扣除全部保证金。', 'Case {caseId} (forgery no. {caseNumber}): the store is cleared out and the whole deposit confiscated.'),
  'forgery-case.updated.v1:REVOKED': T('forgery-case-revoked', '案件撤销', 'Case revoked', '案件 {caseId} 经申诉撤销，相关处罚解除。', 'Case {caseId} was revoked on appeal; its sanctions are lifted.'),
};

/** How a decision's subject is named to the merchant in an appeal notice. */
export const APPEAL_SUBJECT_LABELS: Record<string, Record<Locale, string>> = {
  PENALTY: { 'zh-CN': '违规扣分', en: 'the penalty of violation' },
  SANCTION: { 'zh-CN': '处罚', en: 'sanction' },
  FORGERY_CASE: { 'zh-CN': '资质造假案件', en: 'forgery case' },
};

/** Sentences that fill remedy templates' optional parts. */
export const REMEDY_PHRASES = {
  secondAppeal: { 'zh-CN': '您可在 {deadline} 前再申诉一次。', en: 'You may appeal once more until {deadline}.' },
  noMoreAppeal: { 'zh-CN': '不可再申诉。', en: 'No further appeal is possible.' },
  FINE_CHARGED: { 'zh-CN': '扣除罚款 {amount}。', en: 'A fine of {amount} was charged. ' },
  FORFEITURE: { 'zh-CN': '保证金 {amount} 已作为违约金扣除。', en: 'The deposit ({amount}) was forfeited. ' },
  FINE_REFUNDED: { 'zh-CN': '退还罚款 {amount}。', en: '{amount} was refunded. ' },
  PAYMENT: { 'zh-CN': '收到保证金缴纳 {amount}。', en: 'A payment of {amount} was received. ' },
  REQUIREMENT: { 'zh-CN': '', en: '' },
  TOP_UP_OVERDUE: { 'zh-CN': '', en: '' },
} as const satisfies Record<string, Record<Locale, string>>;

/** Fills `{name}` placeholders of a phrase. */
export function fillPhrase(text: string, params: Record<string, string | number | null | undefined>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined || params[name] === null ? whole : String(params[name])));
}

/** Fills a template's title and body; a placeholder with no value stays visible rather than vanishing. */
export function renderTemplate(eventType: string, locale: Locale, params: Record<string, string | number | null | undefined>): { key: string; title: string; body: string } {
  const template = NOTIFICATION_TEMPLATES[eventType] ?? REMEDY_TEMPLATES[eventType];
  if (!template) throw new Error(`no notification template for ${eventType}`);
  const fill = (text: string) => fillPhrase(text, params);
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
