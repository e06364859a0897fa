import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { buildCloudEvent, EventTypes, Topics, type DepositChangeKind, type DepositUpdatedV1 } from '@penalty/contracts';
import { depositShortfallFen, formatShanghai, reviewDeposit, RuleBook, type Clock, type DepositPosition } from '@penalty/domain';
import { appendEventToOutbox, cancelTasks, scheduleTask } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { MeasureLifter } from './measure-lifter';
import { SANCTION_SOURCE } from './sanction-source';

export const DEPOSIT_TOP_UP_DUE_TASK = 'DEPOSIT_TOP_UP_DUE';

interface AccountRow {
  required_fen: string | null;
  initial_fen: string | null;
  fines_charged_fen: string;
  payments_fen: string;
  refunds_fen: string;
  top_up_due_at: Date | null;
  terminated: boolean;
}

export interface DepositState extends DepositPosition {
  merchantId: string;
  shortfallFen: number;
  /** The merchant was terminated (a TERMINATION measure is in force): no store left to supervise. */
  terminated: boolean;
}

const num = (v: string | null) => (v === null ? null : Number(v));

/**
 * Section 7: the deposit as a ledger (paid on entry, payments, refunds, fines). Every change is
 * reviewed: a shortfall opens a top-up window (a scheduled task closes it), a balance back at the
 * requirement closes it and ends supervision; each change publishes deposit.updated.v1.
 * Runs in the caller's transaction and locks the merchant's account row.
 */
