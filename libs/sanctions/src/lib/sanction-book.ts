import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { buildCloudEvent, EventTypes, Topics, type DepositUpdatedV1, type EventType, type SanctionCauseV1, type SanctionImposedV1, type SanctionLiftedV1 } from '@penalty/contracts';
import {
  appealWindowCloses,
  CURRENCY,
  fenAsContractInteger,
  formatShanghai,
  ledgerBalanceFen,
  ledgerForfeitureFen,
  ledgerShortfallFen,
  measureInForce,
  postToDepositLedger,
  RuleBook,
  type Clock,
  type DepositLedgerAccount,
  type DepositLedgerChange,
  type DepositLedgerPosting,
  type LiftReason,
  type MeasureType,
  type PlannedMeasure,
  type RuleSet,
  type VersionRuleSet,
} from '@penalty/domain';
import { cancelTaskGroups, scheduleTasks, taskKey, taskKeyPrefix, type TaskToSchedule, type Tx } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { DepositAccountRepository, type MerchantProfileColumns } from './deposit-account.repository';
import { MeasureExpiryAlarm } from './measure-expiry.alarm';
import { SANCTION_SOURCE } from './sanction-source';
import { SanctionRepository, type NewMeasureRow, type NewSanctionRow, type OpenMeasureRecord } from './sanction.repository';

export const DEPOSIT_TOP_UP_DUE_TASK = 'DEPOSIT_TOP_UP_DUE';

/** The marketplace and content hash a version carries (RuleBook's versions do; a bare RuleSet of a test does not). */
function ruleIdentityOf(ruleSet: RuleSet): { marketplace: string | null; ruleContentHash: string | null } {
  const identified = ruleSet as Partial<VersionRuleSet>;
  return { marketplace: identified.marketplace ?? null, ruleContentHash: identified.contentHash ?? null };
}

const definedIdentity = (identity: { marketplace: string | null; ruleContentHash: string | null }) => ({
  ...(identity.marketplace ? { marketplace: identity.marketplace } : {}),
  ...(identity.ruleContentHash ? { ruleContentHash: identity.ruleContentHash } : {}),
});

/** The key of a merchant's top-up deadline task: the merchant (escaped, see taskKey) and the deadline. */
export const topUpDueTaskKey = (merchantId: string, dueAt: Date) => taskKey(merchantId, dueAt.toISOString());
/**
 * The group of a merchant's top-up deadline tasks (cancelled together when the window closes): the
 * prefix their keys share, and no other merchant's (SanctionTaskGroups fills it from the keys).
 */
export const topUpDueTaskGroup = (merchantId: string) => taskKeyPrefix(merchantId);

export interface SanctionToImpose {
  /** Given when the caller named the sanction already (a ladder node); a fresh id otherwise. */
  sanctionId?: string;
  merchantId: string;
  /** Stored whole; the event carries the contract's fields (kind, track, node, naturalYear, violationIds). */
  cause: SanctionCauseV1 & Record<string, unknown>;
  measures: PlannedMeasure[];
  /** A fine charged to the deposit, in fen; 'FORFEITURE' takes what is left of it. */
  fine: number | 'FORFEITURE' | null;
  ruleSet: RuleSet;
  appealDeadline?: Date;
}

/** The deposit as the HTTP API and deposit.updated.v1 show it. */
export interface DepositPositionFen {
  merchantId: string;
  requiredFen: bigint | null;
  balanceFen: bigint;
  shortfallFen: bigint;
  topUpDueAt: Date | null;
}

interface MeasureState {
  id: string | null;
  sanctionId: string;
  merchantId: string;
  type: MeasureType;
  startsAt: Date;
  endsAt: Date | null;
  liftedAt: Date | null;
  liftReason: LiftReason | null;
  changed: boolean;
}

interface SanctionState {
  sanctionId: string;
  merchantId: string;
  fineFen: bigint | null;
  fineRefundedFen: bigint;
  revoked: boolean;
  revokedAt: Date | null;
  revokeReason: LiftReason | null;
  /** Set for a sanction imposed by this book. */
  created: Omit<NewSanctionRow, 'revokedAt' | 'revokeReason' | 'fineRefundedFen'> | null;
  changed: boolean;
}

