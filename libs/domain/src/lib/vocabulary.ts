// The rulebook's closed vocabularies (shared/domain/rules.md sections 1, 3 and the public contract).
// Each is a readonly tuple so that it serves as data (validation, schemas) and as a type.

export const TRACKS = ['GENERAL', 'SERIOUS'] as const;
export type Track = (typeof TRACKS)[number];

export const GENERAL_VIOLATION_CODES = [
  'PROHIBITED_FOR_SALE_LISTING',
  'DELAYED_SHIPMENT',
  'INFORMATION_ABUSE',
  'FAKE_TRANSACTION',
  'AUCTION_NO_PURCHASE',
  'MALICIOUS_HARASSMENT',
  'NOT_AS_DESCRIBED',
  'BROKEN_COMMITMENT',
  'LICENSE_NOT_UPDATED',
  'MEMBER_RIGHTS_ABUSE',
  'IMPROPER_USE_OF_OTHERS_RIGHTS',
] as const;

export const SERIOUS_VIOLATION_CODES = [
  'IMPROPER_REGISTRATION',
  'PROHIBITED_INFORMATION',
  'COUNTERFEIT_MATERIAL',
  'ACCOUNT_THEFT',
  'PRIVACY_LEAK',
  'FRAUD',
  'COUNTERFEIT_GOODS',
  'UNDECLARED_IMPORTS',
  'NON_AGREED_GOODS',
  'MARKET_DISRUPTION',
  'IMPROPER_PROFITEERING',
  'LOAN_DEFAULT',
  'QUALIFICATION_FORGERY',
] as const;

export const VIOLATION_CODES = [...GENERAL_VIOLATION_CODES, ...SERIOUS_VIOLATION_CODES] as const;
export type ViolationCode = (typeof VIOLATION_CODES)[number];

export const SEVERITIES = ['MINOR', 'STANDARD', 'SEVERE'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const EXAM_ELIGIBLE_SCENARIOS = [
  'AD_INFO',
  'DUPLICATE_INFO',
  'WRONG_DESCRIPTION',
  'OTHER_SPAM',
  'COPYRIGHT_IMAGE_MISUSE',
] as const;
export type Scenario = (typeof EXAM_ELIGIBLE_SCENARIOS)[number];

export const ITEM_ACTIONS = ['NONE', 'DELIST', 'DELETE'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

export const WAIVERS = ['SELF_CHECK', 'EXAM', 'APPEAL'] as const;
export type Waiver = (typeof WAIVERS)[number];

export const LADDER_NODES = [12, 24, 36, 48] as const;
export type LadderNode = (typeof LADDER_NODES)[number];

export const MEASURE_TYPES = [
  'STORE_SHIELDING',
  'LISTING_RESTRICTION',
  'MESSAGING_RESTRICTION',
  'STORE_CREATION_RESTRICTION',
  'COMMUNITY_RESTRICTION',
  'PUBLIC_WARNING',
  'MARKETING_BAN',
  'DELIST_ALL_ITEMS',
  'DELIST_RELATED_ITEMS',
  'STORE_CLOSURE',
  'TERMINATION',
  'ACCOUNT_SEAL',
  'DEPOSIT_FORFEITURE',
  'BRAND_AUTHORIZATION_REVOCATION',
  'STORE_SUPERVISION',
] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];

export const SANCTION_CAUSE_KINDS = ['LADDER_NODE', 'FORGERY', 'DEPOSIT_SHORTFALL'] as const;
export type SanctionCauseKind = (typeof SANCTION_CAUSE_KINDS)[number];

export const LIFT_REASONS = [
  'EXPIRED',
  'APPEAL_ACCEPTED',
  'POINTS_RESTORED',
  'DEPOSIT_TOPPED_UP',
  'OPERATOR',
] as const;
export type LiftReason = (typeof LIFT_REASONS)[number];

export const STORE_TYPES = ['FLAGSHIP', 'SPECIALTY', 'FRANCHISE', 'MARKETPLACE_FLAGSHIP'] as const;
export type StoreType = (typeof STORE_TYPES)[number];

export const TRADEMARK_STATUSES = ['TM', 'R'] as const;
export type TrademarkStatus = (typeof TRADEMARK_STATUSES)[number];

export const NOTIFICATION_CHANNELS = ['INBOX', 'EMAIL', 'SMS', 'WEBHOOK'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export const NOTIFICATION_STATUSES = ['DELIVERED', 'FAILED'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export const CURRENCY = 'CNY' as const;
