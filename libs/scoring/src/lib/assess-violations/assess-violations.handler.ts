import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { buildCloudEvent, EventTypes, Topics, type PenaltyAssessedV1, type ViolationDetectedV1 } from '@penalty/contracts';
import { assessViolations, examOfferOf, formatShanghai, naturalYearOf, RuleBook, scenarioKey, totalsKey, type Clock, type Scenario, type ViolationToAssess } from '@penalty/domain';
import { ALWAYS_CURRENT, RulebookFeed, type InboundEvent, type InboxBatch, type RulebookAwareness } from '@penalty/messaging';
import { CLOCK } from '@penalty/runtime';
import { SCORING_SOURCE } from '../adjust-points';
import { examChanceUpdated, lockUsableChances } from '../exam-chances';
import { PointsRepository, type NewViolation } from '../points.repository';

interface Detected extends ViolationToAssess {
  inbound: InboundEvent;
  data: ViolationDetectedV1;
  /** Whose rulebook judges it: the event's marketplace, else the deployment's default. */
  marketplace: string;
}

/**
 * Turns a batch of violation-detected events into assessments: points under the rule version in
 * force at each occurredAt, the self-check chance, the merchants' new yearly totals, a
 * penalty.assessed.v1 per distinct violation, and the exam choice a violation may open. The whole
 * batch is read with one statement per table (known violations, totals locked, scenarios seen,
 * usable exam chances), decided in order by the domain, and written with one statement per table.
 * A violationId seen before (under another event id) changes nothing; a violation the rules refuse
 * is dead-lettered alone.
 */
@Injectable()
export class AssessViolationsHandler {
  private readonly points = new PointsRepository();

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly rules: RuleBook,
    @Inject(RulebookFeed) private readonly rulebooks: RulebookAwareness = ALWAYS_CURRENT,
  ) {}

  async handle({ tx, events, reject }: InboxBatch): Promise<void> {
    // Judge nothing before the versions on rules.versions.v1 at start are known.
    await this.rulebooks.current();
    const detected: Detected[] = events.map((inbound) => {
      const data = inbound.event.data as ViolationDetectedV1;
      return {
        inbound, data, violationId: data.violationId, merchantId: data.merchantId, code: data.code, severity: data.severity, scenario: data.scenario ?? null, occurredAt: new Date(data.occurredAt),
        marketplace: data.marketplace ?? this.rules.defaultMarketplace,
      };
    });
    const years = unique(detected.map((d) => ({ merchantId: d.merchantId, naturalYear: naturalYearOf(d.occurredAt) })), (p) => totalsKey(p.merchantId, p.naturalYear));
    const withScenario = detected.flatMap((d) => (d.scenario ? [{ merchantId: d.merchantId, naturalYear: naturalYearOf(d.occurredAt), scenario: d.scenario as Scenario }] : []));

    const knownViolations = await this.points.knownViolations(tx, detected.map((d) => d.violationId));
    const lockedTotals = await this.points.lockTotals(tx, years);
    const seen = await this.points.scenariosSeen(tx, unique(withScenario, (t) => scenarioKey(t.merchantId, t.naturalYear, t.scenario)));
    const { outcomes, totals } = assessViolations(
      detected,
      {
        knownViolations,
        totals: new Map(lockedTotals.map((t) => [totalsKey(t.merchantId, t.naturalYear), { general: t.general, serious: t.serious }])),
        scenariosSeen: new Set(seen.map((s) => scenarioKey(s.merchantId, s.naturalYear, s.scenario))),
      },
      (occurredAt, violation) => this.rules.at(occurredAt, violation.marketplace),
    );

    const now = this.clock.now();
    const assessed = outcomes.flatMap((o) => {
      if (o.kind === 'REJECTED') reject(o.violation.inbound, { code: o.error.code, message: o.error.message });
      return o.kind === 'ASSESSED' ? [o] : [];
    });
    const offered = assessed.filter((a) => a.assessment.examEligible && a.assessment.points > 0);
    const chances = await lockUsableChances(tx, offered.map((a) => a.violation.merchantId), now);

    const rows: NewViolation[] = [];
    for (const { violation: v, assessment, totals: after } of assessed) {
      const ruleSet = this.rules.ofVersion(assessment.ruleVersion, v.marketplace);
      const row: NewViolation = {
        violationId: v.violationId, assessmentId: randomUUID(), eventId: v.inbound.event.id, merchantId: v.merchantId, code: v.code, scenario: v.scenario ?? null,
        severity: v.severity, occurredAt: v.occurredAt, naturalYear: assessment.naturalYear, track: assessment.track, basePoints: assessment.basePoints,
        points: assessment.points, waiver: assessment.waiver, ruleVersion: assessment.ruleVersion, itemAction: v.data.itemAction ?? 'NONE',
        itemIds: v.data.itemIds ?? [], evidence: (v.data.evidence ?? []).map(({ kind, uri, sha256 }) => ({ kind, uri, sha256 })), detectedBy: v.data.detectedBy, assessedAt: now, marketplace: v.marketplace, ruleContentHash: ruleSet.contentHash,
        generalAfter: after.general, seriousAfter: after.serious,
      };
      rows.push(row);
      const data: PenaltyAssessedV1 = {
        assessmentId: row.assessmentId,
        violationId: v.violationId,
        merchantId: v.merchantId,
        track: assessment.track,
        points: assessment.points,
        waiver: assessment.waiver,
        naturalYear: assessment.naturalYear,
        totals: { general: after.general, serious: after.serious },
        ruleVersion: assessment.ruleVersion,
        marketplace: v.marketplace,
        ruleContentHash: ruleSet.contentHash,
      } as PenaltyAssessedV1;
      tx.publish(Topics.PenaltiesAssessedV1, buildCloudEvent({ type: EventTypes.PenaltyAssessedV1, source: SCORING_SOURCE, subject: v.merchantId, data, time: now }));
      // Section 6: a violation that may use the merchant's chance opens the choice.
      const chance = chances.get(v.merchantId);
      const offer = chance && examOfferOf({ scenario: (v.scenario ?? null) as Scenario | null, points: assessment.points, decidedAt: now, ruleSet });
      if (chance && offer) tx.publish(Topics.RemediesUpdatedV1, examChanceUpdated(chance, now, { violationId: v.violationId, choiceClosesAt: formatShanghai(offer.choiceClosesAt) }));
    }

    await this.points.insertViolations(tx, rows);
    await this.points.saveTotals(
      tx,
      lockedTotals.flatMap((t) => {
        const after = totals.get(totalsKey(t.merchantId, t.naturalYear))!;
        return after.general === t.general && after.serious === t.serious ? [] : [{ ...t, ...after }];
      }),
    );
  }
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}
