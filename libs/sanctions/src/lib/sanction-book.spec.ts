import type { EntityManager } from 'typeorm';
import { emptyDepositLedger, RuleBook, SERIOUS_LADDER, planLadderSanction, type DepositLedgerAccount } from '@penalty/domain';
import type { Tx } from '@penalty/messaging';
import { DepositAccountRepository, type DepositAccountChange, type DepositAccountRecord } from './deposit-account.repository';
import { MeasureExpiryAlarm } from './measure-expiry.alarm';
import { SanctionBook } from './sanction-book';
import { SanctionRepository, type MeasureLiftRow, type NewMeasureRow, type NewSanctionRow, type OpenMeasureRecord, type SanctionRecord, type SanctionRevocationRow } from './sanction.repository';

const now = new Date('2026-11-23T10:00:00+08:00');
const rules = new RuleBook();
const ruleSet = rules.at(now);
const CNY = 100n;

/** Repositories answering from memory and keeping what is written (the SQL is tested against PostgreSQL). */
class MemorySanctions extends SanctionRepository {
  records: SanctionRecord[] = [];
  written: { created: readonly NewSanctionRow[]; revoked: readonly SanctionRevocationRow[] }[] = [];
  measuresWritten: { created: readonly NewMeasureRow[]; lifted: readonly MeasureLiftRow[] }[] = [];
  override async lockForChange(_tx: Tx, ids: readonly string[]): Promise<SanctionRecord[]> {
    return this.records.filter((r) => ids.includes(r.sanctionId));
  }
  override async write(_tx: Tx, created: readonly NewSanctionRow[], revoked: readonly SanctionRevocationRow[]): Promise<void> {
    this.written.push({ created, revoked });
  }
  override async writeMeasures(_tx: Tx, created: readonly NewMeasureRow[], lifted: readonly MeasureLiftRow[]): Promise<void> {
    this.measuresWritten.push({ created, lifted });
  }
}

class MemoryAccounts extends DepositAccountRepository {
  records = new Map<string, DepositAccountRecord>();
  written: DepositAccountChange[] = [];
  override async lockOrCreate(_tx: Tx, ids: readonly string[]): Promise<DepositAccountRecord[]> {
    return ids.map((id) => this.records.get(id) ?? { merchantId: id, ledger: emptyDepositLedger(), openMeasures: [], marketplace: null });
  }
  override async write(_tx: Tx, accounts: readonly DepositAccountChange[]): Promise<void> {
    this.written.push(...accounts);
  }
}

function setUp() {
  const sanctions = new MemorySanctions();
  const accounts = new MemoryAccounts();
  const statements: { sql: string; params: unknown[] }[] = [];
  const published: { topic: string; type: string; data: any }[] = [];
  const committed: (() => void)[] = [];
  const manager = { query: async (sql: string, params: unknown[]) => (statements.push({ sql, params }), sql.startsWith('UPDATE') ? [[], 0] : []) } as unknown as EntityManager;
  const tx = { manager, query: async () => [], append: () => undefined, publish: (topic, event) => published.push({ topic, type: event.type, data: event.data }), afterCommit: (fn) => committed.push(fn) } as Tx;
  const alarm = new MeasureExpiryAlarm();
  const book = new SanctionBook(tx, now, rules, sanctions, accounts, alarm);
  return { book, sanctions, accounts, statements, published, committed, alarm };
}

const withDeposit = (requiredFen: bigint, more: Partial<DepositLedgerAccount> = {}): DepositLedgerAccount => ({ ...emptyDepositLedger(), requiredFen, initialFen: requiredFen, ...more });
const node = (n: number) => planLadderSanction(SERIOUS_LADDER.find((s) => s.node === n)!, now, ruleSet);
const ladderSanction = (merchantId: string, n: number) => {
  const plan = node(n);
  return { merchantId, cause: { kind: 'LADDER_NODE' as const, node: n as 12, naturalYear: 2026, violationIds: ['v-1'] }, measures: plan.measures, fine: plan.forfeitsDeposit ? ('FORFEITURE' as const) : plan.fineFen, ruleSet, appealDeadline: plan.appealDeadline };
};

