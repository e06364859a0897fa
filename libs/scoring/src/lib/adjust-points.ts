import type { EntityManager } from 'typeorm';
import { buildCloudEvent, EventTypes, Topics, type PenaltyAssessedV1 } from '@penalty/contracts';
import type { Waiver } from '@penalty/domain';
import { appendEventToOutbox } from '@penalty/messaging';

export const SCORING_SOURCE = 'scoring-service';

export interface ScoredViolation {
  violation_id: string;
  assessment_id: string;
  merchant_id: string;
  scenario: string | null;
  natural_year: number;
  track: 'GENERAL' | 'SERIOUS';
  base_points: number;
  points: number;
  waiver: Waiver | null;
  rule_version: string;
  assessed_at: Date;
}

/** The violation, locked for the rest of the transaction; undefined when unknown. */
export async function lockViolation(manager: EntityManager, violationId: string): Promise<ScoredViolation | undefined> {
  const [row]: ScoredViolation[] = await manager.query('SELECT * FROM violation WHERE violation_id = $1 FOR UPDATE', [violationId]);
  return row;
}

/**
 * Points already assessed change (exam passed, appeal accepted, chance voided): the violation's points
 * and waiver, the merchant's yearly totals, and a penalty.adjusted.v1 carrying the new totals, in the
 * caller's transaction. Nothing happens when neither points nor waiver change.
 */
export async function adjustPoints(manager: EntityManager, violation: ScoredViolation, change: { points: number; waiver: Waiver | null }, now: Date): Promise<void> {
  if (violation.points === change.points && violation.waiver === change.waiver) return;
  const delta = change.points - violation.points;
  await manager.query('UPDATE violation SET points = $2, waiver = $3 WHERE violation_id = $1', [violation.violation_id, change.points, change.waiver]);
  const column = violation.track === 'SERIOUS' ? 'serious' : 'general';
  const [[totals]]: [{ general: number; serious: number }[], number] = await manager.query(
    `UPDATE merchant_year_points SET ${column} = ${column} + $3 WHERE merchant_id = $1 AND natural_year = $2 RETURNING general, serious`,
    [violation.merchant_id, violation.natural_year, delta],
  );
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
  } as PenaltyAssessedV1;
  appendEventToOutbox(
    manager,
    Topics.PenaltiesAssessedV1,
    buildCloudEvent({ type: EventTypes.PenaltyAdjustedV1, source: SCORING_SOURCE, subject: violation.merchant_id, data, time: now }),
  );
  violation.points = change.points;
  violation.waiver = change.waiver;
}