interface AccountState {
  merchantId: string;
  ledger: DepositLedgerAccount;
  profile?: MerchantProfileColumns;
  changed: boolean;
}

/** Measures whose state the deposit follows: loaded with the account. */
const ACCOUNT_MEASURES: readonly MeasureType[] = ['STORE_SUPERVISION', 'TERMINATION'];

/**
 * One transaction's sanctions and deposits, decided in memory and written set-wise: load what the
 * changes need (accounts locked and created when missing, sanctions locked with their open
 * measures: one statement each), change it in order with the domain's rules (impose, revoke, lift,
 * post to the ledger), then flush: one statement per table (sanction, measure, merchant_account,
 * scheduled_task) and the events, in the order they were decided, to the outbox. A merchant's second
 * change in a batch sees the first one's balance, window and measures.
 */
export class SanctionBook {
  private readonly accounts = new Map<string, AccountState>();
  private readonly sanctions = new Map<string, SanctionState>();
  private readonly measures = new Map<string, MeasureState>();
  private readonly measuresBySanction = new Map<string, MeasureState[]>();
  private readonly measuresByMerchant = new Map<string, MeasureState[]>();
  private readonly tasks: TaskToSchedule[] = [];
  private readonly cancelled = new Map<string, Set<string>>();
  private readonly events: { topic: string; event: Parameters<Tx['publish']>[1] }[] = [];
  private earliestEnd: Date | null = null;
  private newMeasures = 0;
  private flushed = false;

  constructor(
    readonly tx: Tx,
    readonly now: Date,
    private readonly rules: RuleBook,
    private readonly sanctionRepository: SanctionRepository,
    private readonly accountRepository: DepositAccountRepository,
    private readonly alarm: MeasureExpiryAlarm,
  ) {}

  /** Loads (locks) the accounts of `merchants`, creating missing ones, and `sanctions` with their open measures: one statement each. */
  async load(what: { merchants?: Iterable<string>; sanctions?: Iterable<string> }): Promise<void> {
    const merchants = [...new Set(what.merchants ?? [])].filter((m) => !this.accounts.has(m));
    const sanctions = [...new Set(what.sanctions ?? [])].filter((s) => !this.sanctions.has(s));
    for (const record of await this.accountRepository.lockOrCreate(this.tx, merchants, this.now)) {
      this.accounts.set(record.merchantId, { merchantId: record.merchantId, ledger: record.ledger, changed: false });
      for (const m of record.openMeasures) this.know(m);
    }
    for (const record of await this.sanctionRepository.lockForChange(this.tx, sanctions)) {
      this.sanctions.set(record.sanctionId, {
        sanctionId: record.sanctionId,
        merchantId: record.merchantId,
        fineFen: record.fineFen,
        fineRefundedFen: record.fineRefundedFen,
        revoked: record.revoked,
        revokedAt: null,
        revokeReason: null,
        created: null,
        changed: false,
      });
      for (const m of record.measures) this.know(m);
    }
  }

  /** A loaded sanction's merchant; null when no such sanction exists. */
  merchantOf(sanctionId: string): string | null {
    return this.sanctions.get(sanctionId)?.merchantId ?? null;
  }

  /** The types of a loaded sanction's measures still running, in the order they were imposed. */
  runningMeasures(sanctionId: string): MeasureType[] {
    this.sanction(sanctionId);
    return (this.measuresBySanction.get(sanctionId) ?? []).filter((m) => this.inForce(m)).map((m) => m.type);
  }

  /** Whether a STORE_SUPERVISION measure of the merchant is in force (its account loaded). */
  supervised(merchantId: string): boolean {
    this.account(merchantId);
    return (this.measuresByMerchant.get(merchantId) ?? []).some((m) => m.type === 'STORE_SUPERVISION' && m.liftedAt === null);
  }

  position(merchantId: string): DepositPositionFen {
    const { ledger } = this.account(merchantId);
    const balanceFen = ledgerBalanceFen(ledger);
    return { merchantId, requiredFen: ledger.requiredFen, balanceFen, shortfallFen: ledgerShortfallFen({ requiredFen: ledger.requiredFen, balanceFen }), topUpDueAt: ledger.topUpDueAt };
  }

