import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { buildCloudEvent, EventTypes, Topics, type CloudEvent, type PenaltyAssessedV1, type ViolationDetectedV1 } from '@penalty/contracts';
import { assessViolation, naturalYearOf, RuleBook, type Clock } from '@penalty/domain';
import { appendEventToOutbox } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { lockViolation, SCORING_SOURCE } from './adjust-points';
import { ExamChances } from './exam-chances';

/**
 * Turns one violation-detected event into an assessment: points under the rule version in force at
 * occurredAt, the self-check chance, the merchant's new yearly totals, and a penalty.assessed.v1 event.
 * Runs inside the inbox transaction; a violationId seen before (under another event id) changes nothing.
 */
@Injectable()
export class AssessViolationHandler {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RuleBook,
    private readonly examChances: ExamChances,
  ) {}

  async handle(manager: EntityManager, event: CloudEvent<ViolationDetectedV1>): Promise<void> {
    const violation = event.data;
    const known: unknown[] = await manager.query('SELECT 1 FROM violation WHERE violation_id = $1', [violation.violationId]);
    if (known.length > 0) return;

    const occurredAt = new Date(violation.occurredAt);
    const naturalYear = naturalYearOf(occurredAt);
    const scenario = violation.scenario ?? null;
    const scenarioSeen: unknown[] = scenario
      ? await manager.query('SELECT 1 FROM violation WHERE merchant_id = $1 AND natural_year = $2 AND scenario = $3 LIMIT 1', [
          violation.merchantId,
          naturalYear,
          scenario,
        ])
      : [];
    const assessment = assessViolation(
      { code: violation.code, severity: violation.severity, scenario, occurredAt },
      { scenarioAlreadySeenThisYear: scenarioSeen.length > 0 },
      this.rules.at(occurredAt),
    );

    const general = assessment.track === 'GENERAL' ? assessment.points : 0;
    const serious = assessment.track === 'SERIOUS' ? assessment.points : 0;
    const [totals]: { general: number; serious: number }[] = await manager.query(
      `INSERT INTO merchant_year_points (merchant_id, natural_year, general, serious) VALUES ($1, $2, $3, $4)
       ON CONFLICT (merchant_id, natural_year) DO UPDATE
         SET general = merchant_year_points.general + EXCLUDED.general, serious = merchant_year_points.serious + EXCLUDED.serious
       RETURNING general, serious`,
      [violation.merchantId, naturalYear, general, serious],
    );

    const assessmentId = randomUUID();
    await manager.query(
      `INSERT INTO violation (violation_id, assessment_id, event_id, merchant_id, code, scenario, severity, occurred_at, natural_year,
         track, base_points, points, waiver, rule_version, item_action, item_ids, detected_by, assessed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
      [
        violation.violationId, assessmentId, event.id, violation.merchantId, violation.code, scenario, violation.severity, occurredAt,
        naturalYear, assessment.track, assessment.basePoints, assessment.points, assessment.waiver, assessment.ruleVersion,
        violation.itemAction ?? 'NONE', JSON.stringify(violation.itemIds ?? []), violation.detectedBy, this.clock.now(),
      ],
    );

    const data: PenaltyAssessedV1 = {
      assessmentId,
      violationId: violation.violationId,
      merchantId: violation.merchantId,
      track: assessment.track,
      points: assessment.points,
      waiver: assessment.waiver,
      naturalYear,
      totals: { general: totals.general, serious: totals.serious },
      ruleVersion: assessment.ruleVersion,
    } as PenaltyAssessedV1;
    const assessed = buildCloudEvent({ type: EventTypes.PenaltyAssessedV1, source: SCORING_SOURCE, subject: violation.merchantId, data, time: this.clock.now() });
    appendEventToOutbox(manager, Topics.PenaltiesAssessedV1, assessed);
    // Section 6: a violation that may use the merchant's exam chance opens the choice.
    if (assessment.examEligible && assessment.points > 0) await this.examChances.offerIfUsable(manager, (await lockViolation(manager, violation.violationId))!, this.clock.now());
  }
}
