import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { buildCloudEvent, EventTypes, Topics, type CloudEvent, type PenaltyAssessedV1, type SanctionImposedV1 } from '@penalty/contracts';
import { CURRENCY, decideLadder, formatShanghai, planLadderSanction, ruleSetAt, ruleSetOfVersion, type Clock } from '@penalty/domain';
import { appendEventToOutbox } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';

export const SANCTION_SOURCE = 'sanction-service';

/**
 * Keeps the assessments it is told about and, when a merchant's yearly total on a track with a ladder
 * reaches nodes not yet passed, imposes the highest one (measures, fine charged to the deposit) and
 * records the others as skipped. Runs inside the inbox transaction.
 */
@Injectable()
export class ImposeLadderSanctionHandler {
  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  async handle(manager: EntityManager, event: CloudEvent<PenaltyAssessedV1>): Promise<void> {
    const assessed = event.data;
    const now = this.clock.now();
    await manager.query(
      `INSERT INTO assessment (violation_id, assessment_id, merchant_id, natural_year, track, points, rule_version, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (violation_id) DO UPDATE SET points = EXCLUDED.points, updated_at = EXCLUDED.updated_at`,
      [assessed.violationId, assessed.assessmentId, assessed.merchantId, assessed.naturalYear, assessed.track, assessed.points, assessed.ruleVersion, now],
    );

    const ruleSet = ruleSetOfVersion(assessed.ruleVersion) ?? ruleSetAt(now);
    const ladder = ruleSet.ladders[assessed.track];
    if (ladder.length === 0) return;
    const newTotal = assessed.track === 'SERIOUS' ? assessed.totals.serious : assessed.totals.general;

    const passed: { node: number }[] = await manager.query(
      'SELECT node FROM ladder_node WHERE merchant_id = $1 AND natural_year = $2 AND track = $3',
      [assessed.merchantId, assessed.naturalYear, assessed.track],
    );
    const decision = decideLadder({ ladder, alreadyImposedNodes: passed.map((p) => p.node), newTotal });
    if (!decision.impose) return;

    const plan = planLadderSanction(decision.impose, now, ruleSet);
    const fineFen = plan.forfeitsDeposit ? await this.depositBalance(manager, assessed.merchantId) : plan.fineFen;
    const contributing: { violation_id: string }[] = await manager.query(
      'SELECT violation_id FROM assessment WHERE merchant_id = $1 AND natural_year = $2 AND track = $3 AND points > 0 ORDER BY updated_at, violation_id',
      [assessed.merchantId, assessed.naturalYear, assessed.track],
    );
    const sanctionId = randomUUID();
    const cause = { kind: 'LADDER_NODE' as const, node: plan.node, naturalYear: assessed.naturalYear, violationIds: contributing.map((c) => c.violation_id) };

    await manager.query(
      'INSERT INTO sanction (sanction_id, merchant_id, cause, fine_fen, rule_version, decided_at, appeal_deadline) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [sanctionId, assessed.merchantId, JSON.stringify({ ...cause, skippedNodes: decision.skipped }), fineFen, ruleSet.version, now, plan.appealDeadline],
    );
    // One statement each for the nodes and the measures: a sanction has up to 8 measures and 4 nodes.
    const nodes = [plan.node, ...decision.skipped];
    await manager.query(
      `INSERT INTO ladder_node (merchant_id, natural_year, track, node, status, sanction_id, decided_at)
       SELECT $1, $2, $3, node, CASE WHEN node = $4 THEN 'IMPOSED' ELSE 'SKIPPED' END, $5, $6 FROM unnest($7::int[]) AS node`,
      [assessed.merchantId, assessed.naturalYear, assessed.track, plan.node, sanctionId, now, nodes],
    );
    await manager.query(
      `INSERT INTO measure (sanction_id, merchant_id, type, starts_at, ends_at)
       SELECT $1, $2, m.type, m.starts_at, m.ends_at FROM unnest($3::text[], $4::timestamptz[], $5::timestamptz[]) AS m (type, starts_at, ends_at)`,
      [sanctionId, assessed.merchantId, plan.measures.map((m) => m.type), plan.measures.map((m) => m.startsAt), plan.measures.map((m) => m.endsAt)],
    );
    if (fineFen !== null && fineFen > 0) {
      await manager.query(
        `INSERT INTO merchant_account (merchant_id, fines_charged_fen, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (merchant_id) DO UPDATE SET fines_charged_fen = merchant_account.fines_charged_fen + EXCLUDED.fines_charged_fen, updated_at = EXCLUDED.updated_at`,
        [assessed.merchantId, fineFen, now],
      );
    }

    const data = {
      sanctionId,
      merchantId: assessed.merchantId,
      cause,
      measures: plan.measures.map((m) => ({ type: m.type, startsAt: formatShanghai(m.startsAt), endsAt: m.endsAt ? formatShanghai(m.endsAt) : null })),
      fine: fineFen === null ? null : { amountFen: fineFen, currency: CURRENCY },
      ruleVersion: ruleSet.version,
      appealDeadline: formatShanghai(plan.appealDeadline),
    } as SanctionImposedV1;
    await appendEventToOutbox(
      manager,
      Topics.SanctionsDecidedV1,
      buildCloudEvent({ type: EventTypes.SanctionImposedV1, source: SANCTION_SOURCE, subject: assessed.merchantId, data, time: now }),
    );
  }

  /** The deposit balance, which forfeiture takes whole; null while the merchant has no profile (requirement unknown). */
  private async depositBalance(manager: EntityManager, merchantId: string): Promise<number | null> {
    const [account]: { required_fen: string | null; fines_charged_fen: string; payments_fen: string }[] = await manager.query(
      'SELECT required_fen, fines_charged_fen, payments_fen FROM merchant_account WHERE merchant_id = $1 FOR UPDATE',
      [merchantId],
    );
    if (!account || account.required_fen === null) return null;
    return Math.max(0, Number(account.required_fen) + Number(account.payments_fen) - Number(account.fines_charged_fen));
  }
}
