import type { EntityManager } from 'typeorm';
import { buildCloudEvent, EventTypes, Topics, type PenaltyAssessedV1 } from '@penalty/contracts';
import type { Waiver } from '@penalty/domain';
import { findTx, txOf } from '@penalty/messaging';
import { PointsRepository, type ScoredViolation } from './points.repository';

export type { ScoredViolation } from './points.repository';

export const SCORING_SOURCE = 'scoring-service';

const points = new PointsRepository();

/** The violation, locked for the rest of the transaction (if `manager` is one); undefined when unknown. */
export function lockViolation(manager: EntityManager, violationId: string): Promise<ScoredViolation | undefined> {
  return points.lockViolation(findTx(manager) ?? { query: (sql, params) => manager.query(sql, params) }, violationId);
}

/**
 * Points already assessed change (exam passed, appeal accepted, chance voided): the violation's points
 * and waiver, the merchant's yearly totals, and a penalty.adjusted.v1 carrying the new totals, in the
 * caller's transaction. Nothing happens when neither points nor waiver change.
 */
export async function adjustPoints(manager: EntityManager, violation: ScoredViolation, change: { points: number; waiver: Waiver | null }, now: Date): Promise<void> {
  if (violation.points === change.points && violation.waiver === change.waiver) return;
  const tx = txOf(manager);
  const totals = await points.changePoints(tx, violation, change);
  const data: PenaltyAssessedV1 = {
    assessmentId: violation.assessment_id,
    violationId: violation.violation_id,
    merchantId: violation.merchant_id,
    track: violation.track,
    points: change.points,
    waiver: change.waiver,
    naturalYear: violation.natural_year,
    totals: { general: totals.general, serious: totals.serious },
    ruleVersion: violation.rule_version,
    ...(violation.marketplace ? { marketplace: violation.marketplace } : {}),
    ...(violation.rule_content_hash ? { ruleContentHash: violation.rule_content_hash } : {}),
  } as PenaltyAssessedV1;
  tx.publish(Topics.PenaltiesAssessedV1, buildCloudEvent({ type: EventTypes.PenaltyAdjustedV1, source: SCORING_SOURCE, subject: violation.merchant_id, data, time: now }));
  violation.points = change.points;
  violation.waiver = change.waiver;
}