  /** Imposes a sanction: its measures, sanction.imposed.v1, and its fine charged to the deposit (after, so the deposit event can name it). */
  impose(s: SanctionToImpose): string {
    this.open();
    const sanctionId = s.sanctionId ?? randomUUID();
    const appealDeadline = s.appealDeadline ?? appealWindowCloses(this.now, s.ruleSet);
    const fineFen = s.fine === 'FORFEITURE' ? ledgerForfeitureFen(this.account(s.merchantId).ledger) : s.fine === null ? null : BigInt(s.fine);
    this.sanctions.set(sanctionId, {
      sanctionId,
      merchantId: s.merchantId,
      fineFen,
      fineRefundedFen: 0n,
      revoked: false,
      revokedAt: null,
      revokeReason: null,
      created: { sanctionId, merchantId: s.merchantId, cause: s.cause, fineFen, ruleVersion: s.ruleSet.version, ...ruleIdentityOf(s.ruleSet), decidedAt: this.now, appealDeadline },
      changed: true,
    });
    for (const m of s.measures) {
      this.add({ id: null, sanctionId, merchantId: s.merchantId, type: m.type, startsAt: m.startsAt, endsAt: m.endsAt, liftedAt: null, liftReason: null, changed: true });
      if (m.endsAt && (!this.earliestEnd || m.endsAt.getTime() < this.earliestEnd.getTime())) this.earliestEnd = m.endsAt;
    }
    const { kind, track, node, naturalYear, violationIds } = s.cause;
    const data: SanctionImposedV1 = {
      sanctionId,
      merchantId: s.merchantId,
      cause: { kind, ...(track !== undefined ? { track } : {}), ...(node !== undefined ? { node } : {}), ...(naturalYear !== undefined ? { naturalYear } : {}), violationIds },
      measures: s.measures.map((m) => ({ type: m.type, startsAt: formatShanghai(m.startsAt), endsAt: m.endsAt ? formatShanghai(m.endsAt) : null })),
      fine: fineFen === null ? null : { amountFen: fenAsContractInteger(fineFen), currency: CURRENCY },
      ruleVersion: s.ruleSet.version,
      ...definedIdentity(ruleIdentityOf(s.ruleSet)),
      appealDeadline: formatShanghai(appealDeadline),
    };
    this.publish(Topics.SanctionsDecidedV1, EventTypes.SanctionImposedV1, s.merchantId, data);
    if (fineFen !== null && fineFen > 0n) this.post(s.merchantId, { kind: s.fine === 'FORFEITURE' ? 'FORFEITURE' : 'FINE_CHARGED', amountFen: fineFen, reference: sanctionId });
    return sanctionId;
  }

  /**
   * A decision revoked (appeal accepted, points restored): its running measures are lifted and what
   * is left of its fine goes back to the deposit. Revoking twice does nothing more (answers false).
   */
  revoke(sanctionId: string, reason: LiftReason): boolean {
    this.open();
    const s = this.sanction(sanctionId);
    if (s.revoked) return false;
    Object.assign(s, { revoked: true, revokedAt: this.now, revokeReason: reason, changed: true });
    this.lift(sanctionId, reason);
    const refund = (s.fineFen ?? 0n) - s.fineRefundedFen;
    if (refund > 0n) {
      s.fineRefundedFen += refund;
      this.post(s.merchantId, { kind: 'FINE_REFUNDED', amountFen: refund, reference: sanctionId });
    }
    return true;
  }

  /** Lifts the sanction's running measures (of `onlyTypes` when given), with one sanction.lifted.v1; answers the types lifted. */
  lift(sanctionId: string, reason: LiftReason, onlyTypes?: readonly MeasureType[]): MeasureType[] {
    this.open();
    // Only a loaded sanction's measures are all known; the account's are known for their types.
    if (!this.sanctions.has(sanctionId) && !(onlyTypes && onlyTypes.every((t) => ACCOUNT_MEASURES.includes(t)))) throw new Error(`sanction ${sanctionId} was not loaded`);
    const lifting = (this.measuresBySanction.get(sanctionId) ?? []).filter((m) => this.inForce(m) && (!onlyTypes || onlyTypes.includes(m.type)));
    if (lifting.length === 0) return [];
    for (const m of lifting) Object.assign(m, { liftedAt: this.now, liftReason: reason, changed: true });
    const merchantId = lifting[0].merchantId;
    const account = this.accounts.get(merchantId);
    if (account) account.ledger = { ...account.ledger, terminated: this.terminated(merchantId) };
    const measureTypes = lifting.map((m) => m.type);
    const data: SanctionLiftedV1 = { sanctionId, merchantId, measureTypes, reason, liftedAt: formatShanghai(this.now) };
    this.publish(Topics.SanctionsDecidedV1, EventTypes.SanctionLiftedV1, merchantId, data);
    return measureTypes;
  }

