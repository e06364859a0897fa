import { DomainError } from './domain-error';
import { refusal } from './domain-error.testing';
import {
  decideLedgerTopUpDeadline, emptyDepositLedger, fenAsContractInteger, LEDGER_LIMIT_FEN, ledgerBalanceFen, ledgerForfeitureFen, postToDepositLedger,
  type DepositLedgerAccount, type DepositLedgerChange,
} from './deposit-ledger';
import { ruleSetOfVersion } from './rule-sets.data';

const ruleSet = ruleSetOfVersion('2022-06-27')!;
const CNY = 100n;
const now = new Date('2023-08-10T11:00:00+08:00');
const post = (account: DepositLedgerAccount, change: DepositLedgerChange) => postToDepositLedger(account, change, { now, ruleSet });
/** Posts changes in order; answers each posting. */
function follow(account: DepositLedgerAccount, changes: DepositLedgerChange[]) {
  const postings = [];
  for (const change of changes) {
    const posting = post(account, change);
    if (posting) {
      postings.push(posting);
      account = posting.account;
    }
  }
  return { account, postings };
}
const fine = (fen: bigint, reference = 's-1'): DepositLedgerChange => ({ kind: 'FINE_CHARGED', amountFen: fen, reference });

describe('deposit ledger in exact fen (rulebook section 7)', () => {
  it('takes the first requirement as the deposit paid on entry and later ones as the new requirement only', () => {
    const { account, postings } = follow(emptyDepositLedger(), [{ kind: 'REQUIREMENT', requiredFen: 50_000n * CNY }, { kind: 'REQUIREMENT', requiredFen: 100_000n * CNY }]);
    expect(account).toMatchObject({ requiredFen: 10_000_000n, initialFen: 5_000_000n });
    expect(postings.map((p) => [p.change, p.balanceFen, p.shortfallFen])).toEqual([
      [{ kind: 'REQUIREMENT', amountFen: 0n, reference: null }, 5_000_000n, 0n],
      [{ kind: 'REQUIREMENT', amountFen: 0n, reference: null }, 5_000_000n, 5_000_000n],
    ]);
    // A shortfall from a higher requirement opens the top-up window like a fine does.
    expect(postings[1].review).toEqual({ action: 'OPEN_TOP_UP_WINDOW', topUpDueAt: new Date('2023-08-25T11:00:00+08:00'), shortfallFen: 5_000_000n });
  });

  it('posts nothing when the requirement does not change', () => {
    const { account } = follow(emptyDepositLedger(), [{ kind: 'REQUIREMENT', requiredFen: 5_000_000n }]);
    expect(post(account, { kind: 'REQUIREMENT', requiredFen: 5_000_000n })).toBeNull();
  });

  it('charges a merchant fined before its first profile: every fine stays on the ledger, the profile then sets what was paid', () => {
    // Nodes 12, 24 and 36 before any profile: 90,000 CNY charged, not 70,000.
    const { account, postings } = follow(emptyDepositLedger(), [fine(20_000n * CNY, 's-12'), fine(30_000n * CNY, 's-24'), fine(40_000n * CNY, 's-36'), { kind: 'REQUIREMENT', requiredFen: 300_000n * CNY }]);
    expect(account.finesChargedFen).toBe(90_000n * CNY);
    // Unknown requirement: never short, no window.
    expect(postings.slice(0, 3).map((p) => [p.balanceFen, p.shortfallFen, p.review.action])).toEqual([
      [-2_000_000n, 0n, 'NONE'],
      [-5_000_000n, 0n, 'NONE'],
      [-9_000_000n, 0n, 'NONE'],
    ]);
    expect(postings[3]).toMatchObject({ balanceFen: 21_000_000n, shortfallFen: 9_000_000n, review: { action: 'OPEN_TOP_UP_WINDOW' } });
  });

  it('signs each change as the balance moves, and closes the window once a payment or a refund brings the balance back', () => {
    const start = follow(emptyDepositLedger(), [{ kind: 'REQUIREMENT', requiredFen: 5_000_000n }]).account;
    const { account, postings } = follow(start, [
      fine(2_000_000n),
      { kind: 'PAYMENT', amountFen: 1_000_000n, reference: 'pay-1' },
      { kind: 'FINE_REFUNDED', amountFen: 1_000_000n, reference: 's-1' },
    ]);
    expect(postings.map((p) => [p.change.kind, p.change.amountFen, p.balanceFen, p.review.action])).toEqual([
      ['FINE_CHARGED', -2_000_000n, 3_000_000n, 'OPEN_TOP_UP_WINDOW'],
      ['PAYMENT', 1_000_000n, 4_000_000n, 'NONE'],
      ['FINE_REFUNDED', 1_000_000n, 5_000_000n, 'CLOSE_TOP_UP_WINDOW'],
    ]);
    expect(postings[2].review).toEqual({ action: 'CLOSE_TOP_UP_WINDOW', toppedUp: true });
    expect(account).toMatchObject({ topUpDueAt: null, paymentsFen: 1_000_000n, refundsFen: 1_000_000n, finesChargedFen: 2_000_000n });
  });

  it('opens no window for a terminated merchant and closes one already open', () => {
    const short = follow(emptyDepositLedger(), [{ kind: 'REQUIREMENT', requiredFen: 5_000_000n }, fine(2_000_000n)]).account;
    expect(short.topUpDueAt).not.toBeNull();
    const forfeited = post({ ...short, terminated: true }, { kind: 'FORFEITURE', amountFen: ledgerForfeitureFen(short)!, reference: 's-48' })!;
    expect(forfeited).toMatchObject({ balanceFen: 0n, review: { action: 'CLOSE_TOP_UP_WINDOW', toppedUp: false }, account: { topUpDueAt: null } });
    expect(post({ ...emptyDepositLedger(), requiredFen: 10n, initialFen: 10n, terminated: true }, fine(5n))!.review).toEqual({ action: 'NONE' });
  });

  it('forfeits what is left, nothing below zero, and nothing known while the deposit is unknown', () => {
    const account = follow(emptyDepositLedger(), [{ kind: 'REQUIREMENT', requiredFen: 5_000_000n }, fine(2_000_000n)]).account;
    expect(ledgerForfeitureFen(account)).toBe(3_000_000n);
    expect(ledgerForfeitureFen({ ...account, finesChargedFen: 9_000_000n })).toBe(0n);
    expect(ledgerForfeitureFen(follow(emptyDepositLedger(), [fine(2_000_000n)]).account)).toBeNull();
  });

  it('supervises at the deadline only when still short and not yet supervised', () => {
    expect(decideLedgerTopUpDeadline({ requiredFen: 5n, balanceFen: 4n }, false)).toEqual({ supervise: true });
    expect(decideLedgerTopUpDeadline({ requiredFen: 5n, balanceFen: 4n }, true)).toEqual({ supervise: false });
    expect(decideLedgerTopUpDeadline({ requiredFen: 5n, balanceFen: 5n }, false)).toEqual({ supervise: false });
  });

  it('stays exact past 2^53 intermediate sums and refuses any total beyond the limit instead of overflowing', () => {
    const max = LEDGER_LIMIT_FEN;
    const account = { ...emptyDepositLedger(), requiredFen: 0n, initialFen: 0n };
    const first = post(account, { kind: 'PAYMENT', amountFen: max, reference: 'p-1' })!;
    expect(first.balanceFen).toBe(9_007_199_254_740_991n);
    expect(fenAsContractInteger(first.balanceFen)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => post(first.account, { kind: 'PAYMENT', amountFen: 1n, reference: 'p-2' })).toThrow(refusal('DEPOSIT.LIMIT_EXCEEDED'));
    expect(() => post(account, { kind: 'PAYMENT', amountFen: max + 1n, reference: 'p-3' })).toThrow(refusal('DEPOSIT.LIMIT_EXCEEDED'));
    expect(() => post(account, { kind: 'PAYMENT', amountFen: -1n, reference: 'p-4' })).toThrow(DomainError);
    // A fine and a payment that cancel out keep every total within the limit.
    const spent = post(first.account, fine(max, 's-x'))!;
    expect(ledgerBalanceFen(spent.account)).toBe(0n);
    expect(() => post(spent.account, fine(1n, 's-y'))).toThrow(refusal('DEPOSIT.LIMIT_EXCEEDED'));
  });

  it('the 1,025th payment of 10,000,000 CNY is still exact', () => {
    let account: DepositLedgerAccount = { ...emptyDepositLedger(), requiredFen: 0n, initialFen: 0n };
    for (let i = 0; i < 1025; i++) account = post(account, { kind: 'PAYMENT', amountFen: 1_000_000_000n, reference: `p-${i}` })!.account;
    expect(ledgerBalanceFen(account)).toBe(1_025_000_000_000n);
  });

  it('refuses to turn an amount the contract cannot carry exactly into a JSON number', () => {
    expect(fenAsContractInteger(-LEDGER_LIMIT_FEN)).toBe(-Number.MAX_SAFE_INTEGER);
    expect(() => fenAsContractInteger(LEDGER_LIMIT_FEN + 1n)).toThrow(RangeError);
  });
});
