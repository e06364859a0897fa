import { casesDeposit, standingDeposit, standingExamChance, type DepositLedger } from './standing-view';

const now = new Date('2026-11-23T10:00:00+08:00');
const yearEnd = new Date('2027-01-01T00:00:00+08:00');
const short: DepositLedger = { requiredFen: 5_000_000, balanceFen: 3_000_000, shortfallFen: 2_000_000, topUpDueAt: new Date('2026-12-08T02:00:00Z') };

describe('standingDeposit', () => {
  it("follows the sanction service's ledger once it has spoken, with the top-up deadline in Asia/Shanghai", () => {
    expect(standingDeposit(short, 10_000_000, 500_000)).toEqual({ requiredFen: 5_000_000, balanceFen: 3_000_000, topUpDueAt: '2026-12-08T10:00:00+08:00' });
  });

  it('says the balance is unknown while the ledger knows no requirement', () => {
    expect(standingDeposit({ requiredFen: null, balanceFen: -500_000, shortfallFen: 0, topUpDueAt: null }, null, 500_000)).toEqual({ requiredFen: null, balanceFen: null, topUpDueAt: null });
  });

  it('falls back to the requirement as paid on entry less the fines before any ledger event', () => {
    expect(standingDeposit(null, 10_000_000, 2_500_000)).toEqual({ requiredFen: 10_000_000, balanceFen: 7_500_000, topUpDueAt: null });
    expect(standingDeposit(null, null, 2_500_000)).toEqual({ requiredFen: null, balanceFen: null, topUpDueAt: null });
  });
});

describe('casesDeposit', () => {
  it('shows the ledger with its shortfall, or nothing before the first ledger event', () => {
    expect(casesDeposit(short)).toEqual({ requiredFen: 5_000_000, balanceFen: 3_000_000, shortfallFen: 2_000_000, topUpDueAt: '2026-12-08T10:00:00+08:00' });
    expect(casesDeposit({ ...short, requiredFen: null, shortfallFen: 0, topUpDueAt: null })).toEqual({ requiredFen: null, balanceFen: null, shortfallFen: 0, topUpDueAt: null });
    expect(casesDeposit(null)).toBeNull();
  });
});

describe('standingExamChance', () => {
  it("shows the current year's chance and when it expires", () => {
    expect(standingExamChance({ status: 'CHOSEN', expiresAt: yearEnd }, true, now)).toEqual({ status: 'CHOSEN', expiresAt: '2027-01-01T00:00:00+08:00' });
    expect(standingExamChance({ status: 'GRANTED', expiresAt: yearEnd }, true, now)).toEqual({ status: 'GRANTED', expiresAt: '2027-01-01T00:00:00+08:00' });
  });

  it('reads a granted chance past its expiry as EXPIRED', () => {
    expect(standingExamChance({ status: 'GRANTED', expiresAt: yearEnd }, true, yearEnd).status).toBe('EXPIRED');
  });

  it('without a chance: NOT_GRANTED for an eligible merchant, NOT_ELIGIBLE otherwise or without a profile', () => {
    expect(standingExamChance(null, true, now)).toEqual({ status: 'NOT_GRANTED', expiresAt: null });
    expect(standingExamChance(null, false, now)).toEqual({ status: 'NOT_ELIGIBLE', expiresAt: null });
    expect(standingExamChance(null, null, now)).toEqual({ status: 'NOT_ELIGIBLE', expiresAt: null });
  });
});