describe('SanctionBook: one transaction of sanctions and deposits, decided in memory, written set-wise', () => {
  it('imposes with its fine charged after the sanction event, sees the first fine in the second, and forfeits what is left', async () => {
    const { book, accounts, sanctions, published, committed, alarm } = setUp();
    accounts.records.set('m-1', { merchantId: 'm-1', ledger: withDeposit(100_000n * CNY), openMeasures: [], marketplace: null });
    await book.load({ merchants: ['m-1'] });
    const first = book.impose(ladderSanction('m-1', 12));
    book.impose(ladderSanction('m-1', 24));
    const last = book.impose(ladderSanction('m-1', 48));
    const woken: Date[] = [];
    alarm.onEarlierEnd((at) => woken.push(at));
    await book.flush();

    expect(published.map((p) => (p.type === 'deposit.updated.v1' ? `${p.data.change.kind}:${p.data.balanceFen}:${p.data.topUpDueAt === null ? '-' : 'due'}` : `${p.data.cause.node}`))).toEqual([
      '12', 'FINE_CHARGED:8000000:due', '24', 'FINE_CHARGED:5000000:due', '48', 'FORFEITURE:0:-',
    ]);
    // Forfeiture took what was left; the 48 node terminates, which closes the open window.
    expect(published[4].data.fine).toEqual({ amountFen: 5_000_000, currency: 'CNY' });
    expect(published[1].data.change.reference).toBe(first);
    expect(sanctions.written).toHaveLength(1);
    expect(sanctions.written[0].created.map((s) => s.fineFen)).toEqual([2_000_000n, 3_000_000n, 5_000_000n]);
    expect(sanctions.measuresWritten[0].created.filter((m) => m.sanctionId === last).map((m) => m.type)).toEqual(['TERMINATION', 'ACCOUNT_SEAL', 'DEPOSIT_FORFEITURE']);
    expect(accounts.written).toEqual([{ merchantId: 'm-1', ledger: expect.objectContaining({ finesChargedFen: 10_000_000n, topUpDueAt: null, terminated: true }), profile: undefined }]);
    committed.forEach((fn) => fn());
    expect(woken).toEqual([node(12).measures[0].endsAt]);
  });

  it('revokes once: running measures lifted, what is left of the fine refunded; revoking again does nothing', async () => {
    const { book, accounts, sanctions, published } = setUp();
    const open: OpenMeasureRecord[] = [
      { id: '1', sanctionId: 's-1', merchantId: 'm-1', type: 'PUBLIC_WARNING', endsAt: new Date(now.getTime() + 1) },
      { id: '2', sanctionId: 's-1', merchantId: 'm-1', type: 'MARKETING_BAN', endsAt: now },
    ];
    sanctions.records.push({ sanctionId: 's-1', merchantId: 'm-1', fineFen: 3_000_000n, fineRefundedFen: 1_000_000n, revoked: false, measures: open });
    accounts.records.set('m-1', { merchantId: 'm-1', ledger: withDeposit(5_000_000n, { finesChargedFen: 3_000_000n, refundsFen: 1_000_000n }), openMeasures: [], marketplace: null });
    await book.load({ merchants: ['m-1'], sanctions: ['s-1'] });
    expect(book.revoke('s-1', 'APPEAL_ACCEPTED')).toBe(true);
    expect(book.revoke('s-1', 'APPEAL_ACCEPTED')).toBe(false);
    await book.flush();
    // The ban ended already: only the warning is lifted.
    expect(published.map((p) => p.type)).toEqual(['sanction.lifted.v1', 'deposit.updated.v1']);
    expect(published[0].data).toMatchObject({ sanctionId: 's-1', measureTypes: ['PUBLIC_WARNING'], reason: 'APPEAL_ACCEPTED' });
    expect(published[1].data).toMatchObject({ balanceFen: 5_000_000, change: { kind: 'FINE_REFUNDED', amountFen: 2_000_000, reference: 's-1' } });
    expect(sanctions.written[0].revoked).toEqual([{ sanctionId: 's-1', revokedAt: now, revokeReason: 'APPEAL_ACCEPTED', fineRefundedFen: 3_000_000n }]);
    expect(sanctions.measuresWritten[0].lifted).toEqual([{ id: '1', liftedAt: now, liftReason: 'APPEAL_ACCEPTED' }]);
  });

  it('ends supervision when a payment brings the balance back, and cancels the window before scheduling a later one', async () => {
    const { book, accounts, published, statements } = setUp();
    const due = new Date(now.getTime() - 1);
    accounts.records.set('m-1', {
      merchantId: 'm-1',
      ledger: withDeposit(5_000_000n, { finesChargedFen: 2_000_000n, topUpDueAt: due }),
      openMeasures: [{ id: '7', sanctionId: 's-sup', merchantId: 'm-1', type: 'STORE_SUPERVISION', endsAt: null }],
      marketplace: null,
    });
    await book.load({ merchants: ['m-1'] });
    expect(book.supervised('m-1')).toBe(true);
    book.post('m-1', { kind: 'PAYMENT', amountFen: 2_000_000n, reference: 'p-1' });
    expect(book.supervised('m-1')).toBe(false);
    // Short again and back in the same transaction: the window that opened and closed meanwhile is never written.
    book.post('m-1', { kind: 'REQUIREMENT', requiredFen: 10_000_000n });
    book.post('m-1', { kind: 'PAYMENT', amountFen: 5_000_000n, reference: 'p-2' });
    book.post('m-1', { kind: 'REQUIREMENT', requiredFen: 20_000_000n });
    await book.flush();
    expect(published.map((p) => p.type)).toEqual(['sanction.lifted.v1', 'deposit.updated.v1', 'deposit.updated.v1', 'deposit.updated.v1', 'deposit.updated.v1']);
    expect(published[0].data).toMatchObject({ sanctionId: 's-sup', measureTypes: ['STORE_SUPERVISION'], reason: 'DEPOSIT_TOPPED_UP' });
    expect(statements.map((s) => s.sql.trim().split(/\s+/)[0])).toEqual(['UPDATE', 'INSERT']);
    expect([statements[0].params[1]].flat()).toEqual(['m-1/']);
    expect(statements[1].params[1]).toEqual([`m-1/${published[4].data.topUpDueAt && new Date(published[4].data.topUpDueAt).toISOString()}`]);
  });

  it('refuses to change what it did not load, and anything after the flush', async () => {
    const { book } = setUp();
    expect(() => book.post('m-9', { kind: 'PAYMENT', amountFen: 1n, reference: 'p' })).toThrow('not loaded');
    expect(() => book.revoke('s-9', 'OPERATOR')).toThrow('not loaded');
    await book.flush();
    expect(() => book.publish('t', 'deposit.updated.v1', 'm', {})).toThrow('flushed');
  });
});
