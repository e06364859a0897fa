import type { StoreType, TrademarkStatus } from './vocabulary';

const CNY = 100;

/** Category keys that the deposit overrides of rulebook section 7 use (merchant profile `categories`). */
export const DEPOSIT_CATEGORIES = [
  'BOOKS_AUDIO_VIDEO',
  'SERVICES',
  'E_TICKETS',
  'MEDICAL_HEALTH_SERVICES',
  'OTC_DRUGS_MEDICAL_DEVICES',
  'CONTACT_LENSES',
  'CHINESE_HERBAL_MEDICINE',
  'ONLINE_GAMES_QQ',
  'PHONE_TOPUP_TELECOM',
  'TRAVEL',
  'CARS',
  'NO_MAINLAND_TRADEMARK',
] as const;
export type DepositCategory = (typeof DEPOSIT_CATEGORIES)[number];

export interface DepositProfile {
  storeType: StoreType;
  trademarkStatus: TrademarkStatus;
  categories: readonly string[];
}

/** The base table: by store type and trademark status. */
export const DEPOSIT_TABLE_FEN: Record<'FLAGSHIP_OR_SPECIALTY' | 'FRANCHISE', Record<TrademarkStatus, number>> = {
  FLAGSHIP_OR_SPECIALTY: { TM: 100_000 * CNY, R: 50_000 * CNY },
  FRANCHISE: { TM: 150_000 * CNY, R: 100_000 * CNY },
};

/** Category overrides; each replaces the table. A function of the profile because some depend on the store type. */
const OVERRIDES: { applies: (p: DepositProfile) => boolean; fen: (p: DepositProfile) => number }[] = [
  { applies: (p) => p.storeType === 'MARKETPLACE_FLAGSHIP', fen: () => 150_000 * CNY },
  { applies: (p) => p.storeType === 'FRANCHISE' && p.categories.includes('NO_MAINLAND_TRADEMARK'), fen: () => 150_000 * CNY },
  { applies: (p) => p.categories.includes('BOOKS_AUDIO_VIDEO'), fen: (p) => (p.storeType === 'FRANCHISE' ? 100_000 : 50_000) * CNY },
  { applies: (p) => p.categories.includes('SERVICES') || p.categories.includes('E_TICKETS'), fen: () => 10_000 * CNY },
  {
    applies: (p) => ['OTC_DRUGS_MEDICAL_DEVICES', 'CONTACT_LENSES', 'CHINESE_HERBAL_MEDICINE', 'MEDICAL_HEALTH_SERVICES'].some((c) => p.categories.includes(c)),
    fen: () => 300_000 * CNY,
  },
  { applies: (p) => ['ONLINE_GAMES_QQ', 'PHONE_TOPUP_TELECOM', 'TRAVEL'].some((c) => p.categories.includes(c)), fen: () => 10_000 * CNY },
  { applies: (p) => p.categories.includes('CARS'), fen: () => 100_000 * CNY },
];

/**
 * Rulebook section 7: the deposit a merchant must hold, in fen. Category overrides replace the table;
 * when several apply, the highest wins (project default: the platform keeps the larger guarantee).
 */
export function depositRequirementFen(profile: DepositProfile): number {
  const overrides = OVERRIDES.filter((o) => o.applies(profile)).map((o) => o.fen(profile));
  if (overrides.length > 0) return Math.max(...overrides);
  const row = profile.storeType === 'FRANCHISE' ? DEPOSIT_TABLE_FEN.FRANCHISE : DEPOSIT_TABLE_FEN.FLAGSHIP_OR_SPECIALTY;
  return row[profile.trademarkStatus];
}
