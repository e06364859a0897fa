import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { buildCloudEvent, EventTypes, Topics, type SanctionCauseV1, type SanctionImposedV1 } from '@penalty/contracts';
import { appealWindowCloses, CURRENCY, formatShanghai, type LiftReason, type PlannedMeasure, type RuleSet } from '@penalty/domain';
import { appendEventToOutbox, txOf } from '@penalty/messaging';
import { DepositLedger } from './deposit-ledger';
import { MeasureLifter } from './measure-lifter';
import { SANCTION_SOURCE } from './sanction-source';

export interface SanctionToImpose {
  merchantId: string;
  cause: SanctionCauseV1 & Record<string, unknown>;
  measures: PlannedMeasure[];
  /** A fine charged to the deposit; 'FORFEITURE' takes the whole balance. */
  fine: number | 'FORFEITURE' | null;
  ruleSet: RuleSet;
  appealDeadline?: Date;
}

/**
 * Imposes and revokes sanctions in the caller's transaction: the sanction and its measures, the fine
 * charged to the deposit, and sanction.imposed.v1 / sanction.lifted.v1 in the outbox.
 */
@Injectable()
export class SanctionBook {
  private readonly timedMeasureListeners: ((endsAt: Date) => void)[] = [];

  constructor(
    private readonly deposits: DepositLedger,
    private readonly lifter: MeasureLifter,
  ) {}

  /** Told, after the commit, when measures with an end were imposed (the expiry worker then looks at the earliest end). */
  onTimedMeasuresImposed(listener: (endsAt: Date) => void): void {
    this.timedMeasureListeners.push(listener);
  }

  async impose(manager: EntityManager, s: SanctionToImpose, now: Date): Promise<string> {
    const sanctionId = randomUUID();
    const appealDeadline = s.appealDeadline ?? appealWindowCloses(now, s.ruleSet);
    const fineFen = s.fine === 'FORFEITURE' ? await this.deposits.balanceForForfeiture(manager, s.merchantId) : s.fine;
    // The stored cause may carry more (skipped nodes, case id); the event carries the contract's fields.
    const { kind, node, naturalYear, violationIds } = s.cause;
    const publicCause = { kind, ...(node !== undefined ? { node } : {}), ...(naturalYear !== undefined ? { naturalYear } : {}), violationIds };
    await manager.query(
      'INSERT INTO sanction (sanction_id, merchant_id, cause, fine_fen, rule_version, decided_at, appeal_deadline) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [sanctionId, s.merchantId, JSON.stringify(s.cause), fineFen, s.ruleSet.version, now, appealDeadline],
    );
    if (s.measures.length > 0) {
      await manager.query(
        `INSERT INTO measure (sanction_id, merchant_id, type, starts_at, ends_at)
         SELECT $1, $2, m.type, m.starts_at, m.ends_at FROM unnest($3::text[], $4::timestamptz[], $5::timestamptz[]) AS m (type, starts_at, ends_at)`,
        [sanctionId, s.merchantId, s.measures.map((m) => m.type), s.measures.map((m) => m.startsAt), s.measures.map((m) => m.endsAt)],
      );
      const ends = s.measures.flatMap((m) => (m.endsAt ? [m.endsAt.getTime()] : []));
      if (ends.length > 0) {
        const earliest = new Date(Math.min(...ends));
        txOf(manager).afterCommit(() => this.timedMeasureListeners.forEach((listener) => listener(earliest)));
      }
    }
    const data = {
      sanctionId,
      merchantId: s.merchantId,
      cause: publicCause,
      measures: s.measures.map((m) => ({ type: m.type, startsAt: formatShanghai(m.startsAt), endsAt: m.endsAt ? formatShanghai(m.endsAt) : null })),
      fine: fineFen === null ? null : { amountFen: fineFen, currency: CURRENCY },
      ruleVersion: s.ruleSet.version,
      appealDeadline: formatShanghai(appealDeadline),
    } as SanctionImposedV1;
    appendEventToOutbox(manager, Topics.SanctionsDecidedV1, buildCloudEvent({ type: EventTypes.SanctionImposedV1, source: SANCTION_SOURCE, subject: s.merchantId, data, time: now }));
    // The fine is charged after the sanction exists, so the deposit event can name it.
    if (fineFen !== null && fineFen > 0) await this.deposits.charge(manager, s.merchantId, fineFen, s.fine === 'FORFEITURE' ? 'FORFEITURE' : 'FINE_CHARGED', sanctionId, now);
    return sanctionId;
  }

  /**
   * A decision revoked (appeal accepted, points restored): its still-running measures are lifted and
   * its fine goes back to the deposit. Revoking twice does nothing more.
   */
  async revoke(manager: EntityManager, sanctionId: string, reason: LiftReason, now: Date): Promise<boolean> {
    const [[sanction]]: [{ merchant_id: string; fine_fen: string | null; fine_refunded_fen: string }[], number] = await manager.query(
      `UPDATE sanction SET revoked_at = $2, revoke_reason = $3 WHERE sanction_id = $1 AND revoked_at IS NULL RETURNING merchant_id, fine_fen, fine_refunded_fen`,
      [sanctionId, now, reason],
    );
    if (!sanction) return false;
    await this.lifter.lift(manager, sanctionId, reason, now);
    const refund = Number(sanction.fine_fen ?? 0) - Number(sanction.fine_refunded_fen);
    if (refund > 0) {
      await manager.query('UPDATE sanction SET fine_refunded_fen = fine_refunded_fen + $2 WHERE sanction_id = $1', [sanctionId, refund]);
      await this.deposits.refund(manager, sanction.merchant_id, refund, sanctionId, now);
    }
    return true;
  }
}