  /** The profile changed: kept on the account with the flush. */
  recordProfile(merchantId: string, profile: MerchantProfileColumns): void {
    this.open();
    const account = this.account(merchantId);
    account.profile = profile;
    account.changed = true;
  }

  /**
   * Posts a change to the merchant's deposit and applies section 7's review: a shortfall opens a
   * top-up window (a task closes it), a balance back closes it and ends supervision; then
   * deposit.updated.v1. Nothing happens for a requirement that did not change (answers null).
   */
  post(merchantId: string, change: DepositLedgerChange): DepositLedgerPosting | null {
    this.open();
    const account = this.account(merchantId);
    const posting = postToDepositLedger({ ...account.ledger, terminated: this.terminated(merchantId) }, change, { now: this.now, ruleSet: this.rules.at(this.now) });
    if (!posting) return null;
    account.ledger = posting.account;
    account.changed = true;
    const { review } = posting;
    if (review.action === 'OPEN_TOP_UP_WINDOW') {
      this.tasks.push({ kind: DEPOSIT_TOP_UP_DUE_TASK, key: topUpDueTaskKey(merchantId, review.topUpDueAt), group: topUpDueTaskGroup(merchantId), merchantId, dueAt: review.topUpDueAt });
    } else if (review.action === 'CLOSE_TOP_UP_WINDOW') {
      this.cancelTasks(DEPOSIT_TOP_UP_DUE_TASK, topUpDueTaskGroup(merchantId));
      // Topped up: supervision imposed for the shortfall ends.
      if (review.toppedUp) {
        const supervising = new Set((this.measuresByMerchant.get(merchantId) ?? []).filter((m) => m.type === 'STORE_SUPERVISION' && m.liftedAt === null).map((m) => m.sanctionId));
        for (const sanctionId of supervising) this.lift(sanctionId, 'DEPOSIT_TOPPED_UP', ['STORE_SUPERVISION']);
      }
    }
    this.publishDeposit(merchantId, posting.change);
    return posting;
  }

  /** Tells subscribers the deposit as it is (e.g. TOP_UP_OVERDUE: the window closed unpaid). */
  publishDeposit(merchantId: string, change: { kind: DepositUpdatedV1['change']['kind']; amountFen: bigint; reference: string | null }): void {
    const p = this.position(merchantId);
    const data: DepositUpdatedV1 = {
      merchantId,
      requiredFen: p.requiredFen === null ? null : fenAsContractInteger(p.requiredFen),
      balanceFen: fenAsContractInteger(p.balanceFen),
      shortfallFen: fenAsContractInteger(p.shortfallFen),
      topUpDueAt: p.topUpDueAt ? formatShanghai(p.topUpDueAt) : null,
      change: { kind: change.kind, amountFen: fenAsContractInteger(change.amountFen), reference: change.reference },
    };
    this.publish(Topics.RemediesUpdatedV1, EventTypes.DepositUpdatedV1, merchantId, data);
  }

  /** Queues an event, in order with the book's own. */
  publish(topic: string, type: EventType, merchantId: string, data: object): void {
    this.open();
    this.events.push({ topic, event: buildCloudEvent({ type, source: SANCTION_SOURCE, subject: merchantId, data, time: this.now }) });
  }

  schedule(task: TaskToSchedule): void {
    this.open();
    this.tasks.push(task);
  }

  /** Cancels, with the flush, the open tasks of `kind` in `group` (TaskToSchedule.group). */
  cancelTasks(kind: string, group: string): void {
    this.open();
    if (!this.cancelled.has(kind)) this.cancelled.set(kind, new Set());
    this.cancelled.get(kind)!.add(group);
    // Scheduled earlier by this book: never written. Tasks scheduled after this are written after the cancel.
    for (let i = this.tasks.length - 1; i >= 0; i--) if (this.tasks[i].kind === kind && this.tasks[i].group === group) this.tasks.splice(i, 1);
  }

