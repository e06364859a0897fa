import { decideTopUpDeadline, depositShortfallFen, forfeitureFen, reviewDeposit, type DepositPosition } from './deposit-account';
import { depositRequirementFen } from './deposit-requirement';
import { formatShanghai } from './natural-year';
import { ruleSetOfVersion, SERIOUS_LADDER } from './rule-sets.data';

/**
 * Rulebook section 7: fines are charged against the deposit; a balance below the requirement must be
 * topped up within 15 (natural) days, after which the store is supervised until it is; forfeiture
 * empties the deposit. Amounts in integer fen. Complements deposit-account.spec.ts.
 */
const v2022 = ruleSetOfVersion('2022-06-27')!;
const v2019 = ruleSetOfVersion('2019')!;
const CNY = 100;
// Section 7 table: a flagship store with registered (®) trademarks only holds 50,000 CNY.
const FLAGSHIP_R = 5_000_000;
// Section 3, node 12: a 20,000 CNY fine.
const FINE_12 = 2_000_000;
const now = new Date('2023-10-01T12:00:00+08:00');
const due = new Date('2023-10-16T12:00:00+08:00');
const ctx = (over: Partial<{ now: Date; terminated: boolean; ruleSet: typeof v2022 }> = {}) => ({ now, terminated: false, ruleSet: v2022, ...over });
const position = (balanceFen: number, topUpDueAt: Date | null = null, requiredFen: number | null = FLAGSHIP_R): DepositPosition => ({ requiredFen, balanceFen, topUpDueAt });

describe('the section 7 amounts this file uses', () => {
  it('a flagship or specialty store with ® trademarks only holds 50,000 CNY = 5,000,000 fen', () => {
    expect(depositRequirementFen({ storeType: 'FLAGSHIP', trademarkStatus: 'R', categories: [] })).toBe(FLAGSHIP_R);
    expect(depositRequirementFen({ storeType: 'SPECIALTY', trademarkStatus: 'R', categories: [] })).toBe(50_000 * CNY);
  });

  it('the 12-point node fines 20,000 CNY = 2,000,000 fen', () => {
    expect(SERIOUS_LADDER.find((s) => s.node === 12)!.fineFen).toBe(FINE_12);
  });

  it('gives 15 days to top up under both versions', () => {
    expect(v2022.depositTopUpDays).toBe(15);
    expect(v2019.depositTopUpDays).toBe(15);
  });
});

describe('depositShortfallFen', () => {
  it.each([
    ['a whole deposit', FLAGSHIP_R, FLAGSHIP_R, 0],
    ['more than required', FLAGSHIP_R, 6_000_000, 0],
    ['after a 20,000 CNY fine', FLAGSHIP_R, FLAGSHIP_R - FINE_12, FINE_12],
    ['one fen short', FLAGSHIP_R, FLAGSHIP_R - 1, 1],
    ['an empty deposit', FLAGSHIP_R, 0, FLAGSHIP_R],
    ['a deposit that fines drove below zero', FLAGSHIP_R, -500_000, 5_500_000],
    ['a 100,000 CNY requirement (TM trademark) with 50,000 CNY held', 100_000 * CNY, 50_000 * CNY, 50_000 * CNY],
  ])('is what the balance lacks: %s', (_, requiredFen, balanceFen, shortfall) => {
    expect(depositShortfallFen({ requiredFen, balanceFen })).toBe(shortfall);
  });

  it.each([0, FLAGSHIP_R, -FINE_12])('is 0 while the requirement is unknown (null), whatever the balance (%i)', (balanceFen) => {
    expect(depositShortfallFen({ requiredFen: null, balanceFen })).toBe(0);
  });

  it('is an integer number of fen for integer inputs', () => {
    expect(Number.isInteger(depositShortfallFen({ requiredFen: FLAGSHIP_R, balanceFen: 1_234_567 }))).toBe(true);
  });
});

