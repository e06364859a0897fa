import { depositRequirementFen } from './deposit-requirement';
import type { StoreType, TrademarkStatus } from './vocabulary';

const CNY = 100;
const profile = (storeType: StoreType, trademarkStatus: TrademarkStatus, categories: string[] = []) => ({ storeType, trademarkStatus, categories });

describe('deposit requirement (section 7)', () => {
  it.each([
    ['FLAGSHIP', 'TM', 100_000],
    ['SPECIALTY', 'TM', 100_000],
    ['FLAGSHIP', 'R', 50_000],
    ['SPECIALTY', 'R', 50_000],
    ['FRANCHISE', 'TM', 150_000],
    ['FRANCHISE', 'R', 100_000],
  ] as const)('%s store with %s trademarks: %d CNY', (store, tm, cny) => {
    expect(depositRequirementFen(profile(store, tm))).toBe(cny * CNY);
  });

  it.each([
    ['marketplace-type flagship', profile('MARKETPLACE_FLAGSHIP', 'R'), 150_000],
    ['franchise with no mainland trademark', profile('FRANCHISE', 'R', ['NO_MAINLAND_TRADEMARK']), 150_000],
    ['books/audio-video flagship', profile('FLAGSHIP', 'TM', ['BOOKS_AUDIO_VIDEO']), 50_000],
    ['books/audio-video specialty', profile('SPECIALTY', 'TM', ['BOOKS_AUDIO_VIDEO']), 50_000],
    ['books/audio-video franchise', profile('FRANCHISE', 'TM', ['BOOKS_AUDIO_VIDEO']), 100_000],
    ['services', profile('FLAGSHIP', 'TM', ['SERVICES']), 10_000],
    ['e-ticket vouchers', profile('FRANCHISE', 'TM', ['E_TICKETS']), 10_000],
    ['OTC drugs / medical devices', profile('FLAGSHIP', 'R', ['OTC_DRUGS_MEDICAL_DEVICES']), 300_000],
    ['contact lenses', profile('FLAGSHIP', 'R', ['CONTACT_LENSES']), 300_000],
    ['refined Chinese herbal medicine', profile('FLAGSHIP', 'R', ['CHINESE_HERBAL_MEDICINE']), 300_000],
    ['medical and health services', profile('FLAGSHIP', 'R', ['MEDICAL_HEALTH_SERVICES']), 300_000],
    ['online games and QQ', profile('FRANCHISE', 'TM', ['ONLINE_GAMES_QQ']), 10_000],
    ['phone top-up and telecom', profile('FLAGSHIP', 'TM', ['PHONE_TOPUP_TELECOM']), 10_000],
    ['travel', profile('FLAGSHIP', 'TM', ['TRAVEL']), 10_000],
    ['new and used cars', profile('FLAGSHIP', 'R', ['CARS']), 100_000],
  ])('%s: %p -> %d CNY', (_label, p, cny) => {
    expect(depositRequirementFen(p)).toBe(cny * CNY);
  });

  it('replaces the table even when the override is lower (services in a franchise store)', () => {
    expect(depositRequirementFen(profile('FRANCHISE', 'TM', ['SERVICES']))).toBe(10_000 * CNY);
  });

  it('takes the highest when several overrides apply (project default)', () => {
    expect(depositRequirementFen(profile('FLAGSHIP', 'R', ['TRAVEL', 'CONTACT_LENSES']))).toBe(300_000 * CNY);
    expect(depositRequirementFen(profile('MARKETPLACE_FLAGSHIP', 'R', ['SERVICES']))).toBe(150_000 * CNY);
  });

  it('ignores categories that carry no override', () => {
    expect(depositRequirementFen(profile('FLAGSHIP', 'R', ['APPAREL']))).toBe(50_000 * CNY);
  });
});