  /** Writes everything decided: one statement per table, then the events to the outbox in order. */
  async flush(): Promise<void> {
    this.open();
    this.flushed = true;
    const sanctions = [...this.sanctions.values()].filter((s) => s.changed);
    const created: NewSanctionRow[] = sanctions.flatMap((s) => (s.created ? [{ ...s.created, revokedAt: s.revokedAt, revokeReason: s.revokeReason, fineRefundedFen: s.fineRefundedFen }] : []));
    const revoked = sanctions.filter((s) => !s.created).map((s) => ({ sanctionId: s.sanctionId, revokedAt: s.revokedAt!, revokeReason: s.revokeReason!, fineRefundedFen: s.fineRefundedFen }));
    await this.sanctionRepository.write(this.tx, created, revoked);
    const measures = [...this.measures.values()].filter((m) => m.changed);
    const newMeasures: NewMeasureRow[] = measures
      .filter((m) => m.id === null)
      .map((m) => ({ sanctionId: m.sanctionId, merchantId: m.merchantId, type: m.type, startsAt: m.startsAt, endsAt: m.endsAt, liftedAt: m.liftedAt, liftReason: m.liftReason }));
    const lifted = measures.filter((m) => m.id !== null).map((m) => ({ id: m.id!, liftedAt: m.liftedAt!, liftReason: m.liftReason! }));
    await this.sanctionRepository.writeMeasures(this.tx, newMeasures, lifted);
    const accounts = [...this.accounts.values()].filter((a) => a.changed);
    await this.accountRepository.write(this.tx, accounts.map((a) => ({ merchantId: a.merchantId, ledger: a.ledger, profile: a.profile })), this.now);
    // Cancels first: they concern tasks from before this book (its own cancelled ones were dropped).
    for (const [kind, groups] of this.cancelled) await cancelTaskGroups(this.tx.manager, kind, [...groups], this.now);
    await scheduleTasks(this.tx.manager, this.tasks);
    for (const { topic, event } of this.events) this.tx.publish(topic, event);
    const earliest = this.earliestEnd;
    if (earliest) this.tx.afterCommit(() => this.alarm.raise(earliest));
  }

  private open(): void {
    if (this.flushed) throw new Error('the sanction book was flushed: open another for further changes');
  }

  private account(merchantId: string): AccountState {
    const account = this.accounts.get(merchantId);
    if (!account) throw new Error(`the account of ${merchantId} was not loaded`);
    return account;
  }

  private sanction(sanctionId: string): SanctionState {
    const s = this.sanctions.get(sanctionId);
    if (!s) throw new Error(`sanction ${sanctionId} was not loaded`);
    return s;
  }

  private terminated(merchantId: string): boolean {
    return (this.measuresByMerchant.get(merchantId) ?? []).some((m) => m.type === 'TERMINATION' && m.liftedAt === null);
  }

  private inForce(m: MeasureState): boolean {
    return measureInForce(m, this.now);
  }

  /** A measure read from the database; known once whichever load brought it. */
  private know(record: OpenMeasureRecord): void {
    if (this.measures.has(record.id)) return;
    // Open measures are loaded with their end only; the start is not needed to lift them.
    this.add({ id: record.id, sanctionId: record.sanctionId, merchantId: record.merchantId, type: record.type, startsAt: this.now, endsAt: record.endsAt, liftedAt: null, liftReason: null, changed: false });
  }

  private add(m: MeasureState): void {
    this.measures.set(m.id ?? `new:${this.newMeasures++}`, m);
    for (const [index, key] of [[this.measuresBySanction, m.sanctionId], [this.measuresByMerchant, m.merchantId]] as const) {
      const list = index.get(key);
      if (list) list.push(m);
      else index.set(key, [m]);
    }
  }
}

/** Opens a SanctionBook on a transaction (see SanctionBook). */
@Injectable()
export class SanctionBooks {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RuleBook,
    private readonly sanctionRepository: SanctionRepository,
    private readonly accountRepository: DepositAccountRepository,
    private readonly alarm: MeasureExpiryAlarm,
  ) {}

  open(tx: Tx, now: Date = this.clock.now()): SanctionBook {
    return new SanctionBook(tx, now, this.rules, this.sanctionRepository, this.accountRepository, this.alarm);
  }
}
