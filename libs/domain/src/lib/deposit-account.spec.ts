import { decideTopUpDeadline, depositShortfallFen, forfeitureFen, reviewDeposit } from './deposit-account';
import { depositRequirementFen } from './deposit-requirement';
import { ruleSetOfVersion } from './rule-sets.data';

const rules = ruleSetOfVersion('2022-06-27')!;
const CNY = 100;
// Section 7: a flagship store with registered (®) trademarks only holds 50,000 CNY.
const required = depositRequirementFen({ storeType: 'FLAGSHIP', trademarkStatus: 'R', categories: [] });
const now = new Date('2023-08-10T11:00:00+08:00');

describe('deposit account (rulebook section 7)', () => {
  it('is short by what the balance lacks; an unknown requirement is never short', () => {
    expect(required).toBe(50_000 * CNY);
    expect(depositShortfallFen({ requiredFen: required, balanceFen: 30_000 * CNY })).toBe(20_000 * CNY);
    expect(depositShortfallFen({ requiredFen: required, balanceFen: 60_000 * CNY })).toBe(0);
    expect(depositShortfallFen({ requiredFen: null, balanceFen: -20_000 * CNY })).toBe(0);
  });

  it('opens a 15-natural-day top-up window when a 20,000 CNY fine leaves it short', () => {
    const review = reviewDeposit({ requiredFen: required, balanceFen: required - 20_000 * CNY, topUpDueAt: null }, { now, terminated: false, ruleSet: rules });
    expect(review).toEqual({ action: 'OPEN_TOP_UP_WINDOW', topUpDueAt: new Date('2023-08-25T11:00:00+08:00'), shortfallFen: 20_000 * CNY });
  });

  it('keeps an open window as it is when the balance falls further', () => {
    const due = new Date('2023-08-25T11:00:00+08:00');
    expect(reviewDeposit({ requiredFen: required, balanceFen: 0, topUpDueAt: due }, { now, terminated: false, ruleSet: rules })).toEqual({ action: 'NONE' });
  });

  it('opens no window for a terminated merchant, and closes one already open (nothing left to supervise)', () => {
    expect(reviewDeposit({ requiredFen: required, balanceFen: 0, topUpDueAt: null }, { now, terminated: true, ruleSet: rules })).toEqual({ action: 'NONE' });
    const due = new Date('2023-08-25T11:00:00+08:00');
    expect(reviewDeposit({ requiredFen: required, balanceFen: 0, topUpDueAt: due }, { now, terminated: true, ruleSet: rules })).toEqual({ action: 'CLOSE_TOP_UP_WINDOW', toppedUp: false });
  });

  it('closes the window once the balance is back at the requirement, and not before', () => {
    const due = new Date('2023-08-25T11:00:00+08:00');
    expect(reviewDeposit({ requiredFen: required, balanceFen: required, topUpDueAt: due }, { now, terminated: false, ruleSet: rules })).toEqual({ action: 'CLOSE_TOP_UP_WINDOW', toppedUp: true });
    expect(reviewDeposit({ requiredFen: required, balanceFen: required - 1, topUpDueAt: due }, { now, terminated: false, ruleSet: rules })).toEqual({ action: 'NONE' });
  });

  it('needs nothing while the deposit is whole', () => {
    expect(reviewDeposit({ requiredFen: required, balanceFen: required, topUpDueAt: null }, { now, terminated: false, ruleSet: rules })).toEqual({ action: 'NONE' });
  });

  it('follows the rule data for the window length', () => {
    const review = reviewDeposit({ requiredFen: required, balanceFen: 0, topUpDueAt: null }, { now, terminated: false, ruleSet: { ...rules, depositTopUpDays: 10 } });
    expect(review).toMatchObject({ topUpDueAt: new Date('2023-08-20T11:00:00+08:00') });
  });

  it('supervises the store when the window closes still short, once', () => {
    const due = new Date('2023-08-25T11:00:00+08:00');
    expect(decideTopUpDeadline({ requiredFen: required, balanceFen: 30_000 * CNY, topUpDueAt: due }, false)).toEqual({ supervise: true });
    expect(decideTopUpDeadline({ requiredFen: required, balanceFen: 30_000 * CNY, topUpDueAt: due }, true)).toEqual({ supervise: false });
    expect(decideTopUpDeadline({ requiredFen: required, balanceFen: required, topUpDueAt: due }, false)).toEqual({ supervise: false });
  });

  it('forfeiture empties the deposit and never takes more than is there', () => {
    expect(forfeitureFen(35_000 * CNY)).toBe(35_000 * CNY);
    expect(forfeitureFen(0)).toBe(0);
    expect(forfeitureFen(-5_000 * CNY)).toBe(0);
  });
});
