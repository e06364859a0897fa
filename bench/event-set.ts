// The benchmark's workload: the same violations for every system, and what the platform must make of them.
import { assessViolation, RuleBook } from '@penalty/domain';
import { aViolationEvent } from '@penalty/testing';

export const CODE = 'COUNTERFEIT_GOODS';
export const SEVERITY = 'STANDARD';
const OCCURRED_AT = '2026-11-20T10:00:00+08:00';

export type ViolationEvent = ReturnType<typeof aViolationEvent>;

export interface EventSet {
  /** Merchant ids of this set start with it, so a run's outputs are told apart from other runs'. */
  merchantPrefix: string;
  events: ViolationEvent[];
  merchants: number;
}

/** `violations` events spread round-robin over `merchants` merchants, so each merchant's arrive in order. */
export function violationSet(merchantPrefix: string, violations: number, merchants: number): EventSet {
  const events = Array.from({ length: violations }, (_, i) =>
    aViolationEvent({ merchantId: `${merchantPrefix}${i % merchants}`, code: CODE, severity: SEVERITY, occurredAt: OCCURRED_AT }),
  );
  return { merchantPrefix, events, merchants };
}

export interface PlatformExpectation {
  pointsPerViolation: number;
  ladderNodes: number[];
  assessed: number;
  /** sanction.imposed.v1 events: per merchant, the ladder nodes its points reach. */
  sanctions: number;
}

/** What the platform must publish for `set` under the default rule data (read from libs/domain, not assumed). */
export function platformExpectation(set: EventSet): PlatformExpectation {
  const ruleSet = new RuleBook().at(new Date(OCCURRED_AT));
  const assessment = assessViolation({ code: CODE, severity: SEVERITY, occurredAt: new Date(OCCURRED_AT) }, { scenarioAlreadySeenThisYear: false }, ruleSet);
  const ladderNodes = ruleSet.ladders[assessment.track].map((step) => step.node);
  const perMerchant = new Map<string, number>();
  for (const e of set.events) perMerchant.set(e.subject, (perMerchant.get(e.subject) ?? 0) + 1);
  let sanctions = 0;
  for (const count of perMerchant.values()) sanctions += ladderNodes.filter((node) => node <= assessment.points * count).length;
  return { pointsPerViolation: assessment.points, ladderNodes, assessed: set.events.length, sanctions };
}
