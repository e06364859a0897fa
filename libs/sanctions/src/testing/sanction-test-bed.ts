// Shared by the database-backed specs of this lib (not exported): the sanction service's handlers
// wired by hand on a replica of the HandlerTestbed, a clock the test moves, penalty events, and a
// count of the statements sent to PostgreSQL.
import { randomUUID } from 'node:crypto';
import { Client, type QueryConfig } from 'pg';
import type { DataSource, MigrationInterface } from 'typeorm';
import { APPEAL_MIGRATIONS } from '@penalty/appeals';
import { RuleBook, type Clock, type Track } from '@penalty/domain';
import type { RulebookAwareness, TransactionRunner } from '@penalty/messaging';
import { TopUpDueHandler } from '../lib/close-overdue-windows/top-up-due.handler';
import { DepositAccountRepository } from '../lib/deposit-account.repository';
import { ForgeryCaseRepository } from '../lib/forgery-case.repository';
import { ImposeLadderSanctionsHandler } from '../lib/impose-ladder-sanctions/impose-ladder-sanctions.handler';
import { LadderRepository } from '../lib/ladder.repository';
import { LiftMeasuresHandler } from '../lib/lift-measures/lift-measures.handler';
import { MeasureExpiryAlarm } from '../lib/measure-expiry.alarm';
import { OpenForgeryCasesHandler } from '../lib/open-forgery-cases/open-forgery-cases.handler';
import { RecordDepositPaymentHandler } from '../lib/record-deposit-payments/record-deposit-payment.handler';
import { RecordMerchantProfilesHandler } from '../lib/record-merchant-profiles/record-merchant-profiles.handler';
import { RemediateForgeryCaseHandler } from '../lib/remediate-forgery-cases/remediate-forgery-case.handler';
import { SanctionBooks } from '../lib/sanction-book';
import { SANCTION_MIGRATIONS } from '../lib/sanction.migrations';
import { SanctionRepository } from '../lib/sanction.repository';

/** The sanction schema's own migrations (the testbed adds the shared pipeline tables first). */
export const SANCTION_SCHEMA_MIGRATIONS: (new () => MigrationInterface)[] = [...SANCTION_MIGRATIONS, ...APPEAL_MIGRATIONS];

/** A clock the test moves. */
export class TestClock implements Clock {
  constructor(private instant: Date) {}
  now(): Date {
    return new Date(this.instant);
  }
  set(instant: Date): void {
    this.instant = instant;
  }
}

/** The sanction service's handlers on one replica, wired as SanctionsModule wires them. */
export function sanctionHandlers(replica: { dataSource: DataSource; runner: TransactionRunner }, clock: Clock, options: { rules?: RuleBook; paymentMaxFen?: number; rulebooks?: RulebookAwareness } = {}) {
  const rules = options.rules ?? new RuleBook();
  const sanctions = new SanctionRepository();
  const accounts = new DepositAccountRepository();
  const cases = new ForgeryCaseRepository();
  const books = new SanctionBooks(clock, rules, sanctions, accounts, new MeasureExpiryAlarm());
  return {
    books,
    ladder: new ImposeLadderSanctionsHandler(clock, rules, new LadderRepository(), books, options.rulebooks),
    profiles: new RecordMerchantProfilesHandler(clock, books),
    forgery: new OpenForgeryCasesHandler(clock, rules, cases, books),
    payments: new RecordDepositPaymentHandler(replica.dataSource, replica.runner, accounts, books, { DEPOSIT_PAYMENT_MAX_FEN: options.paymentMaxFen ?? 1_000_000_000 }, clock, rules),
    topUps: new TopUpDueHandler(rules, books),
    remediation: new RemediateForgeryCaseHandler(replica.dataSource, replica.runner, rules, cases, books, clock),
    lifts: new LiftMeasuresHandler(replica.dataSource, replica.runner, sanctions, books, rules, clock),
  };
}

/** penalty.assessed.v1 (or .adjusted) as the scoring service publishes it. */
export function aPenaltyEvent(o: { merchantId: string; violationId?: string; track?: Track; points: number; total: number; naturalYear?: number; adjusted?: boolean; id?: string; ruleVersion?: string; marketplace?: string }) {
  const track = o.track ?? 'SERIOUS';
  const violationId = o.violationId ?? `v-${randomUUID()}`;
  return {
    specversion: '1.0',
    id: o.id ?? randomUUID(),
    source: 'scoring-service',
    type: o.adjusted ? 'penalty.adjusted.v1' : 'penalty.assessed.v1',
    time: '2026-11-23T10:00:00+08:00',
    subject: o.merchantId,
    datacontenttype: 'application/json',
    data: {
      assessmentId: `a-${violationId}`,
      violationId,
      merchantId: o.merchantId,
      track,
      points: o.points,
      waiver: o.adjusted && o.points === 0 ? 'APPEAL' : null,
      naturalYear: o.naturalYear ?? 2026,
      totals: track === 'SERIOUS' ? { general: 0, serious: o.total } : { general: o.total, serious: 0 },
      ruleVersion: o.ruleVersion ?? '2022-06-27',
      ...(o.marketplace ? { marketplace: o.marketplace } : {}),
    },
  };
}

/**
 * Counts the statements (round trips) sent on every pg client of the process while `measure` runs.
 * Multi-statement strings sent at once (e.g. the outbox delete with its COMMIT and the lanes' release) count once: they cost one round trip.
 */
export class StatementCounter {
  private static installed = false;
  private static active: string[] | null = null;

  static install(): void {
    if (StatementCounter.installed) return;
    StatementCounter.installed = true;
    const original = Client.prototype.query as (...args: unknown[]) => unknown;
    (Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: Client, ...args: unknown[]) {
      const text = typeof args[0] === 'string' ? args[0] : (args[0] as QueryConfig | undefined)?.text;
      if (StatementCounter.active && typeof text === 'string') StatementCounter.active.push(text.trim().replace(/\s+/g, ' ').slice(0, 80));
      return original.apply(this, args);
    };
  }

  static async measure<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    StatementCounter.install();
    const sent: string[] = [];
    StatementCounter.active = sent;
    try {
      return { result: await work(), statements: sent };
    } finally {
      StatementCounter.active = null;
    }
  }
}