@Injectable()
export class DepositLedger {
  constructor(
    private readonly rules: RuleBook,
    private readonly lifter: MeasureLifter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async position(manager: EntityManager, merchantId: string): Promise<DepositState> {
    const lock = () =>
      manager.query(
        `SELECT required_fen, initial_fen, fines_charged_fen, payments_fen, refunds_fen, top_up_due_at,
           EXISTS (SELECT 1 FROM measure WHERE measure.merchant_id = $1 AND type = 'TERMINATION' AND lifted_at IS NULL) AS terminated
         FROM merchant_account WHERE merchant_id = $1 FOR UPDATE OF merchant_account`,
        [merchantId],
      ) as Promise<AccountRow[]>;
    let [a] = await lock();
    if (!a) {
      // A merchant fined before its first profile: the account starts empty, its requirement unknown.
      await manager.query('INSERT INTO merchant_account (merchant_id, updated_at) VALUES ($1, $2) ON CONFLICT (merchant_id) DO NOTHING', [merchantId, this.clock.now()]);
      [a] = await lock();
    }
    const requiredFen = num(a.required_fen);
    const balanceFen = (num(a.initial_fen) ?? 0) + Number(a.payments_fen) + Number(a.refunds_fen) - Number(a.fines_charged_fen);
    const topUpDueAt = a.top_up_due_at ? new Date(a.top_up_due_at) : null;
    return { merchantId, requiredFen, balanceFen, topUpDueAt, shortfallFen: depositShortfallFen({ requiredFen, balanceFen }), terminated: a.terminated };
  }

  /** What forfeiture takes: the whole balance; null while the requirement (hence the deposit) is unknown. */
  async balanceForForfeiture(manager: EntityManager, merchantId: string): Promise<number | null> {
    const p = await this.position(manager, merchantId);
    return p.requiredFen === null ? null : Math.max(0, p.balanceFen);
  }

  async charge(manager: EntityManager, merchantId: string, amountFen: number, kind: 'FINE_CHARGED' | 'FORFEITURE', reference: string, now: Date): Promise<void> {
    await manager.query('UPDATE merchant_account SET fines_charged_fen = fines_charged_fen + $2, updated_at = $3 WHERE merchant_id = $1', [merchantId, amountFen, now]);
    await this.review(manager, merchantId, { kind, amountFen: -amountFen, reference }, now);
  }

  async refund(manager: EntityManager, merchantId: string, amountFen: number, reference: string, now: Date): Promise<void> {
    await manager.query('UPDATE merchant_account SET refunds_fen = refunds_fen + $2, updated_at = $3 WHERE merchant_id = $1', [merchantId, amountFen, now]);
    await this.review(manager, merchantId, { kind: 'FINE_REFUNDED', amountFen, reference }, now);
  }

  /** Records a payment once per payment id; answers false when the id was already recorded. */
  async pay(manager: EntityManager, merchantId: string, paymentId: string, amountFen: number, actor: string, now: Date): Promise<boolean> {
    await this.position(manager, merchantId);
    const inserted: unknown[] = await manager.query(
      `INSERT INTO deposit_payment (payment_id, merchant_id, amount_fen, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (payment_id) DO NOTHING RETURNING payment_id`,
      [paymentId, merchantId, amountFen, actor, now],
    );
    if (inserted.length === 0) return false;
    await manager.query('UPDATE merchant_account SET payments_fen = payments_fen + $2, updated_at = $3 WHERE merchant_id = $1', [merchantId, amountFen, now]);
    await this.review(manager, merchantId, { kind: 'PAYMENT', amountFen, reference: paymentId }, now);
    return true;
  }

  /** The profile set or changed the requirement; the first one counts as the deposit paid on entry. */
  async requirementChanged(manager: EntityManager, merchantId: string, requiredFen: number, now: Date): Promise<void> {
    const before = await this.position(manager, merchantId);
    if (before.requiredFen === requiredFen) return;
    await manager.query(
      'UPDATE merchant_account SET initial_fen = coalesce(initial_fen, $2), required_fen = $2, updated_at = $3 WHERE merchant_id = $1',
      [merchantId, requiredFen, now],
    );
    await this.review(manager, merchantId, { kind: 'REQUIREMENT', amountFen: 0, reference: null }, now);
  }

  /** Applies section 7 after a change and tells subscribers the new state. */
  async review(manager: EntityManager, merchantId: string, change: DepositUpdatedV1['change'], now: Date): Promise<DepositState> {
    const position = await this.position(manager, merchantId);
    const decision = reviewDeposit(position, { now, terminated: position.terminated, ruleSet: this.rules.at(now) });
    if (decision.action === 'OPEN_TOP_UP_WINDOW') {
      position.topUpDueAt = decision.topUpDueAt;
      await manager.query('UPDATE merchant_account SET top_up_due_at = $2 WHERE merchant_id = $1', [merchantId, decision.topUpDueAt]);
      await scheduleTask(manager, { kind: DEPOSIT_TOP_UP_DUE_TASK, key: `${merchantId}/${decision.topUpDueAt.toISOString()}`, merchantId, dueAt: decision.topUpDueAt });
    } else if (decision.action === 'CLOSE_TOP_UP_WINDOW') {
      position.topUpDueAt = null;
      await manager.query('UPDATE merchant_account SET top_up_due_at = NULL WHERE merchant_id = $1', [merchantId]);
      await cancelTasks(manager, DEPOSIT_TOP_UP_DUE_TASK, `${merchantId}/`, now);
      // Topped up: supervision imposed for the shortfall ends.
      const supervised: { sanction_id: string }[] = !decision.toppedUp ? [] : await manager.query(
        `SELECT DISTINCT sanction_id FROM measure WHERE merchant_id = $1 AND type = 'STORE_SUPERVISION' AND lifted_at IS NULL`,
        [merchantId],
      );
      for (const { sanction_id } of supervised) await this.lifter.lift(manager, sanction_id, 'DEPOSIT_TOPPED_UP', now, ['STORE_SUPERVISION']);
    }
    await this.publish(manager, position, change, now);
    return position;
  }

  async publish(manager: EntityManager, position: DepositState, change: { kind: DepositChangeKind; amountFen: number; reference: string | null }, now: Date): Promise<void> {
    const data: DepositUpdatedV1 = {
      merchantId: position.merchantId,
      requiredFen: position.requiredFen,
      balanceFen: position.balanceFen,
      shortfallFen: position.shortfallFen,
      topUpDueAt: position.topUpDueAt ? formatShanghai(position.topUpDueAt) : null,
      change,
    };
    appendEventToOutbox(manager, Topics.RemediesUpdatedV1, buildCloudEvent({ type: EventTypes.DepositUpdatedV1, source: SANCTION_SOURCE, subject: position.merchantId, data, time: now }));
  }
}