describe('reviewDeposit', () => {
  describe('opening the top-up window', () => {
    it('opens a 15-natural-day window when a 20,000 CNY fine leaves a 50,000 CNY deposit short, due at the exact instant 15 days on', () => {
      const review = reviewDeposit(position(FLAGSHIP_R - FINE_12), ctx());
      expect(review).toEqual({ action: 'OPEN_TOP_UP_WINDOW', topUpDueAt: due, shortfallFen: FINE_12 });
      if (review.action !== 'OPEN_TOP_UP_WINDOW') throw new Error('unreachable');
      expect(review.topUpDueAt.getTime() - now.getTime()).toBe(15 * 24 * 3600 * 1000);
      expect(formatShanghai(review.topUpDueAt)).toBe('2023-10-16T12:00:00+08:00');
    });

    it('opens on a shortfall of a single fen', () => {
      expect(reviewDeposit(position(FLAGSHIP_R - 1), ctx())).toEqual({ action: 'OPEN_TOP_UP_WINDOW', topUpDueAt: due, shortfallFen: 1 });
    });

    it('opens when the requirement rises above the balance (e.g. a TM trademark added: 100,000 CNY)', () => {
      expect(reviewDeposit(position(FLAGSHIP_R, null, 100_000 * CNY), ctx())).toEqual({ action: 'OPEN_TOP_UP_WINDOW', topUpDueAt: due, shortfallFen: 50_000 * CNY });
    });

    it.each([
      ['2023-12-20T18:00:00+08:00', '2024-01-04T18:00:00+08:00'],
      ['2024-02-20T00:00:00+08:00', '2024-03-06T00:00:00+08:00'],
      // 2023-12-31T16:30Z is 2024-01-01 00:30 in Shanghai.
      ['2023-12-31T16:30:00Z', '2024-01-16T00:30:00+08:00'],
    ])('a shortfall at %s is due %s', (at, dueAt) => {
      expect(reviewDeposit(position(0), ctx({ now: new Date(at) }))).toEqual({ action: 'OPEN_TOP_UP_WINDOW', topUpDueAt: new Date(dueAt), shortfallFen: FLAGSHIP_R });
    });

    it('follows the rule data for the window length', () => {
      expect(reviewDeposit(position(0), ctx({ ruleSet: { ...v2022, depositTopUpDays: 30 } }))).toMatchObject({ topUpDueAt: new Date('2023-10-31T12:00:00+08:00') });
    });

    it('opens no window for a terminated merchant (nothing left to supervise)', () => {
      expect(reviewDeposit(position(FLAGSHIP_R - FINE_12), ctx({ terminated: true }))).toEqual({ action: 'NONE' });
      expect(reviewDeposit(position(0), ctx({ terminated: true }))).toEqual({ action: 'NONE' });
    });

    it('opens no second window while one is open, however much further the balance falls', () => {
      expect(reviewDeposit(position(FLAGSHIP_R - FINE_12, due), ctx())).toEqual({ action: 'NONE' });
      expect(reviewDeposit(position(FLAGSHIP_R - 2 * FINE_12, due), ctx({ now: new Date('2023-10-10T00:00:00+08:00') }))).toEqual({ action: 'NONE' });
      expect(reviewDeposit(position(-FINE_12, due), ctx())).toEqual({ action: 'NONE' });
    });

    it('opens nothing while the requirement is unknown', () => {
      expect(reviewDeposit(position(0, null, null), ctx())).toEqual({ action: 'NONE' });
    });
  });

  describe('closing the top-up window', () => {
    it('closes it, topped up, when the balance is back at the requirement exactly', () => {
      expect(reviewDeposit(position(FLAGSHIP_R, due), ctx())).toEqual({ action: 'CLOSE_TOP_UP_WINDOW', toppedUp: true });
    });

    it('closes it, topped up, when the balance is above the requirement', () => {
      expect(reviewDeposit(position(FLAGSHIP_R + 100, due), ctx())).toEqual({ action: 'CLOSE_TOP_UP_WINDOW', toppedUp: true });
    });

    it('closes it, topped up, after the due date too (the top-up ends any supervision)', () => {
      expect(reviewDeposit(position(FLAGSHIP_R, due), ctx({ now: new Date('2023-11-20T00:00:00+08:00') }))).toEqual({ action: 'CLOSE_TOP_UP_WINDOW', toppedUp: true });
    });

    it('keeps it open while a single fen is missing', () => {
      expect(reviewDeposit(position(FLAGSHIP_R - 1, due), ctx())).toEqual({ action: 'NONE' });
    });

    it('closes it, not topped up, when the merchant was terminated meanwhile', () => {
      expect(reviewDeposit(position(FLAGSHIP_R - FINE_12, due), ctx({ terminated: true }))).toEqual({ action: 'CLOSE_TOP_UP_WINDOW', toppedUp: false });
    });

    it('reports a top-up for a terminated merchant whose balance is back', () => {
      expect(reviewDeposit(position(FLAGSHIP_R, due), ctx({ terminated: true }))).toEqual({ action: 'CLOSE_TOP_UP_WINDOW', toppedUp: true });
    });
  });

  it.each([
    ['a whole deposit', position(FLAGSHIP_R)],
    ['a deposit above the requirement', position(6_000_000)],
    ['an unknown requirement', position(FLAGSHIP_R, null, null)],
  ])('needs nothing with %s and no window', (_, p) => {
    expect(reviewDeposit(p, ctx())).toEqual({ action: 'NONE' });
    expect(reviewDeposit(p, ctx({ terminated: true }))).toEqual({ action: 'NONE' });
  });
});

