import { createContext, useContext } from 'react';

export type Lang = 'zh' | 'en';

const WORDS = {
  overview: ['概览', 'Overview'],
  merchants: ['商家', 'Merchants'],
  reviewQueue: ['审核队列', 'Review queue'],
  rules: ['规则', 'Rules'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出', 'Sign out'],
  username: ['用户名', 'Username'],
  password: ['密码', 'Password'],
  violationsPerSecond: ['违规/秒（流入）', 'Violations/s in'],
  decisionsPerSecond: ['决定/秒（流出）', 'Decisions/s out'],
  deadLetters: ['死信', 'Dead letters'],
  outboxBacklog: ['待发布', 'Outbox backlog'],
  consumerLag: ['消费延迟', 'Consumer lag'],
  lastHour: ['最近一小时', 'Last hour'],
  last30Days: ['最近 30 天', 'Last 30 days'],
  sanctionsToday: ['今日处罚（按节点）', 'Sanctions today by node'],
  finesCharged: ['罚款', 'Fines charged'],
  sanctions: ['处罚', 'Sanctions'],
  search: ['搜索商家 ID', 'Search merchant id'],
  merchant: ['商家', 'Merchant'],
  points: ['扣分', 'Points'],
  general: ['一般', 'General'],
  serious: ['严重', 'Serious'],
  activeMeasures: ['生效中的措施', 'Active measures'],
  endsAt: ['结束时间', 'Ends'],
  timeLeft: ['剩余', 'Time left'],
  permanent: ['永久/一次性', 'permanent / one-off'],
  deposit: ['保证金', 'Deposit'],
  required: ['应缴', 'Required'],
  balance: ['余额', 'Balance'],
  topUpDue: ['补缴截止', 'Top-up due'],
  examChance: ['以考代罚', 'Exam chance'],
  deadlines: ['截止日期', 'Deadlines'],
  forgeryCases: ['资质造假案件', 'Forgery cases'],
  appeals: ['申诉', 'Appeals'],
  notifications: ['通知', 'Notifications'],
  channel: ['渠道', 'Channel'],
  status: ['状态', 'Status'],
  accept: ['通过', 'Accept'],
  reject: ['驳回', 'Reject'],
  rejectionReason: ['驳回原因', 'Rejection reason'],
  kind: ['类型', 'Kind'],
  deadline: ['截止', 'Deadline'],
  evidence: ['证据', 'Evidence'],
  submittedAt: ['提交时间', 'Submitted'],
  nothingToReview: ['没有待审核事项', 'Nothing to review'],
  version: ['版本', 'Version'],
  effectiveFrom: ['生效日期', 'Effective from'],
  catalogue: ['违规目录', 'Violation catalogue'],
  ladder: ['严重违规扣分节点', 'Serious ladder'],
  depositTable: ['保证金标准', 'Deposit table'],
  none: ['无', 'none'],
  decided: ['已处理', 'Decided'],
  replay: ['重放', 'Replay'],
  timeline: ['时间线', 'Timeline'],
  pointsByYear: ['各年度扣分', 'Points by natural year'],
  replayed: ['已重放', 'Replayed'],
  whatWasFixed: ['修复了什么（记入审计）', 'What was fixed (audited)'],
  reason: ['原因', 'Reason'],
  detail: ['详情', 'Detail'],
  deadAt: ['进入死信时间', 'Dead-lettered'],
} as const satisfies Record<string, readonly [string, string]>;

export type Word = keyof typeof WORDS;

export const LangContext = createContext<Lang>('zh');

export function useT(): (word: Word) => string {
  const lang = useContext(LangContext);
  return (word) => WORDS[word][lang === 'zh' ? 0 : 1];
}
