import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AppealableDecision, AppealSubjects } from '@penalty/appeals';
import { RuleBook, type AppealSubjectKind } from '@penalty/domain';
import { adjustPoints, lockViolation, SCORING_SOURCE } from './adjust-points';

/** Penalties (points assessed for a violation) can be appealed; accepting one restores its points (waiver APPEAL). */
@Injectable()
export class PenaltyAppealSubjects implements AppealSubjects {
  readonly kinds: readonly AppealSubjectKind[] = ['PENALTY'];
  readonly source = SCORING_SOURCE;

  constructor(private readonly rules: RuleBook) {}

  async find(manager: EntityManager, _kind: AppealSubjectKind, violationId: string): Promise<AppealableDecision | null> {
    const violation = await lockViolation(manager, violationId);
    if (!violation) return null;
    const decidedAt = new Date(violation.assessed_at);
    const ruleSet = this.rules.ofVersion(violation.rule_version, violation.marketplace ?? undefined);
    return { merchantId: violation.merchant_id, marketplace: ruleSet.marketplace, decidedAt, ruleSet };
  }

  async revoke(manager: EntityManager, _kind: AppealSubjectKind, violationId: string, context: { now: Date }): Promise<void> {
    const violation = await lockViolation(manager, violationId);
    if (violation) await adjustPoints(manager, violation, { points: 0, waiver: 'APPEAL' }, context.now);
  }
}