describe('decideTopUpDeadline', () => {
  it('supervises the store when the 15 days end still short and it is not supervised yet', () => {
    expect(decideTopUpDeadline(position(FLAGSHIP_R - FINE_12, due), false)).toEqual({ supervise: true });
    expect(decideTopUpDeadline(position(FLAGSHIP_R - 1, due), false)).toEqual({ supervise: true });
  });

  it('does not supervise twice', () => {
    expect(decideTopUpDeadline(position(FLAGSHIP_R - FINE_12, due), true)).toEqual({ supervise: false });
  });

  it.each([
    ['topped up exactly', FLAGSHIP_R],
    ['topped up above the requirement', FLAGSHIP_R + 1],
  ])('does not supervise a store %s', (_, balanceFen) => {
    expect(decideTopUpDeadline(position(balanceFen, due), false)).toEqual({ supervise: false });
    expect(decideTopUpDeadline(position(balanceFen, due), true)).toEqual({ supervise: false });
  });

  it('does not supervise while the requirement is unknown', () => {
    expect(decideTopUpDeadline(position(0, due, null), false)).toEqual({ supervise: false });
  });
});

describe('forfeitureFen', () => {
  it.each([
    ['a whole 50,000 CNY deposit', FLAGSHIP_R, FLAGSHIP_R],
    ['a 30,000 CNY balance after a 20,000 CNY fine', FLAGSHIP_R - FINE_12, 3_000_000],
    ['one fen', 1, 1],
    ['an empty deposit', 0, 0],
    ['a negative balance', -FINE_12, 0],
  ])('takes what is left of %s', (_, balance, taken) => {
    expect(forfeitureFen(balance)).toBe(taken);
  });

  it.each([FLAGSHIP_R, 3_000_000, 1, 0])('empties the deposit: %i fen minus the forfeiture is 0', (balance) => {
    expect(balance - forfeitureFen(balance)).toBe(0);
  });

  it('is never negative', () => {
    for (const balance of [-1, -FLAGSHIP_R, -Number.MAX_SAFE_INTEGER]) expect(forfeitureFen(balance)).toBe(0);
  });
});

describe('the section 7 story end to end', () => {
  it('50,000 CNY held, 20,000 CNY fine, window of 15 days, still short at the deadline: supervised; topped up: window closed', () => {
    let balance = FLAGSHIP_R;
    expect(reviewDeposit(position(balance), ctx())).toEqual({ action: 'NONE' });

    balance -= FINE_12;
    const opened = reviewDeposit(position(balance), ctx());
    expect(opened).toEqual({ action: 'OPEN_TOP_UP_WINDOW', topUpDueAt: due, shortfallFen: FINE_12 });

    // A partial top-up of 5,000 CNY is not enough.
    balance += 500_000;
    expect(reviewDeposit(position(balance, due), ctx({ now: new Date('2023-10-10T09:00:00+08:00') }))).toEqual({ action: 'NONE' });
    expect(decideTopUpDeadline(position(balance, due), false)).toEqual({ supervise: true });

    balance += 1_500_000;
    expect(balance).toBe(FLAGSHIP_R);
    expect(reviewDeposit(position(balance, due), ctx({ now: new Date('2023-10-20T09:00:00+08:00') }))).toEqual({ action: 'CLOSE_TOP_UP_WINDOW', toppedUp: true });
  });

  it('forfeiture (48-point node or severe forgery) empties it; the terminated merchant is asked for no top-up', () => {
    const taken = forfeitureFen(FLAGSHIP_R - FINE_12);
    const balance = FLAGSHIP_R - FINE_12 - taken;
    expect(balance).toBe(0);
    expect(reviewDeposit(position(balance), ctx({ terminated: true }))).toEqual({ action: 'NONE' });
  });
});
