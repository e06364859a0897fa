import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CloudEvent, PenaltyAssessedV1 } from '@penalty/contracts';
import { decideLadder, planLadderSanction, RuleBook, type Clock, type LadderNode } from '@penalty/domain';
import { CLOCK } from '@penalty/runtime';
import { SanctionBook } from './sanction-book';

/**
 * Keeps the assessments it is told about and follows the merchant's yearly total on each track with a
 * ladder. A total that reaches nodes not yet passed imposes the highest one (measures, fine charged to
 * the deposit) and records the others as skipped; a total that falls below imposed nodes (points
 * restored by an appeal or an exam) revokes them: running measures lifted (POINTS_RESTORED), fine
 * refunded, and the nodes may be reached again. Runs inside the inbox transaction.
 */
@Injectable()
export class ImposeLadderSanctionHandler {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RuleBook,
    private readonly sanctions: SanctionBook,
  ) {}

  async handle(manager: EntityManager, event: CloudEvent<PenaltyAssessedV1>): Promise<void> {
    const assessed = event.data;
    const now = this.clock.now();
    const ruleSet = this.rules.ofVersion(assessed.ruleVersion, now);
    const ladder = ruleSet.ladders[assessed.track];
    const newTotal = assessed.track === 'SERIOUS' ? assessed.totals.serious : assessed.totals.general;
    const scope = [assessed.merchantId, assessed.naturalYear, assessed.track];

    // One round trip: keep the assessment and read the track's ladder nodes (the hot path of every event).
    const nodes: { node: number; status: string; sanction_id: string }[] = await manager.query(
      `WITH kept AS (
         INSERT INTO assessment (violation_id, assessment_id, merchant_id, natural_year, track, points, rule_version, updated_at)
         VALUES ($4, $5, $1, $2, $3, $6, $7, $8)
         ON CONFLICT (violation_id) DO UPDATE SET points = EXCLUDED.points, updated_at = EXCLUDED.updated_at
       )
       SELECT node, status, sanction_id FROM ladder_node WHERE merchant_id = $1 AND natural_year = $2 AND track = $3`,
      [...scope, assessed.violationId, assessed.assessmentId, assessed.points, assessed.ruleVersion, now],
    );
    if (ladder.length === 0) return;
    // Points restored below imposed nodes: those decisions no longer apply, and the nodes can be reached again.
    const unreached = [...new Set(nodes.filter((n) => n.status === 'IMPOSED' && n.node > newTotal).map((n) => n.sanction_id))];
    for (const sanctionId of unreached) {
      await this.sanctions.revoke(manager, sanctionId, 'POINTS_RESTORED', now);
      await manager.query('DELETE FROM ladder_node WHERE sanction_id = $1', [sanctionId]);
    }
    const passed = nodes.filter((n) => !unreached.includes(n.sanction_id));
    const decision = decideLadder({ ladder, alreadyImposedNodes: passed.map((p) => p.node), newTotal });
    if (!decision.impose) return;

    const plan = planLadderSanction(decision.impose, now, ruleSet);
    const contributing: { violation_id: string }[] = await manager.query(
      'SELECT violation_id FROM assessment WHERE merchant_id = $1 AND natural_year = $2 AND track = $3 AND points > 0 ORDER BY updated_at, violation_id',
      scope,
    );
    const sanctionId = await this.sanctions.impose(
      manager,
      {
        merchantId: assessed.merchantId,
        cause: { kind: 'LADDER_NODE', node: plan.node as LadderNode, naturalYear: assessed.naturalYear, violationIds: contributing.map((c) => c.violation_id), skippedNodes: decision.skipped },
        measures: plan.measures,
        fine: plan.forfeitsDeposit ? 'FORFEITURE' : plan.fineFen,
        ruleSet,
        appealDeadline: plan.appealDeadline,
      },
      now,
    );
    // One statement for the imposed node and the skipped ones.
    await manager.query(
      `INSERT INTO ladder_node (merchant_id, natural_year, track, node, status, sanction_id, decided_at)
       SELECT $1, $2, $3, node, CASE WHEN node = $4 THEN 'IMPOSED' ELSE 'SKIPPED' END, $5, $6 FROM unnest($7::int[]) AS node`,
      [...scope, plan.node, sanctionId, now, [plan.node, ...decision.skipped]],
    );
  }
}
