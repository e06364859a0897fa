import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { explainAssessment, formatShanghai, RuleBook, type Scenario, type Severity, type ViolationCode } from '@penalty/domain';
import { RulebookFeed, type RulebookAwareness } from '@penalty/messaging';
import { ProblemException } from '@penalty/runtime';
import type { AssessmentExplanationDto } from './assessment-explanation.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ViolationRow {
  violation_id: string;
  assessment_id: string;
  merchant_id: string;
  code: ViolationCode;
  severity: Severity;
  scenario: Scenario | null;
  occurred_at: Date;
  detected_by: string;
  item_ids: string[];
  evidence: { kind: string; uri: string; sha256: string }[] | null;
  natural_year: number;
  track: 'GENERAL' | 'SERIOUS';
  base_points: number;
  points: number;
  waiver: string | null;
  rule_version: string;
  marketplace: string | null;
  rule_content_hash: string | null;
  assessed_points: number | null;
  assessed_waiver: string | null;
  general_after: number | null;
  serious_after: number | null;
  assessed_at: Date;
}

/**
 * Explains an assessment (rulebook section 9: every decision explained and reproducible): the stored
 * violation and the merchant's history the decision saw, the rule cells of the version it names
 * (explainAssessment), and the decision recomputed from them compared with the decision as made.
 */
@Injectable()
export class ExplainAssessmentHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rules: RuleBook,
    @Inject(RulebookFeed) private readonly rulebooks: RulebookAwareness,
  ) {}

  async explain(decisionId: string): Promise<AssessmentExplanationDto> {
    const [byViolation]: ViolationRow[] = await this.dataSource.query('SELECT * FROM violation WHERE violation_id = $1', [decisionId]);
    const row = byViolation ?? (UUID.test(decisionId) ? ((await this.dataSource.query('SELECT * FROM violation WHERE assessment_id = $1::uuid', [decisionId])) as ViolationRow[])[0] : undefined);
    if (!row) throw ProblemException.notFound('DECISION.NOT_FOUND', `No decision ${decisionId} of this service.`);
    const marketplace = row.marketplace ?? this.rules.defaultMarketplace;
    await this.rulebooks.awaitKnown([{ version: row.rule_version, marketplace }]);
    const ruleSet = this.rules.ofVersion(row.rule_version, marketplace);
    const [earlier, seen] = await Promise.all([
      this.dataSource.query(
        `SELECT violation_id, points, assessed_at FROM violation
         WHERE merchant_id = $1 AND natural_year = $2 AND track = $3 AND assessed_at < $4 AND points > 0 ORDER BY assessed_at, violation_id`,
        [row.merchant_id, row.natural_year, row.track, row.assessed_at],
      ) as Promise<{ violation_id: string; points: number; assessed_at: Date }[]>,
      // The chance was gone if an earlier batch had the scenario, or another violation of this batch took it.
      row.scenario === null
        ? Promise.resolve([])
        : (this.dataSource.query(
            `SELECT 1 FROM violation WHERE merchant_id = $1 AND natural_year = $2 AND scenario = $3 AND violation_id <> $5
               AND (assessed_at < $4 OR (assessed_at = $4 AND assessed_waiver = 'SELF_CHECK')) LIMIT 1`,
            [row.merchant_id, row.natural_year, row.scenario, row.assessed_at, row.violation_id],
          ) as Promise<unknown[]>),
    ]);
    const facts = { code: row.code, severity: row.severity, scenario: row.scenario, occurredAt: new Date(row.occurred_at) };
    const { outcome, rules } = explainAssessment(facts, { scenarioAlreadySeenThisYear: seen.length > 0 }, ruleSet);
    const asMade = row.assessed_points === null ? null : { basePoints: row.base_points, points: row.assessed_points, waiver: row.assessed_waiver };
    const after = row.general_after === null || row.serious_after === null ? null : { general: row.general_after, serious: row.serious_after };
    const before = after && asMade ? { ...after, [row.track === 'SERIOUS' ? 'serious' : 'general']: (row.track === 'SERIOUS' ? after.serious : after.general) - asMade.points } : null;
    const recomputed = { basePoints: outcome.basePoints, points: outcome.points, waiver: outcome.waiver };
    return {
      decisionId,
      kind: 'ASSESSMENT',
      marketplace,
      ruleVersion: row.rule_version,
      ruleContentHash: ruleSet.contentHash,
      inputs: {
        violation: { violationId: row.violation_id, merchantId: row.merchant_id, code: row.code, severity: row.severity, scenario: row.scenario, occurredAt: formatShanghai(facts.occurredAt), detectedBy: row.detected_by, itemIds: row.item_ids, evidence: row.evidence },
        naturalYear: row.natural_year,
        track: row.track,
        totalsBefore: before as { general: number; serious: number } | null,
        totalsAfter: after,
        scenarioSeenBefore: seen.length > 0,
        priorDecisions: earlier.map((e) => ({ violationId: e.violation_id, points: e.points, assessedAt: formatShanghai(new Date(e.assessed_at)) })),
      },
      rules,
      outcome: recomputed,
      asMade,
      current: { basePoints: row.base_points, points: row.points, waiver: row.waiver },
      reproduced:
        asMade === null
          ? null
          : asMade.basePoints === recomputed.basePoints && asMade.points === recomputed.points && asMade.waiver === recomputed.waiver && (row.rule_content_hash === null || row.rule_content_hash === ruleSet.contentHash),
    };
  }
}
